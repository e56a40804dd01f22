/** @jsxImportSource hono/jsx */
// Connected apps: third-party apps the user consented to, and apps holding a live
// refresh token for them (first-party apps never ask for consent). Disconnecting one
// withdraws its consent and revokes its refresh tokens, in the user's UserState.
import { Hono, type Context } from "hono";
import type { Client, ClientConsent } from "../directory";
import type { AppEnv } from "../env";
import { userState } from "../sessions";
import { htmlPage } from "../ui/render";
import { AccountFrame, formatTime, noticeOf, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";

export const appsSection = new Hono<AppEnv>();

export interface ConnectedApp {
  client: Client;
  consent: ClientConsent | null;
  signedIn: boolean;
}

export async function connectedApps(c: Context<AppEnv>, account: Account): Promise<ConnectedApp[]> {
  const { tenant, directory, user } = account;
  const [consents, refreshing] = await Promise.all([
    directory.consents.listForUser(user.id),
    userState(c.env, tenant.id, user.id, c.var.stats).clientsWithRefreshTokens(),
  ]);
  const ids = [...new Set([...consents.map((x) => x.clientId), ...refreshing])];
  const clients = await Promise.all(ids.map((id) => directory.clients.get(id)));
  return clients
    .filter((client) => client !== null)
    .map((client) => ({
      client,
      consent: consents.find((x) => x.clientId === client.clientId) ?? null,
      signedIn: refreshing.includes(client.clientId),
    }))
    .sort((a, b) => (a.client.clientName ?? a.client.clientId).localeCompare(b.client.clientName ?? b.client.clientId));
}

async function render(c: Context<AppEnv>, account: Account, error: string | null = null, status: 200 | 400 = 200) {
  const { page, tenant, csrf } = account;
  const { t } = page;
  const apps = await connectedApps(c, account);
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="apps"
      title={t("account.appsTitle")}
      notice={noticeOf(c.req.query("done"))}
      error={error}
    >
      {apps.length === 0 ? <p>{t("account.noApps")}</p> : null}
      {apps.map(({ client, consent, signedIn }) => (
        <section>
          <h2>{client.clientName ?? client.clientId}</h2>
          {consent ? (
            <p>
              {t("account.appConsented", { time: formatTime(page, consent.grantedAt) })}{" "}
              <span class="muted">{consent.scopes.join(" ")}</span>
            </p>
          ) : null}
          {signedIn ? <p>{t("account.appSignedIn")}</p> : null}
          <form method="post" action={`${sectionPath(tenant, "apps")}/disconnect`}>
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="client_id" value={client.clientId} />
            <button type="submit" class="secondary">
              {t("account.disconnectApp", { app: client.clientName ?? client.clientId })}
            </button>
          </form>
        </section>
      ))}
    </AccountFrame>,
    status,
  );
}

appsSection.get("/", (c) => withAccount(c, "apps", (account) => render(c, account)));

appsSection.post("/disconnect", (c) =>
  withAccount(c, "apps", async (account, form) => {
    const { tenant, directory, user } = account;
    const clientId = form.client_id ?? "";
    const app = (await connectedApps(c, account)).find((a) => a.client.clientId === clientId);
    if (!app) return render(c, account, account.page.t("account.appGone"), 400);
    await directory.consents.revoke(user.id, clientId, {
      type: "consent.revoked",
      actorType: "user",
      actorId: user.id,
      details: { source: "account", scopes: app.consent?.scopes ?? [] },
    });
    await userState(c.env, tenant.id, user.id, c.var.stats).revokeClient(clientId);
    return c.redirect(sectionPath(tenant, "apps", "app"), 303);
  }),
);

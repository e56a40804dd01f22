/** @jsxImportSource hono/jsx */
// Data download: everything Latchkey holds about the user as one JSON file (profile,
// custom attributes, consent records, app consents, sessions, audit events), never a
// password hash or any other secret. Asked for by a form with the CSRF token, or by a
// same-site GET (a link on our own pages).
import { Hono, type Context } from "hono";
import { presentUser } from "../admin/schemas/users";
import type { AuditEvent } from "../directory";
import type { AppEnv } from "../env";
import { isCrossSite } from "../http/forms";
import { userState } from "../sessions";
import { errorPage, htmlPage } from "../ui/render";
import { connectedApps } from "./apps";
import { AccountFrame, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";

export const dataSection = new Hono<AppEnv>();

/** Audit events exported at most (newest kept if more): the file stays a download, not a dump. */
const MAX_AUDIT_EVENTS = 5000;
const AUDIT_PAGE = 500;

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());

async function auditTrail(account: Account): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await account.directory.audit.list({
      userId: account.user.id,
      limit: AUDIT_PAGE,
      ...(after ? { after } : {}),
    });
    events.push(...page);
    if (page.length < AUDIT_PAGE) break;
    after = page.at(-1)!.id;
    if (events.length > MAX_AUDIT_EVENTS) events.splice(0, events.length - MAX_AUDIT_EVENTS);
  }
  return events;
}

export async function accountExport(c: Context<AppEnv>, account: Account) {
  const { tenant, directory, user } = account;
  const [consentRecords, apps, sessions, audit, passkeys, authenticatorApps, recoveryCodes] = await Promise.all([
    directory.consentRecords.history(user.id),
    connectedApps(c, account),
    userState(c.env, tenant.id, user.id, c.var.stats).listSessions(),
    auditTrail(account),
    directory.factors.passkeys.list(user.id),
    directory.factors.totp.list(user.id),
    directory.factors.recoveryCodes.status(user.id),
  ]);
  return {
    exported_at: new Date().toISOString(),
    tenant: tenant.slug,
    // The representation admins see (src/admin/schemas/users.ts), named field by field.
    profile: presentUser(user),
    custom_attributes: user.customAttributes,
    consent_records: consentRecords.map((r) => ({
      purpose: r.purpose,
      policy_version: r.policyVersion,
      granted: r.granted,
      source: r.source,
      created_at: iso(r.createdAt),
    })),
    app_consents: apps.map((a) => ({
      client_id: a.client.clientId,
      client_name: a.client.clientName,
      scopes: a.consent?.scopes ?? [],
      granted_at: iso(a.consent?.grantedAt ?? null),
      signed_in: a.signedIn,
    })),
    // What identifies each factor to its owner; never a key, a secret or a code hash.
    passkeys: passkeys.map((p) => ({
      name: p.name,
      created_at: iso(p.createdAt),
      last_used_at: iso(p.lastUsedAt),
      synced: p.deviceType === "multiDevice",
      backed_up: p.backedUp,
    })),
    authenticator_apps: authenticatorApps.map((app) => ({
      name: app.name,
      confirmed: app.confirmedAt !== null,
      created_at: iso(app.createdAt),
      last_used_at: iso(app.lastUsedAt),
    })),
    recovery_codes: { remaining: recoveryCodes.remaining, generated_at: iso(recoveryCodes.generatedAt) },
    sessions: sessions.map((s) => ({
      created_at: iso(s.createdAt),
      last_active_at: iso(s.lastActiveAt),
      expires_at: iso(s.expiresAt),
      ip: s.ip,
      user_agent: s.userAgent,
      authentication_methods: s.amr,
      apps: s.clients,
      current: s.sid === account.session.session.sid,
    })),
    audit_events: audit.map((e) => ({
      id: e.id,
      type: e.type,
      actor_type: e.actorType,
      client_id: e.clientId,
      ip: e.ip,
      user_agent: e.userAgent,
      details: e.details,
      created_at: iso(e.createdAt),
    })),
  };
}

async function download(c: Context<AppEnv>, account: Account): Promise<Response> {
  const body = JSON.stringify(await accountExport(c, account), null, 2);
  const day = new Date().toISOString().slice(0, 10);
  await account.directory.audit.record({
    type: "user.data_exported",
    actorType: "user",
    actorId: account.user.id,
    userId: account.user.id,
    details: { source: "account" },
  });
  return c.body(body, 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Disposition": `attachment; filename="${account.tenant.slug}-account-${day}.json"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
}

dataSection.get("/", (c) =>
  withAccount(c, "data", async (account) => {
    const { page, tenant, csrf } = account;
    const { t } = page;
    return htmlPage(
      c,
      <AccountFrame page={page} tenant={tenant} section="data" title={t("account.dataTitle")}>
        <p>{t("account.dataIntro")}</p>
        <form method="post" action={`${sectionPath(tenant, "")}/export`}>
          <input type="hidden" name="csrf" value={csrf} />
          <button type="submit">{t("account.downloadData")}</button>
        </form>
        <p>
          <a href={sectionPath(tenant, "delete")}>{t("account.deleteLink")}</a>
        </p>
      </AccountFrame>,
    );
  }),
);

/** Mounted at /account/export: the file itself. */
export const exportRoutes = new Hono<AppEnv>();

exportRoutes.post("/", (c) => withAccount(c, "data", (account) => download(c, account)));
exportRoutes.get("/", (c) => {
  // A GET carries no CSRF token: only our own pages may link to it.
  if (isCrossSite(c) || c.req.header("Sec-Fetch-Site") === "same-site")
    return errorPage(c, 403, "common.refusedTitle", "common.crossSite");
  return withAccount(c, "data", (account) => download(c, account));
});

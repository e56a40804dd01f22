/** @jsxImportSource hono/jsx */
// Account section "passkeys": the user's passkeys (name, added, last used, synced or
// device-bound), adding one (a WebAuthn registration run by the page's script), renaming
// and removing. Adding and removing need a recent sign-in (10 minutes): a borrowed
// session must not plant a passkey of its own or take away the owner's.
import { Hono, type Context } from "hono";
import type { Passkey } from "../directory";
import type { AppEnv } from "../env";
import type { MessageKey, Translator } from "../i18n";
import { PASSKEY_JS_PATH } from "../mfa/passkeys/browser-script";
import { registrationOptions } from "../mfa/passkeys/ceremony";
import { sendFactorChangedEmail } from "../mfa/mail";
import { addPostedPasskey } from "../mfa/passkeys/registration";
import { PasskeyForm } from "../mfa/passkeys/form";
import { FieldError, fieldAria } from "../ui/form-errors";
import { htmlPage } from "../ui/render";
import { startAccountSignIn } from "./client";
import { AccountFrame, formatTime, sectionPath } from "./frame";
import { strengthenSession, withAccount, type Account } from "./guard";

export const passkeysSection = new Hono<AppEnv>();

/** How long after signing in a user may add or remove passkeys. */
export const RECENT_SIGN_IN_SECONDS = 10 * 60;
const MAX_NAME = 64;

const NOTICES = { added: "passkeys.added", renamed: "passkeys.renamed", removed: "passkeys.removed" } as const;
type Done = keyof typeof NOTICES;

const noticeOf = (done: string | undefined): MessageKey | null =>
  done && Object.hasOwn(NOTICES, done) ? NOTICES[done as Done] : null;

const donePath = (account: Account, done: Done) => `${sectionPath(account.tenant, "passkeys")}?done=${done}`;

export function signedInRecently(account: Account, now = Math.floor(Date.now() / 1000)): boolean {
  return now - account.session.session.authTime <= RECENT_SIGN_IN_SECONDS;
}

function backupState(t: Translator["t"], passkey: Passkey): string {
  if (passkey.deviceType === "singleDevice") return t("passkeys.deviceOnly");
  return passkey.backedUp ? t("passkeys.syncedBackedUp") : t("passkeys.syncedNotBackedUp");
}

interface RenderOptions {
  error?: string | null;
  /** A rename that was refused: which passkey, what was typed, why. */
  rename?: { id: string; value: string; error: string };
  status?: 200 | 400 | 403 | 404;
}

async function render(c: Context<AppEnv>, account: Account, options: RenderOptions = {}) {
  const { page, tenant, user, csrf, directory } = account;
  const { t } = page;
  const passkeys = await directory.factors.passkeys.list(user.id);
  const path = sectionPath(tenant, "passkeys");
  const recent = signedInRecently(account);
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="passkeys"
      title={t("passkeys.sectionTitle")}
      notice={noticeOf(c.req.query("done"))}
      error={options.error ?? null}
    >
      <p>{t("passkeys.intro")}</p>
      {passkeys.length === 0 ? (
        <p class="muted">{t("passkeys.none")}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("passkeys.name")}</th>
                <th scope="col">{t("passkeys.created")}</th>
                <th scope="col">{t("passkeys.lastUsed")}</th>
                <th scope="col">{t("passkeys.backup")}</th>
                <th scope="col">
                  <span class="muted">{t("passkeys.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {passkeys.map((passkey, index) => {
                const renaming = options.rename?.id === passkey.id ? options.rename : null;
                const inputId = `passkey-name-${index}`;
                return (
                  <tr>
                    <td>{passkey.name}</td>
                    <td>{formatTime(page, passkey.createdAt)}</td>
                    <td>{passkey.lastUsedAt ? formatTime(page, passkey.lastUsedAt) : t("passkeys.never")}</td>
                    <td>{backupState(t, passkey)}</td>
                    <td>
                      <form method="post" action={`${path}/rename`} novalidate>
                        <input type="hidden" name="csrf" value={csrf} />
                        <input type="hidden" name="passkey" value={passkey.id} />
                        <label for={inputId}>{t("passkeys.newName", { name: passkey.name })}</label>
                        <input
                          id={inputId}
                          name="name"
                          type="text"
                          maxlength={MAX_NAME}
                          value={renaming ? renaming.value : passkey.name}
                          {...fieldAria(renaming?.error, `${inputId}-error`)}
                        />
                        <FieldError id={`${inputId}-error`} message={renaming?.error} />
                        <button type="submit" class="secondary">
                          {t("passkeys.rename")}
                        </button>
                      </form>
                      {recent ? (
                        <form method="post" action={`${path}/remove`}>
                          <input type="hidden" name="csrf" value={csrf} />
                          <input type="hidden" name="passkey" value={passkey.id} />
                          <button type="submit" class="danger">
                            {t("passkeys.remove", { name: passkey.name })}
                          </button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {recent ? (
        <PasskeyForm
          page={page}
          mode="create"
          action={path}
          options={`${path}/options`}
          csrf={csrf}
          label={t("passkeys.add")}
        />
      ) : (
        <form method="post" action={`${path}/reauthenticate`}>
          <input type="hidden" name="csrf" value={csrf} />
          <p class="notice">{t("passkeys.recentSignIn")}</p>
          <button type="submit" class="secondary">
            {t("passkeys.signInAgain")}
          </button>
        </form>
      )}
      <script src={PASSKEY_JS_PATH} defer />
    </AccountFrame>,
    options.status ?? 200,
    { script: true },
  );
}

passkeysSection.get("/", (c) => withAccount(c, "passkeys", (account) => render(c, account)));

passkeysSection.post("/reauthenticate", (c) =>
  withAccount(c, "passkeys", () => startAccountSignIn(c, c.var.tenant, "passkeys", { reauthenticate: true })),
);

passkeysSection.post("/options", (c) =>
  withAccount(c, "passkeys", async (account) => {
    if (!signedInRecently(account)) return c.json({ error: "reauthenticate" }, 403, { "Cache-Control": "no-store" });
    const { tenant, user, directory, session } = account;
    const existing = await directory.factors.passkeys.list(user.id);
    const options = await registrationOptions(c.env, tenant, user, existing, session.session.sid, c.var.stats);
    return c.json(options, 200, { "Cache-Control": "no-store" });
  }),
);

passkeysSection.post("/", (c) =>
  withAccount(c, "passkeys", async (account, form) => {
    const { t } = account.page;
    if (!signedInRecently(account)) return render(c, account, { error: t("passkeys.recentSignIn"), status: 403 });
    const { tenant, user, directory, session } = account;
    const added = await addPostedPasskey(c, {
      tenant,
      directory,
      userId: user.id,
      sid: session.session.sid,
      t,
      credential: form.credential,
      source: "account",
    });
    if (!added.ok) return render(c, account, { error: t(added.error), status: 400 });
    // The customer holds that passkey now: managing the account needs no step-up with it.
    await strengthenSession(c, account, added.amr);
    await sendFactorChangedEmail(c, tenant, directory, user, account.page.locale, "passkeyAdded");
    return c.redirect(donePath(account, "added"), 303);
  }),
);

passkeysSection.post("/rename", (c) =>
  withAccount(c, "passkeys", async (account, form) => {
    const { t } = account.page;
    const id = form.passkey ?? "";
    const name = (form.name ?? "").trim();
    const invalid = !name ? t("passkeys.nameMissing") : name.length > MAX_NAME ? t("passkeys.nameTooLong") : null;
    if (invalid) return render(c, account, { rename: { id, value: name, error: invalid }, status: 400 });
    if (!(await account.directory.factors.passkeys.rename(account.user.id, id, name)))
      return render(c, account, { error: t("passkeys.notFound"), status: 404 });
    return c.redirect(donePath(account, "renamed"), 303);
  }),
);

passkeysSection.post("/remove", (c) =>
  withAccount(c, "passkeys", async (account, form) => {
    const { t } = account.page;
    if (!signedInRecently(account)) return render(c, account, { error: t("passkeys.recentSignIn"), status: 403 });
    const { tenant, user, directory } = account;
    const id = form.passkey ?? "";
    const owned = (await directory.factors.passkeys.list(user.id)).some((passkey) => passkey.id === id);
    const removed =
      owned &&
      (await directory.factors.passkeys.remove(user.id, id, {
        type: "passkey.removed",
        actorType: "user",
        actorId: user.id,
        userId: user.id,
        userAgent: c.req.header("User-Agent") ?? null,
        details: { passkey_id: id },
      }));
    if (!removed) return render(c, account, { error: t("passkeys.notFound"), status: 404 });
    await sendFactorChangedEmail(c, tenant, directory, user, account.page.locale, "passkeyRemoved");
    return c.redirect(donePath(account, "removed"), 303);
  }),
);

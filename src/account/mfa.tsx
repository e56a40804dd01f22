/** @jsxImportSource hono/jsx */
// Account section "mfa", two-step verification (docs/mfa/authenticator-apps-and-recovery-codes.md):
// authenticator apps (list with name, added and last used; add with a QR code and a first
// code; rename; remove) and recovery codes (how many are left; make a new set, shown once).
// Adding or removing an app and making codes need a recent sign-in (10 minutes): a borrowed
// session must not be able to add a factor of its own, take one away or read fresh codes.
import { Hono, type Context } from "hono";
import type { TotpAuthenticator } from "../directory";
import type { AppEnv } from "../env";
import type { MessageKey } from "../i18n";
import { sendFactorChangedEmail } from "../mfa/mail";
import {
  codesToShow,
  finishShowing,
  FEW_RECOVERY_CODES,
  issueRecoveryCodes,
  keepForShowing,
} from "../mfa/recovery-codes/codes";
import { RecoveryCodesView } from "../mfa/recovery-codes/codes-view";
import {
  checkTotpCode,
  cleanAuthenticatorName,
  enrollmentDetails,
  MAX_AUTHENTICATOR_NAME,
  pendingEnrollment,
  startTotpEnrollment,
} from "../mfa/totp/authenticators";
import { TotpSetupView } from "../mfa/totp/setup-view";
import { cleanTotpCode, TOTP_CODE } from "../mfa/totp/totp";
import { htmlPage } from "../ui/render";
import { startAccountSignIn } from "./client";
import { AccountFrame, formatTime, sectionPath } from "./frame";
import { strengthenSession, withAccount, type Account } from "./guard";

export const mfaSection = new Hono<AppEnv>();

/** How recent the sign-in must be to add or remove an app or make recovery codes. */
export const RECENT_SIGN_IN_SECONDS = 10 * 60;

const NOTICES = {
  "app-added": "authenticators.noticeAdded",
  "app-renamed": "authenticators.noticeRenamed",
  "app-removed": "authenticators.noticeRemoved",
  "codes-saved": "authenticators.noticeCodesSaved",
} as const satisfies Record<string, MessageKey>;
type Done = keyof typeof NOTICES;

const path = (account: Account, rest = "", done?: Done) =>
  `${sectionPath(account.tenant, "mfa")}${rest}${done ? `?done=${done}` : ""}`;

function noticeOf(done: string | undefined): MessageKey | null {
  return done && Object.hasOwn(NOTICES, done) ? NOTICES[done as Done] : null;
}

const recentlySignedIn = (account: Account) =>
  account.session.session.authTime >= Math.floor(Date.now() / 1000) - RECENT_SIGN_IN_SECONDS;

type Status = 200 | 400 | 403 | 404;

function frame(
  c: Context<AppEnv>,
  account: Account,
  body: unknown,
  options: { error?: string | null; status?: Status } = {},
) {
  const { page, tenant } = account;
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="mfa"
      title={page.t("authenticators.sectionTitle")}
      notice={noticeOf(c.req.query("done"))}
      error={options.error ?? null}
    >
      {body as never}
    </AccountFrame>,
    options.status ?? 200,
  );
}

async function overview(
  c: Context<AppEnv>,
  account: Account,
  options: {
    error?: string | null;
    status?: Status;
    reauthenticate?: boolean;
    renameError?: { id: string; name: string };
  } = {},
) {
  const { page, directory, user, csrf } = account;
  const { t } = page;
  const [apps, remaining] = await Promise.all([
    directory.factors.totp.list(user.id),
    directory.factors.recoveryCodes.remaining(user.id),
  ]);
  const confirmed = apps.filter((app) => app.confirmedAt !== null);
  const body = (
    <>
      <p class="muted">{t("authenticators.sectionIntro")}</p>
      {options.reauthenticate ? (
        <form method="post" action={path(account, "/reauthenticate")}>
          <input type="hidden" name="csrf" value={csrf} />
          <button type="submit">{t("authenticators.signInAgain")}</button>
        </form>
      ) : null}
      <h2 id="apps-heading">{t("authenticators.appsHeading")}</h2>
      {confirmed.length === 0 ? (
        <p>{t("authenticators.noApps")}</p>
      ) : (
        <div class="table-scroll">
          <table aria-labelledby="apps-heading">
            <thead>
              <tr>
                <th scope="col">{t("authenticators.appName")}</th>
                <th scope="col">{t("authenticators.appUse")}</th>
                <th scope="col">
                  <span class="muted">{t("authenticators.appActions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {confirmed.map((app) => (
                <AppRow account={account} app={app} renameError={options.renameError} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form method="post" action={path(account, "/apps")} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <label for="new-app-name">{t("authenticators.newAppName")}</label>
        <span class="hint" id="new-app-name-hint">
          {t("authenticators.newAppNameHint")}
        </span>
        <input
          id="new-app-name"
          name="name"
          type="text"
          maxlength={MAX_AUTHENTICATOR_NAME}
          autocomplete="off"
          aria-describedby="new-app-name-hint"
        />
        <button type="submit" class="secondary">
          {t("authenticators.addApp")}
        </button>
      </form>
      <h2>{t("authenticators.codesSectionHeading")}</h2>
      <p id="codes-remaining">
        {remaining === 0 ? t("authenticators.codesNone") : t("authenticators.codesRemaining", { count: remaining })}
      </p>
      {remaining > 0 && remaining < FEW_RECOVERY_CODES ? <p class="notice">{t("authenticators.codesFew")}</p> : null}
      <form method="post" action={path(account, "/recovery-codes")}>
        <input type="hidden" name="csrf" value={csrf} />
        <p class="muted">
          {remaining > 0 ? t("authenticators.codesRegenerateHint") : t("authenticators.codesGenerateHint")}
        </p>
        <button type="submit" class="secondary">
          {remaining > 0 ? t("authenticators.codesRegenerate") : t("authenticators.codesGenerate")}
        </button>
      </form>
    </>
  );
  return frame(c, account, body, options);
}

const AppRow = ({
  account,
  app,
  renameError,
}: {
  account: Account;
  app: TotpAuthenticator;
  renameError?: { id: string; name: string } | undefined;
}) => {
  const { page, csrf } = account;
  const { t } = page;
  const failed = renameError?.id === app.id;
  const nameId = `name-${app.id}`;
  return (
    <tr>
      <td>
        <strong>{app.name}</strong>
        <form method="post" action={path(account, "/apps/rename")} novalidate>
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="id" value={app.id} />
          <label for={nameId}>{t("authenticators.renameLabel", { name: app.name })}</label>
          <input
            id={nameId}
            name="name"
            type="text"
            maxlength={MAX_AUTHENTICATOR_NAME}
            value={failed ? renameError.name : app.name}
            autocomplete="off"
            aria-invalid={failed ? "true" : undefined}
            aria-describedby={failed ? "account-error" : undefined}
          />
          <button type="submit" class="secondary">
            {t("authenticators.rename")}
          </button>
        </form>
      </td>
      <td>
        {t("authenticators.appAdded", { time: formatTime(page, app.confirmedAt ?? app.createdAt) })}
        <br />
        {app.lastUsedAt
          ? t("authenticators.appLastUsed", { time: formatTime(page, app.lastUsedAt) })
          : t("authenticators.appNeverUsed")}
      </td>
      <td>
        <form method="post" action={path(account, "/apps/remove")}>
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="id" value={app.id} />
          <button type="submit" class="danger" aria-label={t("authenticators.removeLabel", { name: app.name })}>
            {t("authenticators.remove")}
          </button>
        </form>
      </td>
    </tr>
  );
};

async function setupPage(
  c: Context<AppEnv>,
  account: Account,
  app: TotpAuthenticator,
  options: { code?: string; error?: string | null; status?: Status } = {},
) {
  const { page, tenant, user, csrf } = account;
  const details = await enrollmentDetails(c.env, tenant, user.id, user.email ?? user.id, app);
  if (!details) return overview(c, account, { error: page.t("authenticators.setupExpired"), status: 400 });
  return frame(
    c,
    account,
    <>
      <TotpSetupView
        page={page}
        details={details}
        action={path(account, "/apps/confirm")}
        csrf={csrf}
        hidden={{ id: app.id }}
        code={options.code}
        error={options.error}
        errorId="account-error"
      />
      <p>
        <a href={path(account)}>{page.t("authenticators.cancelSetup")}</a>
      </p>
    </>,
    options,
  );
}

mfaSection.get("/", (c) =>
  withAccount(c, "mfa", async (account) => {
    const { directory, user } = account;
    const setup = c.req.query("setup");
    if (setup) {
      const app = await pendingEnrollment(directory, user.id, setup);
      if (!app) return overview(c, account, { error: account.page.t("authenticators.setupExpired"), status: 404 });
      return setupPage(c, account, app);
    }
    const key = c.req.query("codes");
    if (key) {
      const shown = await codesToShow(c.env, account.tenant, user.id, key);
      if (!shown?.codes)
        return overview(c, account, { error: account.page.t("authenticators.codesGone"), status: 404 });
      return frame(
        c,
        account,
        <RecoveryCodesView
          page={account.page}
          codes={shown.codes}
          continueAction={path(account, "/recovery-codes/saved")}
          csrf={account.csrf}
          hidden={{ key }}
        />,
      );
    }
    return overview(c, account);
  }),
);

mfaSection.post("/apps", (c) =>
  withAccount(c, "mfa", async (account, form) => {
    // A factor added from a borrowed session would outlive it: the owner must have just signed in.
    if (!recentlySignedIn(account))
      return overview(c, account, {
        error: account.page.t("authenticators.recentSignInNeeded"),
        status: 403,
        reauthenticate: true,
      });
    const name = cleanAuthenticatorName(form.name) || account.page.t("authenticators.defaultName");
    const app = await startTotpEnrollment(c.env, account.directory, account.tenant, account.user.id, name);
    return c.redirect(`${path(account)}?setup=${app.id}`, 303);
  }),
);

mfaSection.post("/apps/confirm", (c) =>
  withAccount(c, "mfa", async (account, form) => {
    const { t } = account.page;
    const { directory, tenant, user } = account;
    const app = await pendingEnrollment(directory, user.id, form.id);
    if (!app) return overview(c, account, { error: t("authenticators.setupExpired"), status: 400 });
    const code = cleanTotpCode(form.code ?? "");
    if (!code) return setupPage(c, account, app, { error: t("authenticators.codeMissing"), status: 400 });
    if (!TOTP_CODE.test(code))
      return setupPage(c, account, app, { code, error: t("authenticators.codeFormat"), status: 400 });
    const checked = await checkTotpCode(c.env, directory, tenant, user.id, [app], code, () => ({
      type: "totp.enrolled",
      actorType: "user",
      actorId: user.id,
      userId: user.id,
      details: { authenticator_id: app.id, source: "account" },
    }));
    if (!checked.ok) return setupPage(c, account, app, { error: t("authenticators.setupCodeWrong"), status: 400 });
    // The code just came from the new app: this session has shown a second factor.
    await strengthenSession(c, account, ["otp"]);
    await sendFactorChangedEmail(c, tenant, directory, user, account.page.locale, "authenticatorAdded");
    // The first app comes with recovery codes, unless the user already has some.
    if ((await directory.factors.recoveryCodes.remaining(user.id)) === 0) {
      const codes = await issueRecoveryCodes(directory, user.id, generatedAudit(account, "first_app"));
      return c.redirect(`${path(account)}?codes=${await keepForShowing(c.env, tenant, user.id, codes)}`, 303);
    }
    return c.redirect(path(account, "", "app-added"), 303);
  }),
);

mfaSection.post("/apps/rename", (c) =>
  withAccount(c, "mfa", async (account, form) => {
    const { t } = account.page;
    const id = form.id ?? "";
    const name = cleanAuthenticatorName(form.name);
    if (!name)
      return overview(c, account, { error: t("authenticators.nameMissing"), status: 400, renameError: { id, name } });
    if (!(await account.directory.factors.totp.rename(account.user.id, id, name)))
      return overview(c, account, { error: t("authenticators.appGone"), status: 404 });
    return c.redirect(path(account, "", "app-renamed"), 303);
  }),
);

mfaSection.post("/apps/remove", (c) =>
  withAccount(c, "mfa", async (account, form) => {
    const { t } = account.page;
    const { tenant, directory, user } = account;
    if (!recentlySignedIn(account))
      return overview(c, account, { error: t("authenticators.recentSignInNeeded"), status: 403, reauthenticate: true });
    // An enrollment never confirmed was no sign-in method: taking it away is no news.
    const wasFactor = (await directory.factors.totp.list(user.id)).some(
      (app) => app.id === form.id && app.confirmedAt !== null,
    );
    const removed = await directory.factors.totp.remove(user.id, form.id ?? "", {
      type: "totp.removed",
      actorType: "user",
      actorId: user.id,
      userId: user.id,
      details: { authenticator_id: form.id, source: "account" },
    });
    if (!removed) return overview(c, account, { error: t("authenticators.appGone"), status: 404 });
    if (wasFactor)
      await sendFactorChangedEmail(c, tenant, directory, user, account.page.locale, "authenticatorRemoved");
    return c.redirect(path(account, "", "app-removed"), 303);
  }),
);

function generatedAudit(account: Account, reason: "first_app" | "account" | "sign_in") {
  return {
    type: "recovery_codes.generated",
    actorType: "user" as const,
    actorId: account.user.id,
    userId: account.user.id,
    details: { reason },
  };
}

mfaSection.post("/recovery-codes", (c) =>
  withAccount(c, "mfa", async (account) => {
    const { tenant, directory, user } = account;
    if (!recentlySignedIn(account))
      return overview(c, account, {
        error: account.page.t("authenticators.recentSignInNeeded"),
        status: 403,
        reauthenticate: true,
      });
    const codes = await issueRecoveryCodes(directory, user.id, generatedAudit(account, "account"));
    await sendFactorChangedEmail(c, tenant, directory, user, account.page.locale, "recoveryCodesRenewed");
    return c.redirect(`${path(account)}?codes=${await keepForShowing(c.env, tenant, user.id, codes)}`, 303);
  }),
);

mfaSection.post("/recovery-codes/saved", (c) =>
  withAccount(c, "mfa", async (account, form) => {
    await finishShowing(c.env, account.tenant, account.user.id, form.key);
    return c.redirect(path(account, "", "codes-saved"), 303);
  }),
);

mfaSection.post("/reauthenticate", (c) =>
  withAccount(c, "mfa", () => startAccountSignIn(c, c.var.tenant, "mfa", { reauthenticate: true })),
);

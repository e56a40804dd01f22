/** @jsxImportSource hono/jsx */
// Changing the password: the current one is required (attempts budgeted per user, so a
// borrowed session cannot guess it), the new one must pass the password policy. The
// change ends the user's other sessions and refresh tokens and is announced by email.
// A user without a password (email-code sign-in) may set one after a code sent to
// their address, with the same rules and the same consequences.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import type { MessageKey, Translator } from "../i18n";
import { passwordIssue, type PasswordIssue } from "../passwords";
import { userState } from "../sessions";
import { takeBudget, type RateLimit } from "../throttle/rate-limit";
import { CodeField } from "../ui/code-field";
import { errorSummary } from "../ui/form-errors";
import { PasswordField } from "../ui/password-field";
import { htmlPage } from "../ui/render";
import { pendingAccountCode, refuseAccountCode, sendAccountCode } from "./account-code";
import { AccountFrame, noticeOf, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";
import { sendAccountEmail } from "./mail";

export const passwordSection = new Hono<AppEnv>();

/** Longer than any password the policy allows: never hashed. */
export const MAX_PASSWORD_TYPED = 1024;
/** Checks of the current password per user (the password change and account deletion). */
export const PASSWORD_CHECKS_PER_USER: RateLimit = { limit: 10, windowSeconds: 15 * 60 };

/**
 * Checks the user's current password, within the per-user budget (the password change
 * and the account deletion share it, so a borrowed session cannot guess the password).
 */
export async function checkCurrentPassword(
  c: Context<AppEnv>,
  account: Account,
  password: string,
): Promise<{ ok: true } | { ok: false; retryAfter?: number }> {
  const { tenant, directory, user } = account;
  const budget = await takeBudget(
    c.env,
    tenant.id,
    `account-password:${user.id}`,
    PASSWORD_CHECKS_PER_USER,
    c.var.stats,
  );
  if (!budget.allowed) return { ok: false, retryAfter: Math.max(1, budget.retryAfter) };
  if (password.length > MAX_PASSWORD_TYPED) return { ok: false };
  return (await directory.users.verifyPassword(user.id, password)).valid ? { ok: true } : { ok: false };
}

const ISSUE_MESSAGES: Record<PasswordIssue, MessageKey> = {
  too_short: "account.passwordTooShort",
  too_long: "account.passwordTooLong",
  common: "account.passwordCommon",
};

type Field = "current" | "code" | "new" | "confirm";
type Errors = Partial<Record<Field, string>>;

/** What can be said about the new password and its confirmation without hashing anything. */
function newPasswordErrors(t: Translator["t"], next: string, confirm: string, current?: string): Errors {
  const errors: Errors = {};
  if (!next) errors.new = t("account.newPasswordMissing");
  else if (next.length > MAX_PASSWORD_TYPED) errors.new = t(ISSUE_MESSAGES.too_long);
  else {
    const issue = passwordIssue(next);
    if (issue) errors.new = t(ISSUE_MESSAGES[issue]);
    else if (current !== undefined && next === current) errors.new = t("account.passwordSame");
  }
  if (next && !errors.new && confirm !== next) errors.confirm = t("account.passwordMismatch");
  return errors;
}

function render(
  c: Context<AppEnv>,
  account: Account,
  options: { errors?: Errors; flow?: string | null; typedCode?: string; status?: 200 | 400 | 429 } = {},
) {
  const { page, tenant, user, csrf } = account;
  const { t } = page;
  const errors = options.errors ?? {};
  const action = sectionPath(tenant, "password");
  // A hidden username lets password managers file the new password under the right account.
  const username = <input type="hidden" name="username" autocomplete="username" value={user.email ?? ""} />;
  const newFields = (
    <>
      <PasswordField
        id="new-password"
        name="new_password"
        label={t("account.newPassword")}
        autocomplete="new-password"
        error={errors.new}
        hint={t("account.newPasswordHint")}
      />
      <PasswordField
        id="confirm-password"
        name="confirm_password"
        label={t("account.confirmPassword")}
        autocomplete="new-password"
        error={errors.confirm}
      />
      <p class="muted">{t("account.passwordOtherSessions")}</p>
    </>
  );
  let body;
  let summary = errorSummary(errors, t("account.fixErrors"));
  if (user.hasPassword) {
    body = (
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        {username}
        <PasswordField
          id="current-password"
          name="current_password"
          label={t("account.currentPassword")}
          autocomplete="current-password"
          error={errors.current}
        />
        {newFields}
        <button type="submit">{t("account.changePassword")}</button>
      </form>
    );
  } else if (!user.email) {
    body = <p>{t("account.noPassword")}</p>;
  } else if (options.flow) {
    body = (
      <form method="post" action={`${action}/set`} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="flow" value={options.flow} />
        {username}
        <p>{t("account.codeSent", { email: user.email })}</p>
        <CodeField label={t("account.code")} value={options.typedCode} error={errors.code} />
        {newFields}
        <button type="submit">{t("account.setPassword")}</button>
      </form>
    );
  } else {
    // The code to send has no field yet: its error is the page's message.
    if (errors.code) summary = errors.code;
    body = (
      <>
        <p>{t("account.noPassword")}</p>
        <form method="post" action={`${action}/code`}>
          <input type="hidden" name="csrf" value={csrf} />
          <p>{t("account.setPasswordIntro", { email: user.email })}</p>
          <button type="submit" class="secondary">
            {t("account.sendCode")}
          </button>
        </form>
      </>
    );
  }
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="password"
      title={t("account.passwordTitle")}
      notice={noticeOf(c.req.query("done"))}
      error={summary}
    >
      {body}
    </AccountFrame>,
    options.status ?? 200,
  );
}

/** The new password is stored: other sessions end, the owner is told. */
async function passwordReplaced(
  c: Context<AppEnv>,
  account: Account,
  password: string,
  event: "user.password_changed" | "user.password_set",
) {
  const { tenant, directory, user, session } = account;
  await directory.users.update(
    user.id,
    {},
    { password },
    { type: event, actorType: "user", actorId: user.id, details: { source: "account" } },
  );
  await userState(c.env, tenant.id, user.id, c.var.stats).endOtherSessions(session.session.sid);
  if (user.email) await sendAccountEmail(c, account, user.email, "passwordChanged");
  return c.redirect(sectionPath(tenant, "password", "password"), 303);
}

passwordSection.get("/", (c) =>
  withAccount(c, "password", async (account) =>
    render(c, account, {
      flow: account.user.hasPassword ? null : await pendingAccountCode(c, account, "set-password", c.req.query("flow")),
    }),
  ),
);

passwordSection.post("/", (c) =>
  withAccount(c, "password", async (account, form) => {
    const { t } = account.page;
    if (!account.user.hasPassword) return render(c, account, { status: 400 });
    const current = form.current_password ?? "";
    const next = form.new_password ?? "";
    const errors = newPasswordErrors(t, next, form.confirm_password ?? "", current);
    if (!current) errors.current = t("account.currentPasswordMissing");
    if (Object.keys(errors).length) return render(c, account, { errors, status: 400 });

    const checked = await checkCurrentPassword(c, account, current);
    if (!checked.ok && checked.retryAfter)
      return render(c, account, {
        errors: { current: t("common.tooManyRequests", { seconds: checked.retryAfter }) },
        status: 429,
      });
    if (!checked.ok) return render(c, account, { errors: { current: t("account.currentPasswordWrong") }, status: 400 });
    return passwordReplaced(c, account, next, "user.password_changed");
  }),
);

passwordSection.post("/code", (c) =>
  withAccount(c, "password", async (account) => {
    if (account.user.hasPassword || !account.user.email) return render(c, account, { status: 400 });
    const sent = await sendAccountCode(c, account, "set-password");
    if ("retryAfter" in sent)
      return render(c, account, {
        errors: { code: account.page.t("common.tooManyRequests", { seconds: sent.retryAfter }) },
        status: 429,
      });
    return c.redirect(`${sectionPath(account.tenant, "password")}?flow=${sent.flowId}`, 303);
  }),
);

passwordSection.post("/set", (c) =>
  withAccount(c, "password", async (account, form) => {
    const { t } = account.page;
    if (account.user.hasPassword) return render(c, account, { status: 400 });
    const flow = await pendingAccountCode(c, account, "set-password", form.flow);
    if (!flow) return render(c, account, { errors: { code: t("account.codeExpired") }, status: 400 });
    const code = (form.code ?? "").trim().slice(0, 32);
    const next = form.new_password ?? "";
    const errors = newPasswordErrors(t, next, form.confirm_password ?? "");
    if (!code) errors.code = t("account.codeMissing");
    // Judged before the code, so a typo in the password costs no attempt.
    if (Object.keys(errors).length) return render(c, account, { errors, flow, typedCode: code, status: 400 });
    const refusal = await refuseAccountCode(c, account, flow, code);
    if (refusal)
      return render(c, account, {
        errors: { code: refusal.message },
        ...(refusal.retry ? { flow, typedCode: code } : {}),
        status: 400,
      });
    return passwordReplaced(c, account, next, "user.password_set");
  }),
);

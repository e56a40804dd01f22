/** @jsxImportSource hono/jsx */
// Changing the password: the current one is required (attempts budgeted per user, so a
// borrowed session cannot guess it), the new one must pass the password policy. The
// change ends the user's other sessions and refresh tokens and is announced by email.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import type { MessageKey } from "../i18n";
import { passwordIssue, type PasswordIssue } from "../passwords";
import { userState } from "../sessions";
import { takeBudget, type RateLimit } from "../throttle/rate-limit";
import { htmlPage } from "../ui/render";
import { AccountFrame, FieldError, invalidIf, noticeOf, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";
import { sendAccountEmail } from "./mail";

export const passwordSection = new Hono<AppEnv>();

/** Longer than any password the policy allows: never hashed. */
export const MAX_PASSWORD_TYPED = 1024;
/** Checks of the current password per user (the password change and account deletion). */
export const PASSWORD_CHECKS_PER_USER: RateLimit = { limit: 10, windowSeconds: 15 * 60 };

const ISSUE_MESSAGES: Record<PasswordIssue, MessageKey> = {
  too_short: "account.passwordTooShort",
  too_long: "account.passwordTooLong",
  common: "account.passwordCommon",
};

type Errors = Partial<Record<"current" | "new" | "confirm", string>>;

function render(c: Context<AppEnv>, account: Account, errors: Errors, status: 200 | 400 | 429 = 200) {
  const { page, tenant, user, csrf } = account;
  const { t } = page;
  const failed = Object.values(errors).some(Boolean);
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="password"
      title={t("account.passwordTitle")}
      notice={noticeOf(c.req.query("done"))}
      error={failed ? t("account.fixErrors") : null}
    >
      {user.hasPassword ? (
        <form method="post" action={sectionPath(tenant, "password")} novalidate>
          <input type="hidden" name="csrf" value={csrf} />
          {/* A hidden username lets password managers file the new password under the right account. */}
          <input type="hidden" name="username" autocomplete="username" value={user.email ?? ""} />
          <label for="current-password">{t("account.currentPassword")}</label>
          <input
            id="current-password"
            name="current_password"
            type="password"
            autocomplete="current-password"
            required
            {...invalidIf("current-password-error", errors.current)}
          />
          <FieldError id="current-password-error" message={errors.current} />
          <label for="new-password">{t("account.newPassword")}</label>
          <span class="hint" id="new-password-hint">
            {t("account.newPasswordHint")}
          </span>
          <input
            id="new-password"
            name="new_password"
            type="password"
            autocomplete="new-password"
            required
            aria-describedby={errors.new ? "new-password-hint new-password-error" : "new-password-hint"}
            aria-invalid={errors.new ? "true" : undefined}
          />
          <FieldError id="new-password-error" message={errors.new} />
          <label for="confirm-password">{t("account.confirmPassword")}</label>
          <input
            id="confirm-password"
            name="confirm_password"
            type="password"
            autocomplete="new-password"
            required
            {...invalidIf("confirm-password-error", errors.confirm)}
          />
          <FieldError id="confirm-password-error" message={errors.confirm} />
          <p class="muted">{t("account.passwordOtherSessions")}</p>
          <button type="submit">{t("account.changePassword")}</button>
        </form>
      ) : (
        <p>{t("account.noPassword")}</p>
      )}
    </AccountFrame>,
    status,
  );
}

passwordSection.get("/", (c) => withAccount(c, "password", async (account) => render(c, account, {})));

passwordSection.post("/", (c) =>
  withAccount(c, "password", async (account, form) => {
    const { tenant, directory, user, session, page } = account;
    const { t } = page;
    if (!user.hasPassword) return render(c, account, {}, 400);
    const current = form.current_password ?? "";
    const next = form.new_password ?? "";
    const confirm = form.confirm_password ?? "";
    const errors: Errors = {};
    if (!current) errors.current = t("account.currentPasswordMissing");
    if (!next) errors.new = t("account.newPasswordMissing");
    else if (next.length > MAX_PASSWORD_TYPED) errors.new = t(ISSUE_MESSAGES.too_long);
    else {
      const issue = passwordIssue(next);
      if (issue) errors.new = t(ISSUE_MESSAGES[issue]);
      else if (next === current) errors.new = t("account.passwordSame");
    }
    if (next && !errors.new && confirm !== next) errors.confirm = t("account.passwordMismatch");
    if (Object.keys(errors).length) return render(c, account, errors, 400);

    const budget = await takeBudget(
      c.env,
      tenant.id,
      `account-password:${user.id}`,
      PASSWORD_CHECKS_PER_USER,
      c.var.stats,
    );
    if (!budget.allowed)
      return render(
        c,
        account,
        { current: t("common.tooManyRequests", { seconds: Math.max(1, budget.retryAfter) }) },
        429,
      );
    if (current.length > MAX_PASSWORD_TYPED || !(await directory.users.verifyPassword(user.id, current)).valid)
      return render(c, account, { current: t("account.currentPasswordWrong") }, 400);

    await directory.users.update(
      user.id,
      {},
      { password: next },
      {
        type: "user.password_changed",
        actorType: "user",
        actorId: user.id,
        details: { source: "account" },
      },
    );
    await userState(c.env, tenant.id, user.id, c.var.stats).endOtherSessions(session.session.sid);
    if (user.email) await sendAccountEmail(c, account, user.email, "passwordChanged");
    return c.redirect(sectionPath(tenant, "password", "password"), 303);
  }),
);

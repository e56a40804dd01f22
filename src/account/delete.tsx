/** @jsxImportSource hono/jsx */
// Deleting the account, after re-authentication (the current password, or for accounts
// without one a code emailed to their address). One transaction erases the password,
// the apps' consents, custom attributes and every personal field, keeping the user row
// as a tombstone and the audit trail; then every session and refresh token ends, the
// cookie goes, and the old address gets a last email.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { clientIpOf } from "../http/client-ip";
import { forgetSessionCookie, userState } from "../sessions";
import { Layout } from "../ui/layout";
import { pageContext } from "../ui/page";
import { CodeField } from "../ui/code-field";
import { errorSummary, fieldAria, FieldError } from "../ui/form-errors";
import { PasswordField } from "../ui/password-field";
import { htmlPage } from "../ui/render";
import { pendingAccountCode, refuseAccountCode, sendAccountCode } from "./account-code";
import { AccountFrame, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";
import { sendAccountEmail } from "./mail";
import { checkCurrentPassword } from "./password";

export const deleteSection = new Hono<AppEnv>();

type Errors = Partial<Record<"confirm" | "password" | "code", string>>;

function render(
  c: Context<AppEnv>,
  account: Account,
  options: { errors?: Errors; flow?: string | null; typedCode?: string; status?: 200 | 400 | 429 },
) {
  const { page, tenant, user, csrf } = account;
  const { t } = page;
  const errors = options.errors ?? {};
  const action = sectionPath(tenant, "delete");
  const confirm = (
    <>
      <label class="check" for="confirm">
        <input
          type="checkbox"
          id="confirm"
          name="confirm"
          value="yes"
          required
          {...fieldAria(errors.confirm, "confirm-error")}
        />
        <span>{t("account.deleteConfirm")}</span>
      </label>
      <FieldError id="confirm-error" message={errors.confirm} />
    </>
  );
  let body;
  let summary = errorSummary(errors, t("account.fixErrors"));
  if (user.hasPassword) {
    body = (
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="username" autocomplete="username" value={user.email ?? ""} />
        <PasswordField label={t("account.currentPassword")} autocomplete="current-password" error={errors.password} />
        {confirm}
        <button type="submit" class="danger">
          {t("account.deleteSubmit")}
        </button>
      </form>
    );
  } else if (!user.email) {
    body = <p>{t("account.deleteNoMethod")}</p>;
  } else if (options.flow) {
    body = (
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="flow" value={options.flow} />
        <p>{t("account.codeSent", { email: user.email })}</p>
        <CodeField label={t("account.code")} value={options.typedCode} error={errors.code} />
        {confirm}
        <button type="submit" class="danger">
          {t("account.deleteSubmit")}
        </button>
      </form>
    );
  } else {
    // The code to send has no field yet: its error is the page's message.
    if (errors.code) summary = errors.code;
    body = (
      <form method="post" action={`${action}/code`}>
        <input type="hidden" name="csrf" value={csrf} />
        <p>{t("account.deleteCodeIntro", { email: user.email })}</p>
        <button type="submit" class="secondary">
          {t("account.sendCode")}
        </button>
      </form>
    );
  }
  return htmlPage(
    c,
    <AccountFrame page={page} tenant={tenant} section="delete" title={t("account.deleteTitle")} error={summary}>
      <p>{t("account.deleteIntro")}</p>
      {body}
    </AccountFrame>,
    options.status ?? 200,
  );
}

deleteSection.get("/", (c) =>
  withAccount(c, "delete", async (account) =>
    render(c, account, { flow: await pendingAccountCode(c, account, "delete-account", c.req.query("flow")) }),
  ),
);

deleteSection.post("/code", (c) =>
  withAccount(c, "delete", async (account) => {
    const { tenant, user, page } = account;
    if (user.hasPassword || !user.email) return render(c, account, { status: 400 });
    const sent = await sendAccountCode(c, account, "delete-account");
    if ("retryAfter" in sent)
      return render(c, account, {
        errors: { code: page.t("common.tooManyRequests", { seconds: sent.retryAfter }) },
        status: 429,
      });
    return c.redirect(`${sectionPath(tenant, "delete")}?flow=${sent.flowId}`, 303);
  }),
);

deleteSection.post("/", (c) =>
  withAccount(c, "delete", async (account, form) => {
    const { tenant, directory, user, page } = account;
    const { t } = page;
    const errors: Errors = {};
    const confirmed = form.confirm === "yes";
    if (!confirmed) errors.confirm = t("account.deleteConfirmMissing");

    if (user.hasPassword) {
      const password = form.password ?? "";
      if (!password) errors.password = t("account.currentPasswordMissing");
      if (Object.keys(errors).length) return render(c, account, { errors, status: 400 });
      const checked = await checkCurrentPassword(c, account, password);
      if (!checked.ok && checked.retryAfter)
        return render(c, account, {
          errors: { password: t("common.tooManyRequests", { seconds: checked.retryAfter }) },
          status: 429,
        });
      if (!checked.ok)
        return render(c, account, { errors: { password: t("account.currentPasswordWrong") }, status: 400 });
    } else {
      const flow = await pendingAccountCode(c, account, "delete-account", form.flow);
      const code = (form.code ?? "").trim().slice(0, 32);
      if (!flow) return render(c, account, { errors: { code: t("account.codeExpired") }, status: 400 });
      if (!code) errors.code = t("account.codeMissing");
      if (Object.keys(errors).length) return render(c, account, { errors, flow, typedCode: code, status: 400 });
      const refusal = await refuseAccountCode(c, account, flow, code);
      if (refusal)
        return render(c, account, {
          errors: { code: refusal.message },
          ...(refusal.retry ? { flow, typedCode: code } : {}),
          status: 400,
        });
    }

    const oldEmail = user.email;
    await directory.users.erase(user.id, {
      type: "user.deleted",
      actorType: "user",
      actorId: user.id,
      ip: clientIpOf(c.req.raw),
      details: { source: "account" },
    });
    await userState(c.env, tenant.id, user.id, c.var.stats).endEverything();
    forgetSessionCookie(c, tenant);
    if (oldEmail) await sendAccountEmail(c, account, oldEmail, "accountDeleted");
    return c.redirect(`${sectionPath(tenant, "")}/deleted`, 303);
  }),
);

/** Mounted at /account/deleted: the goodbye page (no session any more). */
export const goodbyeRoutes = new Hono<AppEnv>();
goodbyeRoutes.get("/", async (c) => {
  const page = await pageContext(c);
  return htmlPage(
    c,
    <Layout page={page} title={page.t("account.deletedTitle")}>
      <h1>{page.t("account.deletedTitle")}</h1>
      <p role="status">{page.t("account.deletedBody", { tenant: page.tenantName })}</p>
    </Layout>,
  );
});

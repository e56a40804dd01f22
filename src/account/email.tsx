/** @jsxImportSource hono/jsx */
// Changing the email address: the new address gets a code, and the change happens only
// once the code is entered (the address is then verified); the old address is told.
// Whether the new address belongs to someone else is never said to the requester: the
// code goes out either way, and only someone who holds that mailbox learns, after
// entering the code, that it cannot be used.
import { Hono, type Context } from "hono";
import { checkChallenge, CODE_TTL_SECONDS, peekChallenge, startChallenge } from "../challenges";
import { ConflictError, normalizeEmail } from "../directory";
import type { AppEnv } from "../env";
import { clientIpOf } from "../http/client-ip";
import { throttleNetwork } from "../signin/password";
import { EMAIL_JOURNEYS_PER_NETWORK, EMAILS_PER_ADDRESS, takeBudget } from "../throttle/rate-limit";
import { CodeField } from "../ui/code-field";
import { EmailField } from "../ui/email-field";
import { htmlPage } from "../ui/render";
import { AccountFrame, noticeOf, sectionPath } from "./frame";
import { withAccount, type Account } from "./guard";
import { sendAccountEmail } from "./mail";

export const emailSection = new Hono<AppEnv>();

interface EmailChange {
  userId: string;
  email: string;
}

const PURPOSE = "email-change";

function addressForm(
  c: Context<AppEnv>,
  account: Account,
  typed: string,
  error: string | null,
  status: 200 | 400 | 429 = 200,
) {
  const { page, tenant, user, csrf } = account;
  const { t } = page;
  return htmlPage(
    c,
    <AccountFrame
      page={page}
      tenant={tenant}
      section="email"
      title={t("account.emailTitle")}
      notice={noticeOf(c.req.query("done"))}
      error={error}
    >
      <p>{t("account.currentEmail", { email: user.email ?? t("account.none") })}</p>
      <form method="post" action={sectionPath(tenant, "email")} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <EmailField
          id="new-email"
          label={t("account.newEmail")}
          hint={t("account.newEmailHint")}
          autocomplete="email"
          maxlength={254}
          value={typed}
          error={error}
          errorId="account-error"
        />
        <button type="submit">{t("account.sendCode")}</button>
      </form>
    </AccountFrame>,
    status,
  );
}

function codeForm(
  c: Context<AppEnv>,
  account: Account,
  flow: string,
  email: string,
  typed: string,
  error: string | null,
  status: 200 | 400 | 429 = 200,
) {
  const { page, tenant, csrf } = account;
  const { t } = page;
  return htmlPage(
    c,
    <AccountFrame page={page} tenant={tenant} section="email" title={t("account.emailTitle")} error={error}>
      <p>{t("account.codeSent", { email })}</p>
      <form method="post" action={`${sectionPath(tenant, "email")}/confirm`} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="flow" value={flow} />
        <CodeField label={t("account.code")} value={typed} error={error} errorId="account-error" />
        <button type="submit">{t("account.confirmEmail")}</button>
      </form>
      <p>
        <a href={sectionPath(tenant, "email")}>{t("account.startOver")}</a>
      </p>
    </AccountFrame>,
    status,
  );
}

/** The change in progress, if `flow` names one of this user's. */
async function pendingChange(c: Context<AppEnv>, account: Account, flow: string | undefined) {
  if (!flow) return null;
  const data = await peekChallenge<EmailChange>(c.env, account.tenant.id, PURPOSE, flow, c.var.stats);
  return data && data.userId === account.user.id ? data : null;
}

emailSection.get("/", (c) =>
  withAccount(c, "email", async (account) => {
    const flow = c.req.query("flow");
    const pending = await pendingChange(c, account, flow);
    if (pending && flow) return codeForm(c, account, flow, pending.email, "", null);
    return addressForm(c, account, "", null);
  }),
);

emailSection.post("/", (c) =>
  withAccount(c, "email", async (account, form) => {
    const { tenant, user, page } = account;
    const { t } = page;
    const typed = (form.email ?? "").trim().slice(0, 254);
    const normalized = normalizeEmail(typed);
    if (!typed) return addressForm(c, account, typed, t("account.emailMissing"), 400);
    if (!normalized) return addressForm(c, account, typed, t("account.emailInvalid"), 400);
    if (normalized === user.emailNormalized) return addressForm(c, account, typed, t("account.emailSame"), 400);

    const ip = clientIpOf(c.req.raw);
    const budgets = await Promise.all([
      takeBudget(c.env, tenant.id, `email-change:user:${user.id}`, EMAILS_PER_ADDRESS, c.var.stats),
      takeBudget(c.env, tenant.id, `email-change:to:${normalized}`, EMAILS_PER_ADDRESS, c.var.stats),
      ip
        ? takeBudget(
            c.env,
            tenant.id,
            `email-change:network:${throttleNetwork(ip)}`,
            EMAIL_JOURNEYS_PER_NETWORK,
            c.var.stats,
          )
        : Promise.resolve({ allowed: true, retryAfter: 0 }),
    ]);
    const refused = budgets.find((b) => !b.allowed);
    if (refused)
      return addressForm(
        c,
        account,
        typed,
        t("common.tooManyRequests", { seconds: Math.max(1, refused.retryAfter) }),
        429,
      );

    const challenge = await startChallenge<EmailChange>(
      c.env,
      tenant.id,
      PURPOSE,
      { userId: user.id, email: typed },
      { stats: c.var.stats },
    );
    await sendAccountEmail(c, account, typed, "emailChange", {
      code: challenge.code,
      minutes: CODE_TTL_SECONDS / 60,
    });
    return c.redirect(`${sectionPath(tenant, "email")}?flow=${challenge.flowId}`, 303);
  }),
);

emailSection.post("/confirm", (c) =>
  withAccount(c, "email", async (account, form) => {
    const { tenant, user, directory, page } = account;
    const { t } = page;
    const flow = form.flow ?? "";
    const code = (form.code ?? "").trim().slice(0, 32);
    const pending = await pendingChange(c, account, flow);
    if (!pending) return addressForm(c, account, "", t("account.codeExpired"), 400);
    if (!code) return codeForm(c, account, flow, pending.email, code, t("account.codeMissing"), 400);

    const result = await checkChallenge<EmailChange>(c.env, tenant.id, PURPOSE, flow, code, c.var.stats);
    if (!result.ok) {
      if (result.reason === "invalid")
        return codeForm(
          c,
          account,
          flow,
          pending.email,
          code,
          t("account.codeWrong", { attempts: result.attemptsLeft }),
          400,
        );
      return addressForm(c, account, pending.email, t("account.codeExpired"), 400);
    }
    const oldEmail = user.email;
    try {
      const changed = await directory.users.changeEmail(user.id, result.data.email, {
        type: "user.email_changed",
        actorType: "user",
        actorId: user.id,
        details: { source: "account" },
      });
      if (!changed) return addressForm(c, account, "", t("account.codeExpired"), 400);
    } catch (error) {
      if (error instanceof ConflictError)
        return addressForm(c, account, result.data.email, t("account.emailUnavailable"), 400);
      throw error;
    }
    if (oldEmail)
      await sendAccountEmail(c, account, oldEmail, "emailChanged", { params: { email: result.data.email } });
    return c.redirect(sectionPath(tenant, "email", "email"), 303);
  }),
);

// Codes emailed to a signed-in user's own address to confirm an action when there is no
// password to ask for (deleting the account, setting a first password). They live with
// the passwordless sign-in's challenges (single use, 10 minutes, 5 attempts) and are
// told apart by their data: a code is only ever good for its user and its action.
import type { Context } from "hono";
import { checkChallenge, CODE_TTL_SECONDS, peekChallenge, startChallenge } from "../challenges";
import type { AppEnv } from "../env";
import { EMAILS_PER_ADDRESS, takeBudget } from "../throttle/rate-limit";
import type { Account } from "./guard";
import { sendAccountEmail } from "./mail";

const PURPOSE = "email-code";

export type AccountCodeAction = "delete-account" | "set-password";

interface AccountCode {
  userId: string;
  action: AccountCodeAction;
}

/** Sends a code for `action` to the user's address; the flow id, or how long to wait. */
export async function sendAccountCode(
  c: Context<AppEnv>,
  account: Account,
  action: AccountCodeAction,
): Promise<{ flowId: string } | { retryAfter: number }> {
  const { tenant, user } = account;
  if (!user.email) throw new Error("an account code needs an email address");
  const budget = await takeBudget(
    c.env,
    tenant.id,
    `account-code:${action}:${user.id}`,
    EMAILS_PER_ADDRESS,
    c.var.stats,
  );
  if (!budget.allowed) return { retryAfter: Math.max(1, budget.retryAfter) };
  const challenge = await startChallenge<AccountCode>(
    c.env,
    tenant.id,
    PURPOSE,
    { userId: user.id, action },
    { stats: c.var.stats },
  );
  await sendAccountEmail(c, account, user.email, "emailCode", { code: challenge.code, minutes: CODE_TTL_SECONDS / 60 });
  return { flowId: challenge.flowId };
}

/** `flow` when it names a live code of this user for `action`, else null. */
export async function pendingAccountCode(
  c: Context<AppEnv>,
  account: Account,
  action: AccountCodeAction,
  flow: string | undefined,
): Promise<string | null> {
  if (!flow) return null;
  const data = await peekChallenge<AccountCode>(c.env, account.tenant.id, PURPOSE, flow, c.var.stats);
  return data && data.userId === account.user.id && data.action === action ? flow : null;
}

/**
 * Checks the code of a flow `pendingAccountCode` accepted (one attempt spent when wrong):
 * null when right; otherwise the message for the code field, and whether the form keeps
 * the flow (a wrong code, attempts left) or the user must ask for a new code.
 */
export async function refuseAccountCode(
  c: Context<AppEnv>,
  account: Account,
  flow: string,
  code: string,
): Promise<{ message: string; retry: boolean } | null> {
  const result = await checkChallenge<AccountCode>(c.env, account.tenant.id, PURPOSE, flow, code, c.var.stats);
  if (result.ok) return null;
  const { t } = account.page;
  return result.reason === "invalid"
    ? { message: t("account.codeWrong", { attempts: result.attemptsLeft }), retry: true }
    : { message: t("account.codeExpired"), retry: false };
}

// Email verification with its I/O: a 6-digit code (also carried by a link) proves the
// signed-in user reads their address; the right code marks it verified, with an audit
// record, in one write.
import type { Context } from "hono";
import { checkChallenge, CODE_TTL_SECONDS, dropChallenge, startChallenge } from "../../challenges";
import { normalizeEmail, openDirectory, type Tenant, type User } from "../../directory";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import type { Locale } from "../../i18n";
import { absoluteUrl, emailBudgetNetworkFirst, sendJourneyEmail } from "../journey-email";
import { journeyPaths } from "../paths";

/** What the challenge holds: whose address, and which address (a changed one needs a new code). */
export interface PendingVerification {
  userId: string;
  email: string;
}

type Ctx = Context<AppEnv>;

/** Starts a challenge for the user's address and emails its code and link; null when over budget. */
export async function sendVerificationCode(
  c: Ctx,
  tenant: Tenant,
  user: Pick<User, "id" | "email">,
  locale: Locale,
  previousFlowId?: string,
): Promise<{ sent: true; flowId: string; email: string } | { sent: false; retryAfter: number }> {
  const email = user.email!;
  const budget = await emailBudgetNetworkFirst(c, tenant, "verify-email", email);
  if (!budget.allowed) return { sent: false, retryAfter: budget.retryAfter };
  if (previousFlowId) await dropChallenge(c.env, tenant.id, "verify-email", previousFlowId);
  const data: PendingVerification = { userId: user.id, email };
  const flow = await startChallenge(c.env, tenant.id, "verify-email", data, { stats: c.var.stats });
  await sendJourneyEmail(c, tenant, locale, email, "verifyEmail", {
    code: flow.code,
    minutes: CODE_TTL_SECONDS / 60,
    link: absoluteUrl(c, `${journeyPaths.verifyEmailLink(tenant, flow.flowId)}?code=${flow.code}`),
  });
  return { sent: true, flowId: flow.flowId, email };
}

export type VerifyOutcome =
  { outcome: "verified"; userId: string } | { outcome: "expired" } | { outcome: "wrong_code"; attemptsLeft: number };

/**
 * Checks a code. Right, and the user still has that address: email_verified is set
 * (with the audit record). `expectedUserId` binds the check to the signed-in user.
 */
export async function verifyEmailCode(
  c: Ctx,
  tenant: Tenant,
  flowId: string,
  code: string,
  via: "code" | "link",
  expectedUserId?: string,
): Promise<VerifyOutcome> {
  const checked = await checkChallenge<PendingVerification>(
    c.env,
    tenant.id,
    "verify-email",
    flowId,
    code,
    c.var.stats,
  );
  if (!checked.ok)
    return checked.reason === "invalid"
      ? { outcome: "wrong_code", attemptsLeft: checked.attemptsLeft }
      : { outcome: "expired" };
  const { userId, email } = checked.data;
  if (expectedUserId !== undefined && expectedUserId !== userId) return { outcome: "expired" };
  const directory = openDirectory(c.env, tenant, c.var.stats);
  const user = await directory.users.get(userId);
  // The address changed since the code was sent: the code proves nothing about the new one.
  if (!user || !user.email || normalizeEmail(user.email) !== normalizeEmail(email)) return { outcome: "expired" };
  if (!user.emailVerified)
    await directory.users.update(userId, { emailVerified: true }, undefined, {
      type: "user.email_verified",
      actorType: "user",
      actorId: userId,
      ip: clientIpOf(c.req.raw),
      userAgent: c.req.header("User-Agent") ?? null,
      details: { via },
    });
  return { outcome: "verified", userId };
}

// Signing in with a code sent by email: sending the code (the same work for every
// address, only active accounts get the email), and checking it. A code is limited by
// its challenge (5 attempts, 10 minutes, single use) and by the account's sign-in
// throttle, the one password sign-ins use: wrong codes and wrong passwords add up.
import type { Context } from "hono";
import { CODE_TTL_SECONDS, checkChallenge, dropChallenge, startChallenge } from "../../challenges";
import type { Directory, Tenant, User } from "../../directory";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import type { Locale } from "../../i18n";
import { sendJourneyEmail } from "../journey-email";

/** What an email code challenge holds: whose code it is (null: nobody's, no email went out). */
export interface EmailCodeChallenge {
  userId: string | null;
}

/** Starts a challenge for `email` (ending `previousFlowId`'s) and emails the code to an active account. */
export async function sendSignInCode(
  c: Context<AppEnv>,
  tenant: Tenant,
  directory: Directory,
  locale: Locale,
  email: string,
  previousFlowId: string | null,
): Promise<string> {
  // The email's frame is read either way, so that both cases do the same work.
  const [user] = await Promise.all([
    directory.users.findByEmail(email),
    directory.appearance.cached(),
    previousFlowId ? dropChallenge(c.env, tenant.id, "email-code", previousFlowId) : Promise.resolve(),
  ]);
  const recipient = user && user.status === "active" && user.email ? user : null;
  const challenge = await startChallenge<EmailCodeChallenge>(
    c.env,
    tenant.id,
    "email-code",
    { userId: recipient?.id ?? null },
    { stats: c.var.stats },
  );
  if (recipient)
    await sendJourneyEmail(c, tenant, locale, recipient.email!, "emailCode", {
      code: challenge.code,
      minutes: CODE_TTL_SECONDS / 60,
    });
  return challenge.flowId;
}

export type CodeSignInOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid"; attemptsLeft: number }
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "blocked" }
  | { ok: false; reason: "throttled"; retryAfter: number };

export interface CodeSignIn {
  tenant: Tenant;
  directory: Directory;
  clientId: string;
  deviceId: string;
  /** The normalized address the code was sent to: the account throttle's key. */
  login: string;
  flowId: string;
  code: string;
}

export async function signInWithEmailCode(c: Context<AppEnv>, attempt: CodeSignIn): Promise<CodeSignInOutcome> {
  const { tenant, directory, deviceId, login } = attempt;
  const throttle = c.env.SIGN_IN_THROTTLE.get(c.env.SIGN_IN_THROTTLE.idFromName(`${tenant.id}:account:${login}`));
  const audit = (type: string, details: Record<string, unknown>, userId: string | null = null) =>
    directory.audit.record({
      type,
      actorType: "user",
      actorId: userId,
      userId,
      clientId: attempt.clientId,
      ip: clientIpOf(c.req.raw),
      userAgent: c.req.header("User-Agent") ?? null,
      details: { login, method: "email_code", ...details },
    });

  const decision = await throttle.attemptAccount(deviceId, {
    threshold: tenant.signInLockThreshold,
    lockSeconds: tenant.signInLockSeconds,
  });
  if (!decision.allowed) {
    await audit("user.sign_in_throttled", { reason: decision.reason, retry_after: decision.retryAfter });
    return { ok: false, reason: "throttled", retryAfter: decision.retryAfter };
  }

  const checked = await checkChallenge<EmailCodeChallenge>(
    c.env,
    tenant.id,
    "email-code",
    attempt.flowId,
    attempt.code,
    c.var.stats,
  );
  const user = checked.ok && checked.data.userId ? await directory.users.get(checked.data.userId) : null;
  if (!checked.ok || !user) {
    await audit("user.sign_in_failed", { reason: checked.ok ? "unknown_user" : `code_${checked.reason}` });
    if (decision.lockedNow) await audit("user.sign_in_locked", { lock_seconds: tenant.signInLockSeconds });
    if (!checked.ok && checked.reason === "invalid") return checked;
    return { ok: false, reason: "expired" };
  }

  await throttle.succeedAccount(deviceId, decision.trustedDevice);
  if (user.status !== "active") {
    await audit("user.sign_in_failed", { reason: "blocked" }, user.id);
    return { ok: false, reason: "blocked" };
  }
  // The code reached the address: it is verified now.
  if (!user.emailVerified) await directory.users.update(user.id, { emailVerified: true });
  await Promise.all([
    directory.users.recordSignIn(user.id),
    audit("user.signed_in", { trusted_device: decision.trustedDevice }, user.id),
  ]);
  return { ok: true, user };
}

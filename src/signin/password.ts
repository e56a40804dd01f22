// Signing in with email and password: throttled per IP and per account (exactly, in
// Durable Objects), the same answer and the same time for an unknown email as for a
// wrong password, and an audit record for every outcome.
import { clientIpOf } from "../http/client-ip";
import { normalizeEmail, type Directory, type Tenant, type User } from "../directory";
import type { Env } from "../env";
import { verifyAgainstNothing } from "../passwords";
import type { Decision } from "../throttle/policy";

export type PasswordOutcome =
  | { ok: true; user: User; trustedDevice: boolean }
  | { ok: false; reason: "invalid" | "blocked" }
  | { ok: false; reason: "throttled"; retryAfter: number };

function throttle(env: Env, tenantId: string, kind: "account" | "ip", key: string) {
  return env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName(`${tenantId}:${kind}:${key}`));
}

export interface SignInContext {
  env: Env;
  tenant: Tenant;
  directory: Directory;
  request: Request;
  deviceId: string | null;
  clientId: string;
}

export async function signInWithPassword(
  context: SignInContext,
  email: string,
  password: string,
): Promise<PasswordOutcome> {
  const { env, tenant, directory, request, deviceId } = context;
  const login = (normalizeEmail(email) ?? email.trim().toLowerCase()).slice(0, 254);
  const ip = clientIpOf(request);
  const facts = {
    actorType: "user" as const,
    clientId: context.clientId,
    ip,
    userAgent: request.headers.get("User-Agent"),
  };
  const audit = (type: string, details: Record<string, unknown>, userId: string | null = null) =>
    directory.audit.record({ ...facts, type, actorId: userId, userId, details: { login, ...details } });

  const account = throttle(env, tenant.id, "account", login);
  const address = ip ? throttle(env, tenant.id, "ip", ip) : null;
  const policy = { threshold: tenant.signInLockThreshold, lockSeconds: tenant.signInLockSeconds };
  const [ipAttempt, accountDecision] = await Promise.all([
    address ? address.attemptIp() : Promise.resolve(null),
    account.attemptAccount(deviceId, policy),
  ]);
  const refused: Decision | undefined = [ipAttempt?.decision, accountDecision].find((d) => d && !d.allowed);
  if (refused && !refused.allowed) {
    await audit("user.sign_in_throttled", { reason: refused.reason, retry_after: refused.retryAfter });
    return { ok: false, reason: "throttled", retryAfter: refused.retryAfter };
  }

  const user = await directory.users.findByEmail(email);
  const check = user ? await directory.users.verifyPassword(user.id, password) : null;
  if (!user || !check?.valid) {
    // An unknown account (or one without a password) costs the same hashing as a wrong password.
    if (!check) await verifyAgainstNothing(password);
    await audit(
      "user.sign_in_failed",
      {
        reason: !user ? "unknown_user" : "wrong_password",
        trusted_device: accountDecision.allowed && accountDecision.trustedDevice,
      },
      user?.id ?? null,
    );
    if (accountDecision.allowed && accountDecision.lockedNow)
      await audit("user.sign_in_locked", { lock_seconds: tenant.signInLockSeconds }, user?.id ?? null);
    return { ok: false, reason: "invalid" };
  }

  const trustedDevice = accountDecision.allowed && accountDecision.trustedDevice;
  await Promise.all([
    account.succeedAccount(deviceId, trustedDevice),
    address && ipAttempt ? address.succeedIp(ipAttempt.at) : Promise.resolve(),
  ]);
  if (user.status !== "active") {
    await audit("user.sign_in_failed", { reason: "blocked" }, user.id);
    return { ok: false, reason: "blocked" };
  }
  await Promise.all([
    directory.users.recordSignIn(user.id),
    audit(
      "user.signed_in",
      { method: "password", upgraded_hash: check.upgraded, trusted_device: trustedDevice },
      user.id,
    ),
  ]);
  return { ok: true, user, trustedDevice };
}

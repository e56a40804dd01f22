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

/** What IPs are throttled by: an IPv4 address, or the /64 of an IPv6 one (one customer's network). */
export function throttleNetwork(ip: string): string {
  if (!ip.includes(":")) return ip;
  const [head = "", tail] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail !== undefined
      ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
      : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

export async function signInWithPassword(
  context: SignInContext,
  email: string,
  password: string,
): Promise<PasswordOutcome> {
  const { env, tenant, directory, request, deviceId } = context;
  const normalized = normalizeEmail(email);
  const login = (normalized ?? email.trim().toLowerCase()).slice(0, 254);
  const ip = clientIpOf(request);
  const network = ip ? throttleNetwork(ip) : null;
  const facts = {
    actorType: "user" as const,
    clientId: context.clientId,
    ip,
    userAgent: request.headers.get("User-Agent"),
  };
  const audit = (type: string, details: Record<string, unknown>, userId: string | null = null) =>
    // Text that is not an email may be a password typed into the wrong field: never recorded.
    directory.audit.record({
      ...facts,
      type,
      actorId: userId,
      userId,
      details: { login: normalized ?? "(not an email address)", ...details },
    });

  const account = throttle(env, tenant.id, "account", login);
  const address = network ? throttle(env, tenant.id, "ip", network) : null;
  const policy = { threshold: tenant.signInLockThreshold, lockSeconds: tenant.signInLockSeconds };
  const [ipAttempt, accountDecision] = await Promise.all([
    address ? address.attemptIp() : Promise.resolve(null),
    account.attemptAccount(deviceId, policy),
  ]);
  // A browser the account knows is let through an IP block: a shared address full of
  // other people's typos must not lock out everyone behind it.
  const knownDevice = accountDecision.allowed && accountDecision.trustedDevice;
  const refused: Decision | undefined = [knownDevice ? undefined : ipAttempt?.decision, accountDecision].find(
    (d) => d && !d.allowed,
  );
  if (refused && !refused.allowed) {
    await audit("user.sign_in_throttled", { reason: refused.reason, retry_after: refused.retryAfter });
    return { ok: false, reason: "throttled", retryAfter: refused.retryAfter };
  }

  // A tombstone (a deleted account) has no email, so it is never found; the status check
  // keeps it out even if one were.
  const found = await directory.users.findByEmail(email);
  const user = found?.status === "deleted" ? null : found;
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

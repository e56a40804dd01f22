// Adaptive sign-in risk: how unusual this sign-in looks for this account, from what the
// edge knows for free (request.cf), the device cookie and the account's history. The
// scoring is pure (./score.ts); the history lives in the account's own SignInThrottle
// object (`{tenant}:risk:{user}`), written only when a sign-in completes with every
// factor it needed (recordCompletedSignIn), so a password alone never makes a browser
// or a place known. docs/mfa/adaptive.md.
import type { Context } from "hono";
import { normalizeEmail, type Tenant, type User } from "../../directory";
import type { AppEnv, Env } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import { countCalls, type RequestStats } from "../../storage/database";
import { factsOf } from "./history";
import { scoreSignIn } from "./score";

export interface RiskAssessment {
  /** 0-100. */
  score: number;
  threshold: number;
  /** Why the score is what it is, e.g. "new_device", "deny_list:country". */
  reasons: string[];
  /** The coarse facts the score was computed from, for the audit record. */
  signals: Record<string, unknown>;
}

function throttleObject(env: Env, name: string, stats: RequestStats | undefined) {
  return countCalls(env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName(name)), stats);
}

/** The account's adaptive-MFA history. */
export function riskObject(env: Env, tenantId: string, userId: string, stats?: RequestStats) {
  return throttleObject(env, `${tenantId}:risk:${userId}`, stats);
}

/**
 * When attempts failed on the account in the last hour: passwords typed for its email
 * (the password throttle, keyed by login) and second factors (keyed by user,
 * src/mfa/sign-in.ts secondFactorThrottle).
 */
async function recentFailureTimes(env: Env, tenant: Tenant, user: User, stats?: RequestStats) {
  const login = user.email ? (normalizeEmail(user.email) ?? user.email.trim().toLowerCase()).slice(0, 254) : null;
  const times = await Promise.all([
    login ? throttleObject(env, `${tenant.id}:account:${login}`, stats).recentFailureTimes() : [],
    throttleObject(env, `${tenant.id}:factor:${user.id}`, stats).recentFailureTimes(),
  ]);
  return times.flat();
}

export async function assessSignInRisk(
  c: Context<AppEnv>,
  tenant: Tenant,
  user: User,
  deviceId: string,
): Promise<RiskAssessment> {
  const stats = c.var.stats;
  const facts = factsOf(c.req.raw.cf, clientIpOf(c.req.raw), deviceId);
  const [history, failureTimes] = await Promise.all([
    riskObject(c.env, tenant.id, user.id, stats).riskHistory(),
    recentFailureTimes(c.env, tenant, user, stats),
  ]);
  // Failures before the last completed sign-in were the customer's own typos, then fixed
  // (that second included: times are whole seconds).
  const failures = failureTimes.filter((at) => at >= history.lastSignInAt).length;
  const scored = scoreSignIn(
    facts,
    history,
    failures,
    { denyList: tenant.riskDenyList },
    Math.floor(Date.now() / 1000),
  );
  return { ...scored, threshold: tenant.riskThreshold };
}

/** A sign-in completed (every factor it needed): the device and place become known. */
export async function recordCompletedSignIn(
  c: Context<AppEnv>,
  tenant: Tenant,
  userId: string,
  deviceId: string,
): Promise<void> {
  const facts = factsOf(c.req.raw.cf, null, deviceId);
  await riskObject(c.env, tenant.id, userId, c.var.stats).recordRiskSignIn(facts);
}

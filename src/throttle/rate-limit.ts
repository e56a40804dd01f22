// Budgets for actions that cost us or bother someone: emails sent to one address, codes
// requested from one network. Exact under concurrency (one SignInThrottle object per key).
import type { Env } from "../env";
import { countCalls, type RequestStats } from "../storage/database";

export interface RateLimit {
  /** Uses allowed per window. */
  limit: number;
  windowSeconds: number;
}

/** Emails of one kind to one address: a few, so a typo can be retried, never a flood. */
export const EMAILS_PER_ADDRESS: RateLimit = { limit: 5, windowSeconds: 15 * 60 };
/** Journeys that send email, started from one network (IPv4 address or IPv6 /64). */
export const EMAIL_JOURNEYS_PER_NETWORK: RateLimit = { limit: 30, windowSeconds: 15 * 60 };

export function takeBudget(
  env: Env,
  tenantId: string,
  key: string,
  limit: RateLimit,
  stats?: RequestStats,
): Promise<{ allowed: boolean; retryAfter: number }> {
  const object = countCalls(
    env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName(`${tenantId}:budget:${key}`)),
    stats,
  );
  return object.take(limit.limit, limit.windowSeconds) as Promise<{ allowed: boolean; retryAfter: number }>;
}

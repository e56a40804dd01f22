// Per-request state: the counters of D1 and KV use, reported in Server-Timing when the
// SERVER_TIMING variable is "on" (tests assert on it to keep hot paths cheap).
import { factory } from "../env";
import { newRequestStats, type RequestStats } from "../storage/database";

export function serverTimingValue(stats: RequestStats): string {
  return `d1;desc="round_trips=${stats.d1RoundTrips} statements=${stats.d1Statements}", kv;desc="reads=${stats.kvReads}", do;desc="calls=${stats.durableObjectCalls}"`;
}

export const requestContext = factory.createMiddleware(async (c, next) => {
  const stats = newRequestStats();
  c.set("stats", stats);
  await next();
  if (c.env.SERVER_TIMING === "on") c.res.headers.append("Server-Timing", serverTimingValue(stats));
});

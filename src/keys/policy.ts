// Key lifecycle as pure functions of the stored keys and the time, tested on their own
// (test/workers/keys/policy.test.ts). Per algorithm a tenant has:
//   next     published in the JWKS, not signing yet, so relying parties learn it early
//   current  signing
//   retired  published until every token it signed has expired, then removed
import type { SigningAlg, SigningKeyStatus } from "../storage/schema";

/** No token Latchkey signs lives longer; lifetimes above it are refused by validation. */
export const MAX_SIGNED_TOKEN_TTL = 24 * 3600;
/** Isolates may keep signing with a just-retired key for this long (signing cache TTL). */
export const SIGNING_CACHE_SECONDS = 60;
/** How long a retired key stays published. */
export const RETIRED_KEY_RETENTION = MAX_SIGNED_TOKEN_TTL + 10 * 60;
/**
 * A next key must have been published this long before a scheduled rotation promotes
 * it, longer than the JWKS Cache-Control max-age and the KV propagation delay together.
 */
export const NEXT_KEY_MIN_PUBLISHED = 3600;

export interface KeyState {
  kid: string;
  alg: SigningAlg;
  status: SigningKeyStatus;
  createdAt: number;
  activatedAt: number | null;
  expiresAt: number | null;
}

export interface KeyPlan {
  /** Keys to generate, with the status each starts in. */
  generate: { alg: SigningAlg; status: "current" | "next" }[];
  update: {
    kid: string;
    status: SigningKeyStatus;
    activatedAt?: number;
    retiredAt?: number;
    expiresAt?: number;
  }[];
  remove: string[];
}

export function emptyPlan(): KeyPlan {
  return { generate: [], update: [], remove: [] };
}

export function isEmptyPlan(plan: KeyPlan): boolean {
  return plan.generate.length + plan.update.length + plan.remove.length === 0;
}

function newest(keys: KeyState[], alg: SigningAlg, status: SigningKeyStatus): KeyState | undefined {
  return keys.filter((k) => k.alg === alg && k.status === status).sort((a, b) => b.createdAt - a.createdAt)[0];
}

/**
 * Algorithms among `algs` whose next key was published less than NEXT_KEY_MIN_PUBLISHED
 * ago: promoting it now would sign with a key relying parties may not have fetched yet.
 */
export function unseasonedNextKeys(keys: KeyState[], algs: SigningAlg[], now: number): SigningAlg[] {
  return algs.filter((alg) => {
    const next = newest(keys, alg, "next");
    return next !== undefined && next.createdAt + NEXT_KEY_MIN_PUBLISHED > now;
  });
}

/** Makes sure `alg` has a current and a next key. */
export function planEnsure(keys: KeyState[], alg: SigningAlg, now: number): KeyPlan {
  const plan = emptyPlan();
  const current = newest(keys, alg, "current");
  const next = newest(keys, alg, "next");
  if (current && next) return plan;
  if (current) {
    plan.generate.push({ alg, status: "next" });
  } else if (next) {
    // A next key exists without a current one (never happens in normal operation):
    // promote it rather than leave the tenant unable to sign.
    plan.update.push({ kid: next.kid, status: "current", activatedAt: now });
    plan.generate.push({ alg, status: "next" });
  } else {
    plan.generate.push({ alg, status: "current" }, { alg, status: "next" });
  }
  return plan;
}

/**
 * Rotates `alg` now: next becomes current, current retires (or is dropped from the JWKS
 * at once when `revokePrevious`, for a compromised key), and a new next is generated.
 */
export function planRotation(
  keys: KeyState[],
  alg: SigningAlg,
  now: number,
  options: { revokePrevious: boolean },
): KeyPlan {
  const plan = emptyPlan();
  const current = newest(keys, alg, "current");
  const next = newest(keys, alg, "next");
  if (current) {
    if (options.revokePrevious) plan.remove.push(current.kid);
    else
      plan.update.push({
        kid: current.kid,
        status: "retired",
        retiredAt: now,
        expiresAt: now + RETIRED_KEY_RETENTION,
      });
  }
  if (next) plan.update.push({ kid: next.kid, status: "current", activatedAt: now });
  else plan.generate.push({ alg, status: "current" });
  plan.generate.push({ alg, status: "next" });
  return plan;
}

/**
 * What the scheduled maintenance does for one tenant: removes retired keys past their
 * expiry, rotates algorithms whose current key is older than the rotation period (only
 * once the next key has been published long enough), and fills in missing next keys.
 * Algorithms the tenant never used get no keys.
 */
export function planMaintenance(keys: KeyState[], now: number, rotationDays: number): KeyPlan {
  const plan = emptyPlan();
  for (const key of keys) {
    if (key.status === "retired" && key.expiresAt !== null && key.expiresAt <= now) plan.remove.push(key.kid);
  }
  const algs = [...new Set(keys.filter((k) => k.status !== "retired").map((k) => k.alg))];
  for (const alg of algs) {
    const current = newest(keys, alg, "current");
    const next = newest(keys, alg, "next");
    const due = current?.activatedAt != null && current.activatedAt + rotationDays * 86400 <= now;
    const nextReady = next !== undefined && next.createdAt + NEXT_KEY_MIN_PUBLISHED <= now;
    const step =
      due && nextReady ? planRotation(keys, alg, now, { revokePrevious: false }) : planEnsure(keys, alg, now);
    plan.generate.push(...step.generate);
    plan.update.push(...step.update);
    plan.remove.push(...step.remove);
  }
  return plan;
}

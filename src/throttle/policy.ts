// Sign-in throttling as pure functions, tested alone (test/workers/throttle/policy.test.ts).
//
// Every attempt is counted as a failure the moment it is allowed, and refunded if it
// succeeds: so N concurrent attempts consume N units of budget and the limits hold
// exactly under concurrency (the state lives in a Durable Object, one writer at a time).
//
// Per account (keyed by the login typed, so unknown accounts behave exactly like known
// ones): after 3 consecutive failures each attempt waits a growing delay (1 s, 2 s, 4 s,
// ... 30 s); after `threshold` failures the account is locked for `lockSeconds`. The lock
// only applies to devices the account does not know: a browser that signed in to it
// before carries a device cookie and keeps its own small budget, so an attacker cannot
// lock the real customer out (OWASP's device-cookie defence).
//
// Adaptive MFA reads how many attempts failed on an account in the last hour
// (`recent`, kept across successes; a success refunds only its own attempt): see
// src/mfa/risk/score.ts.
//
// Per IP: more than IP_MAX_FAILURES failures within IP_WINDOW refuse that address for
// IP_BLOCK seconds, whatever account it tries.

export const BACKOFF_AFTER = 3;
export const BACKOFF_MAX_SECONDS = 30;
export const DEVICE_MAX_FAILURES = 5;
export const TRUSTED_DEVICES_KEPT = 20;
export const IP_WINDOW = 15 * 60;
/** Failed attempts remembered for the risk score: this long, at most this many. */
export const RECENT_FAILURE_WINDOW = 60 * 60;
export const RECENT_FAILURES_KEPT = 50;
export const IP_MAX_FAILURES = 30;
export const IP_BLOCK = 15 * 60;

export interface LockPolicy {
  threshold: number;
  lockSeconds: number;
}

export interface AccountState {
  failures: number;
  lastFailureAt: number;
  /** Devices that signed in to this account (`addedAt`: their latest sign-in), with their own failure counts. */
  devices: Record<string, { addedAt: number; failures: number }>;
  /** When counted attempts were made within RECENT_FAILURE_WINDOW, not reset by a success (older state: absent). */
  recent?: number[];
}

export interface IpState {
  failures: number[];
  blockedUntil: number;
}

export type Refusal = { allowed: false; reason: "locked" | "backoff" | "ip_blocked"; retryAfter: number };
export type Decision = { allowed: true; trustedDevice: boolean; lockedNow: boolean } | Refusal;

export function emptyAccount(): AccountState {
  return { failures: 0, lastFailureAt: 0, devices: {} };
}

/** `recent` without what is older than the window, and `at` added when given. */
function recentWith(state: AccountState, now: number, at?: number): number[] {
  const kept = (state.recent ?? []).filter((t) => t > now - RECENT_FAILURE_WINDOW);
  if (at !== undefined) kept.push(at);
  return kept.slice(-RECENT_FAILURES_KEPT);
}

/** When the attempts that failed on this account in the last hour were made. */
export function recentFailureTimes(state: AccountState, now: number): number[] {
  return recentWith(state, now);
}

export function emptyIp(): IpState {
  return { failures: [], blockedUntil: 0 };
}

function backoffSeconds(failures: number): number {
  return failures < BACKOFF_AFTER ? 0 : Math.min(2 ** (failures - BACKOFF_AFTER), BACKOFF_MAX_SECONDS);
}

/** Decides an attempt on an account and, when allowed, counts it as a failure already. */
export function attemptAccount(
  state: AccountState,
  now: number,
  deviceId: string | null,
  policy: LockPolicy,
): { state: AccountState; decision: Decision } {
  const device = deviceId ? state.devices[deviceId] : undefined;
  if (device && device.failures < DEVICE_MAX_FAILURES) {
    const devices = { ...state.devices, [deviceId!]: { ...device, failures: device.failures + 1 } };
    return {
      state: { ...state, devices, recent: recentWith(state, now, now) },
      decision: { allowed: true, trustedDevice: true, lockedNow: false },
    };
  }
  let failures = state.failures;
  if (failures >= policy.threshold) {
    const unlockAt = state.lastFailureAt + policy.lockSeconds;
    if (now < unlockAt) return { state, decision: { allowed: false, reason: "locked", retryAfter: unlockAt - now } };
    failures = 0; // the lock ran out: a fresh budget
  }
  const waitUntil = state.lastFailureAt + backoffSeconds(failures);
  if (failures > 0 && now < waitUntil)
    return { state, decision: { allowed: false, reason: "backoff", retryAfter: waitUntil - now } };
  const counted = failures + 1;
  return {
    state: { ...state, failures: counted, lastFailureAt: now, recent: recentWith(state, now, now) },
    decision: { allowed: true, trustedDevice: false, lockedNow: counted === policy.threshold },
  };
}

/** Refunds a successful attempt and remembers the device as one the account knows. */
export function succeedAccount(
  state: AccountState,
  now: number,
  deviceId: string | null,
  trusted: boolean,
): AccountState {
  const devices = { ...state.devices };
  if (deviceId) devices[deviceId] = { addedAt: now, failures: 0 };
  const kept = Object.entries(devices)
    .sort(([, a], [, b]) => b.addedAt - a.addedAt)
    .slice(0, TRUSTED_DEVICES_KEPT);
  // A success from a known device leaves the untrusted count (an attacker's) alone.
  const failures = trusted ? state.failures : 0;
  // The success's own attempt was counted as a failure: take one back (the latest).
  const recent = recentWith(state, now).slice(0, -1);
  return { ...state, failures, devices: Object.fromEntries(kept), recent };
}

export function attemptIp(state: IpState, now: number): { state: IpState; decision: Decision } {
  if (state.blockedUntil > now)
    return { state, decision: { allowed: false, reason: "ip_blocked", retryAfter: state.blockedUntil - now } };
  const recent = state.failures.filter((at) => at > now - IP_WINDOW);
  recent.push(now);
  const blockedUntil = recent.length > IP_MAX_FAILURES ? now + IP_BLOCK : 0;
  if (blockedUntil)
    return {
      state: { failures: recent, blockedUntil },
      decision: { allowed: false, reason: "ip_blocked", retryAfter: IP_BLOCK },
    };
  return {
    state: { failures: recent, blockedUntil: 0 },
    decision: { allowed: true, trustedDevice: false, lockedNow: false },
  };
}

/** Refunds one counted attempt of a successful sign-in. */
export function succeedIp(state: IpState, attemptedAt: number): IpState {
  const index = state.failures.lastIndexOf(attemptedAt);
  if (index < 0) return state;
  const failures = [...state.failures];
  failures.splice(index, 1);
  return { ...state, failures };
}

// Codes sent by email (6 digits, also carried by a link): single-use, short-lived and
// attempt-limited. Each challenge lives in its own Ephemeral Durable Object, so checking
// a code and counting the attempt is one step that concurrent guesses cannot race. Only
// an HMAC of the code is stored, keyed by a secret and bound to the challenge.
import { ConfigurationError } from "../config";
import { base64url, randomToken, utf8 } from "../crypto/encoding";
import type { Env } from "../env";
import { ephemeralStore } from "../ephemeral";
import type { ChallengeAttempt } from "../ephemeral/ephemeral";
import type { RequestStats } from "../storage/database";

export type ChallengePurpose =
  "sign-up" | "verify-email" | "email-code" | "password-reset" | "email-change" | "second-factor";

/** Wrong codes a challenge accepts before it is spent. */
export const MAX_CODE_ATTEMPTS = 5;
export const CODE_TTL_SECONDS = 10 * 60;

export interface StoredChallenge<T> {
  codeMac: string;
  attempts: number;
  data: T;
}

export type ChallengeResult<T> =
  | { ok: true; data: T }
  | { ok: false; reason: "invalid"; attemptsLeft: number }
  | { ok: false; reason: "expired" | "exhausted" };

export const CODE_PATTERN = /^[0-9]{6}$/;
const FLOW_ID = /^[A-Za-z0-9_-]{22}$/;

/** Six decimal digits, uniformly drawn (rejection sampling avoids modulo bias). */
export function newCode(): string {
  const limit = 4_294_000_000; // a multiple of 10^6 below 2^32
  for (;;) {
    const [value] = crypto.getRandomValues(new Uint32Array(1));
    if (value! < limit) return String(value! % 1_000_000).padStart(6, "0");
  }
}

async function macKey(env: Env): Promise<CryptoKey> {
  if (!env.SIGNING_KEY_ENCRYPTION_KEY) throw new ConfigurationError("SIGNING_KEY_ENCRYPTION_KEY is not set");
  const secret = await crypto.subtle.digest(
    "SHA-256",
    utf8.encode(`latchkey challenge codes\n${env.SIGNING_KEY_ENCRYPTION_KEY}`),
  );
  return crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function codeMac(env: Env, purpose: ChallengePurpose, flowId: string, code: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await macKey(env), utf8.encode(`${purpose}\n${flowId}\n${code}`));
  return base64url.encode(new Uint8Array(mac));
}

function store<T>(env: Env, tenantId: string, purpose: ChallengePurpose, flowId: string, stats?: RequestStats) {
  return ephemeralStore<StoredChallenge<T>>(env, tenantId, `challenge-${purpose}`, flowId, stats);
}

/** Starts a challenge holding `data`; the code goes to the user, the flow id to the page. */
export async function startChallenge<T>(
  env: Env,
  tenantId: string,
  purpose: ChallengePurpose,
  data: T,
  options: { ttlSeconds?: number; stats?: RequestStats } = {},
): Promise<{ flowId: string; code: string; expiresAt: number }> {
  const flowId = randomToken(16);
  const code = newCode();
  const ttl = options.ttlSeconds ?? CODE_TTL_SECONDS;
  await store<T>(env, tenantId, purpose, flowId, options.stats).put(
    { codeMac: await codeMac(env, purpose, flowId, code), attempts: 0, data },
    ttl,
  );
  return { flowId, code, expiresAt: Math.floor(Date.now() / 1000) + ttl };
}

/**
 * Checks a code. Right: the challenge is consumed and its data returned. Wrong: one
 * attempt is spent; after MAX_CODE_ATTEMPTS the challenge is gone.
 */
export async function checkChallenge<T>(
  env: Env,
  tenantId: string,
  purpose: ChallengePurpose,
  flowId: string,
  code: string,
  stats?: RequestStats,
): Promise<ChallengeResult<T>> {
  if (!FLOW_ID.test(flowId)) return { ok: false, reason: "expired" };
  // A malformed code is still an attempt: it costs the same and counts the same.
  const presented = await codeMac(env, purpose, flowId, CODE_PATTERN.test(code) ? code : "------");
  const result = (await store<T>(env, tenantId, purpose, flowId, stats).attemptCode(
    presented,
    MAX_CODE_ATTEMPTS,
  )) as ChallengeAttempt<StoredChallenge<T>>;
  if (result.outcome === "match") return { ok: true, data: result.value.data };
  if (result.outcome === "missing") return { ok: false, reason: "expired" };
  if (result.outcome === "exhausted") return { ok: false, reason: "exhausted" };
  return { ok: false, reason: "invalid", attemptsLeft: result.attemptsLeft };
}

/** The challenge's data without using it up (to show an address on the code page). */
export async function peekChallenge<T>(
  env: Env,
  tenantId: string,
  purpose: ChallengePurpose,
  flowId: string,
  stats?: RequestStats,
): Promise<T | null> {
  if (!FLOW_ID.test(flowId)) return null;
  return (await store<T>(env, tenantId, purpose, flowId, stats).get())?.data ?? null;
}

/** Ends a challenge (a new code was sent, or the flow was abandoned). */
export async function dropChallenge(env: Env, tenantId: string, purpose: ChallengePurpose, flowId: string) {
  if (FLOW_ID.test(flowId)) await store(env, tenantId, purpose, flowId).take();
}

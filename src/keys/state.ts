// What the request path needs from a tenant's keys, in the shape cached in KV: the
// sealed private key that signs per algorithm, and the public JWKS.
import type { SigningKeyRecord } from "../directory";
import type { Env } from "../env";
import { cacheKeys, writeThrough, type CacheTtl } from "../storage/cache";
import type { SigningAlg } from "../storage/schema";
import { SIGNING_CACHE_SECONDS } from "./policy";

export interface SigningEntry {
  kid: string;
  sealed: string;
}

export interface KeyRingState {
  tenantId: string;
  signing: Partial<Record<SigningAlg, SigningEntry>>;
  jwks: { keys: JsonWebKey[] };
}

export const SIGNING_CACHE: CacheTtl = { memorySeconds: SIGNING_CACHE_SECONDS, kvSeconds: 86_400 };
export const JWKS_CACHE: CacheTtl = { memorySeconds: 60, kvSeconds: 86_400 };

export function toKeyRingState(tenantId: string, keys: SigningKeyRecord[]): KeyRingState {
  const signing: KeyRingState["signing"] = {};
  for (const key of keys) {
    if (key.status !== "current") continue;
    const existing = signing[key.alg];
    // Two current keys of one alg cannot arise (the ring serializes changes); if one
    // ever did, sign with the newer.
    if (!existing || keys.find((k) => k.kid === existing.kid)!.createdAt < key.createdAt)
      signing[key.alg] = { kid: key.kid, sealed: key.privateJwkEncrypted };
  }
  // Published order: current first (what verifiers try first), then next, then retired.
  const order = { current: 0, next: 1, retired: 2 } as const;
  const published = [...keys].sort((a, b) => order[a.status] - order[b.status] || b.createdAt - a.createdAt);
  return { tenantId, signing, jwks: { keys: published.map((k) => k.publicJwk) } };
}

const PUBLISH_ATTEMPTS = 3;
// KV takes one write per key per second: wait that long between attempts.
const PUBLISH_RETRY_MS = 1100;

/**
 * Writes the state to KV, retrying refused writes. Returns whether both entries are
 * stored; when not, the hourly maintenance repairs them (see `isPublished`).
 */
export async function publishKeyRingState(env: Env, state: KeyRingState): Promise<boolean> {
  const entries: [string, unknown, CacheTtl][] = [
    [cacheKeys.signingKeys(state.tenantId), state.signing, SIGNING_CACHE],
    [cacheKeys.jwks(state.tenantId), state.jwks, JWKS_CACHE],
  ];
  let pending = entries;
  for (let attempt = 1; attempt <= PUBLISH_ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, PUBLISH_RETRY_MS));
    const results = await Promise.all(pending.map(([key, value, ttl]) => writeThrough(env.CACHE, key, value, ttl)));
    pending = pending.filter((_, i) => !results[i]);
  }
  return pending.length === 0;
}

/** Whether KV holds exactly this state (the hourly maintenance republishes when not). */
export async function isPublished(env: Env, state: KeyRingState): Promise<boolean> {
  const [signing, jwks] = await Promise.all([
    env.CACHE.get(cacheKeys.signingKeys(state.tenantId), "text"),
    env.CACHE.get(cacheKeys.jwks(state.tenantId), "text"),
  ]);
  // A tenant without keys has nothing to publish.
  if (state.jwks.keys.length === 0) return true;
  return signing === JSON.stringify(state.signing) && jwks === JSON.stringify(state.jwks);
}

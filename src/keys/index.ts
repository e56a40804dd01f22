// Signing keys: the request path reads cached state here and falls back to the tenant's
// KeyRing Durable Object, which is the only writer (see key-ring.ts).
import type { Env } from "../env";
import { readThrough, cacheKeys } from "../storage/cache";
import type { RequestStats } from "../storage/database";
import type { SigningAlg } from "../storage/schema";
import { openPrivateKey } from "./envelope";
import type { RotationOptions } from "./key-ring";
import { JWKS_CACHE, SIGNING_CACHE, type KeyRingState, type SigningEntry } from "./state";

export { KeyRing, type RotationOptions } from "./key-ring";
export { MAX_SIGNED_TOKEN_TTL, NEXT_KEY_MIN_PUBLISHED, unseasonedNextKeys } from "./policy";
export type { KeyRingState } from "./state";

export const SIGNING_ALGS: readonly SigningAlg[] = ["ES256", "RS256"];

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  key: CryptoKey;
}

function keyRing(env: Env, tenantId: string) {
  return env.KEY_RING.get(env.KEY_RING.idFromName(tenantId));
}

const IMPORT_PARAMS: Record<SigningAlg, SubtleCryptoImportKeyAlgorithm> = {
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
};

// Decrypted, non-extractable private keys by kid; a kid's key never changes.
const importedKeys = new Map<string, Promise<CryptoKey>>();

function importSigningKey(env: Env, tenantId: string, alg: SigningAlg, entry: SigningEntry): Promise<CryptoKey> {
  let key = importedKeys.get(entry.kid);
  if (!key) {
    key = openPrivateKey(env.SIGNING_KEY_ENCRYPTION_KEY, entry.sealed, { tenantId, kid: entry.kid }).then((jwk) =>
      crypto.subtle.importKey("jwk", jwk, IMPORT_PARAMS[alg], false, ["sign"]),
    );
    key.catch(() => importedKeys.delete(entry.kid));
    if (importedKeys.size > 1000) importedKeys.clear();
    importedKeys.set(entry.kid, key);
  }
  return key;
}

/** The key that signs for `alg` now, generated on first need. */
export async function signingKeyFor(
  env: Env,
  stats: RequestStats | undefined,
  tenantId: string,
  alg: SigningAlg,
): Promise<SigningKey> {
  const signing = await readThrough(
    env.CACHE,
    stats,
    cacheKeys.signingKeys(tenantId),
    SIGNING_CACHE,
    async () => (await keyRing(env, tenantId).ensure(tenantId, alg)).signing,
    { loaderPublishes: true },
  );
  let entry = signing?.[alg];
  // The tenant signs with another algorithm so far: this one is generated now.
  entry ??= (await keyRing(env, tenantId).ensure(tenantId, alg)).signing[alg];
  if (!entry) throw new Error(`key ring of ${tenantId} has no ${alg} key after ensure`);
  return { kid: entry.kid, alg, key: await importSigningKey(env, tenantId, alg, entry) };
}

/** The public keys relying parties verify with: next, current and retired keys. */
export async function publishedJwks(
  env: Env,
  stats: RequestStats | undefined,
  tenantId: string,
): Promise<{ keys: JsonWebKey[] }> {
  const jwks = await readThrough(
    env.CACHE,
    stats,
    cacheKeys.jwks(tenantId),
    JWKS_CACHE,
    async () => (await keyRing(env, tenantId).ensure(tenantId, "ES256")).jwks,
    { loaderPublishes: true },
  );
  return jwks ?? { keys: [] };
}

export function rotateSigningKeys(env: Env, tenantId: string, options: RotationOptions): Promise<KeyRingState> {
  return keyRing(env, tenantId).rotate(tenantId, options);
}

export function removeRetiredKey(env: Env, tenantId: string, kid: string, actor: RotationOptions["actor"]) {
  return keyRing(env, tenantId).removeRetired(tenantId, kid, actor);
}

export function maintainSigningKeys(env: Env, tenantId: string, rotationDays: number): Promise<KeyRingState> {
  return keyRing(env, tenantId).maintain(tenantId, rotationDays);
}

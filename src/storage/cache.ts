// Read-mostly values (tenant config, JWKS, signing keys, API resources) live in KV and,
// for a short while, in isolate memory, so that hot paths reach D1 only on a miss.
// KV is eventually consistent (a write can take up to a minute to show everywhere), so
// nothing whose staleness would be a security bug goes to KV: those live in D1 or a
// Durable Object, and at most a few seconds in memory (client authentication, which
// skips KV). Every key is listed in docs/storage.md.
import type { RequestStats } from "./database";

interface MemoryEntry {
  value: unknown;
  expiresAt: number;
}

const memory = new Map<string, MemoryEntry>();
const MEMORY_LIMIT = 5_000;

export interface CacheTtl {
  /** How long this isolate trusts its own copy. */
  memorySeconds: number;
  /** How long KV keeps the value (KV's minimum is 60); 0 keeps it in memory only. */
  kvSeconds: number;
}

export const cacheKeys = {
  tenantBySlug: (slug: string) => `tenant:slug:${slug}`,
  signingKeys: (tenantId: string) => `keys:signing:${tenantId}`,
  jwks: (tenantId: string) => `keys:jwks:${tenantId}`,
  resources: (tenantId: string) => `resources:${tenantId}`,
  appearance: (tenantId: string) => `appearance:${tenantId}`,
  clientAuthentication: (tenantId: string, clientId: string) => `client:${tenantId}:${encodeURIComponent(clientId)}`,
};

function fromMemory(key: string): { hit: boolean; value?: unknown } {
  const entry = memory.get(key);
  if (!entry) return { hit: false };
  if (entry.expiresAt <= Date.now()) {
    memory.delete(key);
    return { hit: false };
  }
  return { hit: true, value: entry.value };
}

function toMemory(key: string, value: unknown, seconds: number) {
  if (memory.size >= MEMORY_LIMIT) {
    // Map iterates in insertion order: drop the oldest entry.
    const oldest = memory.keys().next();
    if (!oldest.done) memory.delete(oldest.value);
  }
  memory.set(key, { value, expiresAt: Date.now() + seconds * 1000 });
}

export interface ReadThroughOptions {
  /** The loader publishes to KV itself (the KeyRing does): only fill this isolate's memory. */
  loaderPublishes?: boolean;
}

/**
 * Returns the cached value for `key`, loading it with `load` (and caching it) on a miss.
 * A `null` from `load` is not cached, so a value created a moment later is found. A
 * failing cache write never fails the request: the value is served, only not cached.
 */
export async function readThrough<T>(
  kv: KVNamespace,
  stats: RequestStats | undefined,
  key: string,
  ttl: CacheTtl,
  load: () => Promise<T | null>,
  options: ReadThroughOptions = {},
): Promise<T | null> {
  const local = fromMemory(key);
  if (local.hit) return local.value as T;
  const inKv = ttl.kvSeconds > 0;
  if (inKv) {
    if (stats) stats.kvReads++;
    const stored = await kv.get<T>(key, "json");
    if (stored !== null) {
      toMemory(key, stored, ttl.memorySeconds);
      return stored;
    }
  }
  const loaded = await load();
  if (loaded !== null) {
    if (options.loaderPublishes || !inKv) toMemory(key, loaded, ttl.memorySeconds);
    else await writeThrough(kv, key, loaded, ttl);
  }
  return loaded;
}

/**
 * Stores `value` in memory and KV. Returns false (and logs) when KV refused the write,
 * for example past its limit of one write per key per second; never throws.
 */
export async function writeThrough(kv: KVNamespace, key: string, value: unknown, ttl: CacheTtl): Promise<boolean> {
  toMemory(key, value, ttl.memorySeconds);
  try {
    await kv.put(key, JSON.stringify(value), { expirationTtl: Math.max(60, ttl.kvSeconds) });
    return true;
  } catch (error) {
    console.error(`cache write of ${key} failed: ${error instanceof Error ? error.message : "unknown error"}`);
    return false;
  }
}

/** Removes cached copies; a failed KV delete is logged, and the entry then lives out its TTL. */
export async function invalidate(kv: KVNamespace, ...keys: string[]): Promise<void> {
  forgetInMemory(...keys);
  await Promise.all(
    keys.map((key) =>
      kv.delete(key).catch((error: unknown) => {
        console.error(`cache delete of ${key} failed: ${error instanceof Error ? error.message : "unknown error"}`);
      }),
    ),
  );
}

/** Drops this isolate's copies of values kept in memory only (kvSeconds 0). */
export function forgetInMemory(...keys: string[]) {
  for (const key of keys) memory.delete(key);
}

/** Forgets this isolate's copies; tests call it after wiping storage. */
export function clearMemoryCache() {
  memory.clear();
}

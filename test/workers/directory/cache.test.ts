// src/storage/cache.ts: isolate memory first, then KV, then the loader.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { clearMemoryCache, invalidate, readThrough, writeThrough } from "../../../src/storage/cache";
import { newRequestStats, type RequestStats } from "../../../src/storage/database";

const TTL = { memorySeconds: 30, kvSeconds: 3600 };

let stats: RequestStats;
let loads = 0;

function loader<T>(value: T | null) {
  return async () => {
    loads++;
    return value;
  };
}

beforeEach(() => {
  stats = newRequestStats();
  loads = 0;
});

describe("readThrough", () => {
  it("loads on a miss, then serves from memory without reading KV", async () => {
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader({ v: 1 }))).toEqual({ v: 1 });
    expect(loads).toBe(1);
    expect(stats.kvReads).toBe(1);
    // The loaded value was written to KV.
    expect(await env.CACHE.get("k", "json")).toEqual({ v: 1 });

    // Change KV behind the cache's back: a memory hit does not see it, nor read KV.
    await env.CACHE.put("k", JSON.stringify({ v: 2 }));
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader({ v: 3 }))).toEqual({ v: 1 });
    expect(stats.kvReads).toBe(1);
    expect(loads).toBe(1);
  });

  it("falls back to KV when memory is empty, and keeps the KV value in memory", async () => {
    await env.CACHE.put("k", JSON.stringify({ from: "kv" }));
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader({ from: "loader" }))).toEqual({ from: "kv" });
    expect(loads).toBe(0);
    expect(stats.kvReads).toBe(1);
    // Now in memory: gone from KV, still served, no KV read.
    await env.CACHE.delete("k");
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader({ from: "loader" }))).toEqual({ from: "kv" });
    expect(stats.kvReads).toBe(1);
    expect(loads).toBe(0);
  });

  it("goes memory -> KV -> loader as each layer is emptied", async () => {
    await readThrough(env.CACHE, stats, "k", TTL, loader("first"));
    clearMemoryCache();
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader("second"))).toBe("first");
    expect(loads).toBe(1);
    clearMemoryCache();
    await env.CACHE.delete("k");
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader("third"))).toBe("third");
    expect(loads).toBe(2);
    expect(stats.kvReads).toBe(3);
  });

  it("does not cache a null result, in memory or in KV", async () => {
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader(null))).toBeNull();
    expect(await env.CACHE.get("k")).toBeNull();
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader(null))).toBeNull();
    expect(loads).toBe(2);
    // A value that appears later is found at once.
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader("now"))).toBe("now");
    expect(loads).toBe(3);
  });

  it("caches falsy values that are not null", async () => {
    expect(await readThrough(env.CACHE, stats, "zero", TTL, loader(0))).toBe(0);
    expect(await readThrough(env.CACHE, stats, "zero", TTL, loader(1))).toBe(0);
    expect(await readThrough(env.CACHE, stats, "empty", TTL, loader<unknown[]>([]))).toEqual([]);
    expect(await readThrough(env.CACHE, stats, "empty", TTL, loader([1]))).toEqual([]);
    expect(loads).toBe(2);
  });

  it("does not trust memory beyond memorySeconds (0: every read goes to KV)", async () => {
    const ttl = { memorySeconds: 0, kvSeconds: 60 };
    await readThrough(env.CACHE, stats, "k", ttl, loader("v"));
    await readThrough(env.CACHE, stats, "k", ttl, loader("w"));
    await readThrough(env.CACHE, stats, "k", ttl, loader("w"));
    expect(stats.kvReads).toBe(3);
    expect(loads).toBe(1);
  });

  it("writes KV with the TTL asked for, and never below KV's 60 s minimum", async () => {
    const before = Math.floor(Date.now() / 1000);
    await readThrough(env.CACHE, stats, "long", { memorySeconds: 1, kvSeconds: 3600 }, loader("a"));
    await readThrough(env.CACHE, stats, "short", { memorySeconds: 1, kvSeconds: 5 }, loader("b"));
    const { keys } = await env.CACHE.list();
    const expiry = Object.fromEntries(keys.map((k) => [k.name, k.expiration ?? 0]));
    expect(expiry.long! - before).toBeGreaterThanOrEqual(3600 - 2);
    expect(expiry.long! - before).toBeLessThanOrEqual(3600 + 2);
    expect(expiry.short! - before).toBeGreaterThanOrEqual(58);
    expect(expiry.short! - before).toBeLessThanOrEqual(62);
  });

  it("works without stats", async () => {
    expect(await readThrough(env.CACHE, undefined, "k", TTL, loader("v"))).toBe("v");
  });
});

describe("invalidate and writeThrough", () => {
  it("invalidate removes a key from memory and KV, so the loader runs again", async () => {
    await readThrough(env.CACHE, stats, "a", TTL, loader("old-a"));
    await readThrough(env.CACHE, stats, "b", TTL, loader("old-b"));
    await readThrough(env.CACHE, stats, "c", TTL, loader("old-c"));
    await invalidate(env.CACHE, "a", "b");
    expect(await env.CACHE.get("a")).toBeNull();
    expect(await env.CACHE.get("b")).toBeNull();
    expect(await readThrough(env.CACHE, stats, "a", TTL, loader("new-a"))).toBe("new-a");
    expect(await readThrough(env.CACHE, stats, "b", TTL, loader("new-b"))).toBe("new-b");
    // Untouched keys stay cached.
    expect(await readThrough(env.CACHE, stats, "c", TTL, loader("new-c"))).toBe("old-c");
    expect(loads).toBe(5);
  });

  it("writeThrough replaces the value in both layers", async () => {
    await readThrough(env.CACHE, stats, "k", TTL, loader("old"));
    await writeThrough(env.CACHE, "k", "new", TTL);
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader("loader"))).toBe("new");
    expect(await env.CACHE.get("k", "json")).toBe("new");
    clearMemoryCache();
    expect(await readThrough(env.CACHE, stats, "k", TTL, loader("loader"))).toBe("new");
    expect(loads).toBe(1);
  });
});

// KV refuses writes past one per key per second (and can fail): the cache must then
// serve the value anyway instead of failing the request.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clearMemoryCache, invalidate, readThrough, writeThrough } from "../../../src/storage/cache";

/** The real KV binding, with writes and deletes failing as KV does when rate limited. */
function refusingWrites(kv: KVNamespace): KVNamespace {
  return new Proxy(kv, {
    get(target, property) {
      if (property === "put" || property === "delete")
        return () => Promise.reject(new Error("KV PUT failed: 429 Too Many Requests"));
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("cache under KV write failures", () => {
  it("serves a loaded value when KV refuses to store it", async () => {
    const kv = refusingWrites(env.CACHE);
    const value = await readThrough(kv, undefined, "fault:a", { memorySeconds: 30, kvSeconds: 60 }, async () => ({
      n: 1,
    }));
    expect(value).toEqual({ n: 1 });
    expect(await env.CACHE.get("fault:a")).toBeNull();
  });

  it("reports a refused write instead of throwing, and survives a refused delete", async () => {
    const kv = refusingWrites(env.CACHE);
    expect(await writeThrough(kv, "fault:b", { n: 2 }, { memorySeconds: 30, kvSeconds: 60 })).toBe(false);
    expect(await writeThrough(env.CACHE, "fault:b", { n: 2 }, { memorySeconds: 30, kvSeconds: 60 })).toBe(true);
    await expect(invalidate(kv, "fault:b")).resolves.toBeUndefined();
    clearMemoryCache();
  });
});

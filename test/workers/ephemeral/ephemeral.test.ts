// The Ephemeral object's single-use and compare-and-set guarantees.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ephemeralStore } from "../../../src/ephemeral";

interface Versioned {
  version: number;
  note: string;
}

describe("Ephemeral", () => {
  it("take gives the value once, even to concurrent callers", async () => {
    const store = ephemeralStore<string>(env, "ten_x", "par", "take-once");
    await store.put("pushed", 60);
    const results = await Promise.all([store.take(), store.take(), store.take()]);
    expect(results.filter((r) => r === "pushed")).toHaveLength(1);
    expect(await store.get()).toBeNull();
  });

  it("claim is true once while the mark lasts", async () => {
    const store = ephemeralStore<true>(env, "ten_x", "assertion-jti", "jti-1");
    const claims = await Promise.all([store.claim(60), store.claim(60)]);
    expect(claims.sort()).toEqual([false, true]);
  });

  it("replace refuses a stale version and a value someone already took", async () => {
    const store = ephemeralStore<Versioned>(env, "ten_x", "interaction", "cas");
    await store.put({ version: 1, note: "start" }, 60);
    expect(await store.replace(1, { version: 2, note: "first writer" }, 60)).toBe(true);
    expect(await store.replace(1, { version: 2, note: "stale writer" }, 60)).toBe(false);
    expect(await store.get()).toEqual({ version: 2, note: "first writer" });
    await store.take();
    expect(await store.replace(2, { version: 3, note: "after finish" }, 60)).toBe(false);
    expect(await store.get()).toBeNull();
  });

  it("forgets values after their time", async () => {
    const store = ephemeralStore<string>(env, "ten_x", "logout", "short");
    await store.put("soon gone", 1);
    expect(await store.get()).toBe("soon gone");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.get()).toBeNull();
  });
});

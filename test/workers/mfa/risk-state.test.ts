// The adaptive-MFA history in a real SignInThrottle Durable Object: written only by a
// completed sign-in, read back, kept when the object's idle alarm drops its counters;
// recent failures read from the account's throttle state. Also: request.cf reaches the
// worker from a Request built with `cf` (what the end-to-end adaptive tests rely on).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { riskObject } from "../../../src/mfa/risk";
import type { RiskHistory } from "../../../src/mfa/risk/history";

const facts = { deviceId: "dev-a", country: "DE", asn: 3320, latitude: 52.52, longitude: 13.4, ip: null };

describe("risk history object", () => {
  it("starts empty, remembers a completed sign-in, and survives the idle alarm", async () => {
    const risk = riskObject(env, "ten_1", "usr_1");
    expect(await risk.riskHistory()).toEqual({ devices: {}, countries: {}, asns: {}, last: null, lastSignInAt: 0 });
    await risk.recordRiskSignIn(facts);
    const history = await risk.riskHistory();
    expect(Object.keys(history.devices)).toEqual(["dev-a"]);
    expect(history.countries).toHaveProperty("DE");
    expect(history.asns).toHaveProperty("3320");
    expect(history.last).toMatchObject({ latitude: 52.52, longitude: 13.4, country: "DE", asn: 3320 });
    expect(history.lastSignInAt).toBeGreaterThan(Date.now() / 1000 - 60);

    // Another user's history is another object.
    expect((await riskObject(env, "ten_1", "usr_2").riskHistory()).devices).toEqual({});

    // An alarm (set by throttling in the same object class) keeps the history.
    const stub = env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName("ten_1:risk:usr_1"));
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.put("uses", [1]);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (_instance, state) => {
      expect(await state.storage.get("uses")).toBeUndefined();
      expect(((await state.storage.get("risk")) as RiskHistory).devices).toHaveProperty("dev-a");
    });
  });

  it("counts recent failed attempts of an account, and what a success refunds", async () => {
    const stub = env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName("ten_1:account:ana@example.com"));
    const policy = { threshold: 10, lockSeconds: 600 };
    expect(await stub.recentFailureTimes()).toEqual([]);
    expect((await stub.attemptAccount(null, policy)).allowed).toBe(true);
    expect(await stub.recentFailureTimes()).toHaveLength(1);
    // A success refunds its own attempt; earlier failures stay for the risk score.
    expect((await stub.attemptAccount("dev", policy)).allowed).toBe(true);
    await stub.succeedAccount("dev", false);
    expect(await stub.recentFailureTimes()).toHaveLength(1);
    expect((await stub.recentFailureTimes())[0]).toBeGreaterThan(Date.now() / 1000 - 60);
  });
});

describe("request.cf in tests", () => {
  it("passes from new Request(url, { cf }) to the worker", async () => {
    const request = new Request("https://latchkey.test/", { cf: { country: "NZ", asn: 9500 } } as RequestInit);
    expect((request.cf as { country?: string } | undefined)?.country).toBe("NZ");
    expect((new Request(request).cf as { asn?: number } | undefined)?.asn).toBe(9500);
  });
});

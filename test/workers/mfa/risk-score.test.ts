// The adaptive risk score as pure functions: each rule alone, their sum and cap, the deny
// list (countries, ASNs, IPv4 and IPv6 ranges), impossible travel, the history's memory,
// and reading request.cf.
import { describe, expect, it } from "vitest";
import { emptyHistory, factsOf, HISTORY_SECONDS, recordSignIn, type SignInFacts } from "../../../src/mfa/risk/history";
import { inRange, parseCidr, parseIp } from "../../../src/mfa/risk/ip-range";
import { distanceKm, RISK_WEIGHTS, scoreSignIn } from "../../../src/mfa/risk/score";
import { attemptAccount, emptyAccount, recentFailureTimes, succeedAccount } from "../../../src/throttle/policy";

const NOW = 1_800_000_000;
const HOUR = 3600;
const BERLIN = { latitude: 52.52, longitude: 13.405 };
const POTSDAM = { latitude: 52.39, longitude: 13.06 };
const NEW_YORK = { latitude: 40.71, longitude: -74.006 };
const MUNICH = { latitude: 48.14, longitude: 11.58 };
const NO_DENY = { denyList: { countries: [], asns: [], ip_ranges: [] } };

function facts(overrides: Partial<SignInFacts> = {}): SignInFacts {
  return { deviceId: "dev-a", country: "DE", asn: 3320, ...BERLIN, ip: "198.51.100.7", ...overrides };
}

/** An account that signed in from Berlin on device dev-a, `ago` seconds before NOW. */
function usual(ago = 86_400) {
  return recordSignIn(emptyHistory(), facts(), NOW - ago);
}

describe("risk score", () => {
  it("is zero for a known device in a known place", () => {
    const result = scoreSignIn(facts(), usual(), 0, NO_DENY, NOW);
    expect(result).toMatchObject({ score: 0, reasons: [] });
    expect(result.signals).toMatchObject({ country: "DE", asn: 3320, known_device: true, recent_failures: 0 });
  });

  it("names a new device alone, which reaches the default threshold of 50", () => {
    const result = scoreSignIn(facts({ deviceId: "dev-b" }), usual(), 0, NO_DENY, NOW);
    expect(result.reasons).toEqual(["new_device"]);
    expect(result.score).toBe(RISK_WEIGHTS.new_device);
    expect(result.score).toBe(50);
    // An account without any history: every browser is new to it.
    expect(scoreSignIn(facts(), emptyHistory(), 0, NO_DENY, NOW)).toMatchObject({ score: 50, reasons: ["new_device"] });
  });

  it("keeps a known device nearby below the default threshold", () => {
    const result = scoreSignIn(facts(POTSDAM), usual(HOUR), 0, NO_DENY, NOW);
    expect(result).toMatchObject({ score: 0, reasons: [] });
    expect(result.signals.known_device).toBe(true);
  });

  it("adds a new country and a new network to a new device", () => {
    const result = scoreSignIn(
      facts({ deviceId: "dev-b", country: "FR", asn: 5410, latitude: 48.85, longitude: 2.35 }),
      usual(2 * 86_400),
      0,
      NO_DENY,
      NOW,
    );
    expect(result.reasons).toEqual(["new_device", "new_country", "new_asn"]);
    expect(result.score).toBe(RISK_WEIGHTS.new_device + RISK_WEIGHTS.new_country + RISK_WEIGHTS.new_asn);
    expect(result.score).toBe(90);
  });

  it("counts no new country or network for an account without a history of them", () => {
    const result = scoreSignIn(facts({ country: "FR", asn: 1 }), emptyHistory(), 0, NO_DENY, NOW);
    expect(result.reasons).toEqual(["new_device"]);
  });

  it("finds impossible travel (Berlin to New York in an hour) but not a short trip or a slow one", () => {
    const fast = scoreSignIn(facts({ ...NEW_YORK, country: "DE" }), usual(HOUR), 0, NO_DENY, NOW);
    expect(fast.reasons).toEqual(["impossible_travel"]);
    expect(fast.score).toBe(RISK_WEIGHTS.impossible_travel);
    expect(fast.signals.distance_km).toBeGreaterThan(6000);
    expect(fast.signals.speed_kmh).toBeGreaterThan(6000);
    // Berlin to Potsdam in a minute: under 300 km, whatever the speed.
    expect(scoreSignIn(facts(POTSDAM), usual(60), 0, NO_DENY, NOW).reasons).toEqual([]);
    // Berlin to Munich (about 500 km) in twenty minutes is too fast; in a day it is a train ride.
    expect(scoreSignIn(facts(MUNICH), usual(20 * 60), 0, NO_DENY, NOW).reasons).toEqual(["impossible_travel"]);
    expect(scoreSignIn(facts(MUNICH), usual(HOUR), 0, NO_DENY, NOW).reasons).toEqual([]);
    expect(scoreSignIn(facts(MUNICH), usual(86_400), 0, NO_DENY, NOW).reasons).toEqual([]);
    // Berlin to New York in ten hours is a flight.
    expect(scoreSignIn(facts(NEW_YORK), usual(10 * HOUR), 0, NO_DENY, NOW).reasons).toEqual([]);
  });

  it("weighs recent failures per failure, up to a cap", () => {
    expect(scoreSignIn(facts(), usual(), 1, NO_DENY, NOW)).toMatchObject({
      score: RISK_WEIGHTS.recent_failure,
      reasons: ["recent_failures"],
    });
    expect(scoreSignIn(facts(), usual(), 50, NO_DENY, NOW).score).toBe(RISK_WEIGHTS.recent_failures_max);
  });

  it("lets any deny-list match alone reach the highest threshold, and caps the sum at 100", () => {
    const byCountry = scoreSignIn(
      facts(),
      usual(),
      0,
      { denyList: { countries: ["DE"], asns: [], ip_ranges: [] } },
      NOW,
    );
    expect(byCountry).toMatchObject({ score: 100, reasons: ["deny_list:country"] });
    const byAsn = scoreSignIn(facts(), usual(), 0, { denyList: { countries: [], asns: [3320], ip_ranges: [] } }, NOW);
    expect(byAsn).toMatchObject({ score: 100, reasons: ["deny_list:asn"] });
    const byRange = scoreSignIn(
      facts({ deviceId: "other" }),
      usual(),
      3,
      { denyList: { countries: ["DE"], asns: [], ip_ranges: ["10.0.0.0/8", "198.51.100.0/24"] } },
      NOW,
    );
    expect(byRange.score).toBe(100);
    expect(byRange.reasons).toEqual(["deny_list:country", "deny_list:ip", "new_device", "recent_failures"]);
    const v6 = scoreSignIn(
      facts({ ip: "2001:db8:1234::42" }),
      usual(),
      0,
      { denyList: { countries: [], asns: [], ip_ranges: ["2001:db8::/32"] } },
      NOW,
    );
    expect(v6.reasons).toEqual(["deny_list:ip"]);
  });

  it("marks the Tor network", () => {
    expect(scoreSignIn(facts({ country: "T1" }), emptyHistory(), 0, NO_DENY, NOW).reasons).toEqual([
      "anonymous_network",
      "new_device",
    ]);
  });

  it("contributes nothing from signals that are absent (no request.cf)", () => {
    const bare = factsOf(undefined, null, "dev-a");
    expect(bare).toEqual({ deviceId: "dev-a", country: null, asn: null, latitude: null, longitude: null, ip: null });
    expect(scoreSignIn(bare, usual(60), 0, NO_DENY, NOW)).toMatchObject({ score: 0, reasons: [] });
  });

  it("keeps coordinates in the signals to one decimal", () => {
    const result = scoreSignIn(facts({ latitude: 52.5234, longitude: 13.4114 }), usual(), 0, NO_DENY, NOW);
    expect(result.signals).toMatchObject({ latitude: 52.5, longitude: 13.4 });
  });
});

describe("request.cf", () => {
  it("reads country, asn and string coordinates, and refuses nonsense", () => {
    expect(
      factsOf({ country: "DE", asn: 3320, latitude: "52.52000", longitude: "13.40500" }, "192.0.2.1", "d"),
    ).toEqual({
      deviceId: "d",
      country: "DE",
      asn: 3320,
      latitude: 52.52,
      longitude: 13.405,
      ip: "192.0.2.1",
    });
    expect(factsOf({ country: "<b>", asn: -1, latitude: "91", longitude: "0" }, null, null)).toMatchObject({
      country: null,
      asn: null,
      latitude: null,
      longitude: null,
    });
  });
});

describe("risk history", () => {
  it("remembers devices, countries and networks of completed sign-ins, and the last located one", () => {
    let history = recordSignIn(emptyHistory(), facts(), NOW - 100);
    history = recordSignIn(
      history,
      facts({ deviceId: "dev-b", country: "FR", asn: 5410, latitude: null, longitude: null }),
      NOW,
    );
    expect(Object.keys(history.devices).sort()).toEqual(["dev-a", "dev-b"]);
    expect(Object.keys(history.countries).sort()).toEqual(["DE", "FR"]);
    expect(Object.keys(history.asns).sort()).toEqual(["3320", "5410"]);
    // The second sign-in had no coordinates: the last place stays Berlin, the time moves on.
    expect(history.last).toMatchObject({ ...BERLIN, at: NOW - 100 });
    expect(history.lastSignInAt).toBe(NOW);
  });

  it("keeps at most 20 devices, the most recent, and forgets what is too old", () => {
    let history = emptyHistory();
    for (let i = 0; i < 25; i++) history = recordSignIn(history, facts({ deviceId: `d${i}` }), NOW - 1000 + i);
    expect(Object.keys(history.devices)).toHaveLength(20);
    expect(history.devices.d0).toBeUndefined();
    expect(history.devices.d24).toBe(NOW - 1000 + 24);
    const later = recordSignIn(
      history,
      facts({ deviceId: "fresh", latitude: null, longitude: null }),
      NOW + HISTORY_SECONDS,
    );
    expect(Object.keys(later.devices)).toEqual(["fresh"]);
    expect(later.last).toBeNull();
  });
});

describe("recent failures in the throttle state", () => {
  const policy = { threshold: 10, lockSeconds: 900 };

  it("survive a success (which refunds only its own attempt) and age out after an hour", () => {
    let state = emptyAccount();
    for (let i = 0; i < 3; i++) state = attemptAccount(state, NOW + i * 60, null, policy).state;
    state = attemptAccount(state, NOW + 600, null, policy).state;
    state = succeedAccount(state, NOW + 600, "dev", false);
    expect(state.failures).toBe(0);
    expect(recentFailureTimes(state, NOW + 600)).toEqual([NOW, NOW + 60, NOW + 120]);
    expect(recentFailureTimes(state, NOW + 60 + HOUR)).toEqual([NOW + 120]);
    expect(recentFailureTimes(state, NOW + 120 + HOUR)).toEqual([]);
    // State stored before `recent` existed reads as none.
    expect(recentFailureTimes({ failures: 2, lastFailureAt: NOW, devices: {} }, NOW)).toEqual([]);
  });
});

describe("IP ranges", () => {
  it("parses and matches IPv4, IPv6 and IPv4-mapped addresses", () => {
    const range = (cidr: string) => {
      const parsed = parseCidr(cidr);
      if (!("range" in parsed)) throw new Error(parsed.error);
      return parsed.range;
    };
    expect(inRange(parseIp("10.1.2.3")!, range("10.0.0.0/8"))).toBe(true);
    expect(inRange(parseIp("11.0.0.1")!, range("10.0.0.0/8"))).toBe(false);
    expect(inRange(parseIp("::ffff:10.9.9.9")!, range("10.0.0.0/8"))).toBe(true);
    expect(inRange(parseIp("2001:db8:ffff::1")!, range("2001:db8::/32"))).toBe(true);
    expect(inRange(parseIp("2001:db9::1")!, range("2001:db8::/32"))).toBe(false);
    expect(inRange(parseIp("192.0.2.1")!, range("0.0.0.0/0"))).toBe(true);
    expect(inRange(parseIp("192.0.2.1")!, range("::/0"))).toBe(false);
    expect(inRange(parseIp("192.0.2.1")!, range("192.0.2.1/32"))).toBe(true);
  });

  it("refuses what is not a range, with a reason", () => {
    for (const bad of [
      "10.0.0.0",
      "10.0.0.0/33",
      "10.0.0.1/8",
      "256.0.0.0/8",
      "2001:db8::/129",
      "2001:db8:::/32",
      "1:2:3:4:5:6:7:8:9/64",
      "x/1",
      "01.2.3.4/32",
    ])
      expect(parseCidr(bad), bad).toHaveProperty("error");
    expect(parseIp("1:2:3:4:5:6:7:8")).toEqual({ version: 6, value: 0x00010002000300040005000600070008n });
    expect(parseIp("::")).toEqual({ version: 6, value: 0n });
    expect(parseIp("1::2::3")).toBeNull();
  });
});

describe("distance", () => {
  it("is about 6,385 km from Berlin to New York", () => {
    expect(distanceKm(BERLIN, NEW_YORK)).toBeGreaterThan(6300);
    expect(distanceKm(BERLIN, NEW_YORK)).toBeLessThan(6450);
    expect(distanceKm(BERLIN, BERLIN)).toBe(0);
  });
});

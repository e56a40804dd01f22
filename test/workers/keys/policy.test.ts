// The key lifecycle policy on its own: pure functions of stored keys and time.
import { describe, expect, it } from "vitest";
import {
  NEXT_KEY_MIN_PUBLISHED,
  planEnsure,
  planMaintenance,
  planRotation,
  RETIRED_KEY_RETENTION,
  type KeyState,
} from "../../../src/keys/policy";

const NOW = 1_800_000_000;
const DAY = 86_400;

function key(kid: string, status: KeyState["status"], fields: Partial<KeyState> = {}): KeyState {
  return { kid, alg: "ES256", status, createdAt: NOW - 100 * DAY, activatedAt: null, expiresAt: null, ...fields };
}

describe("planEnsure", () => {
  it("generates a current and a next key for an algorithm with none", () => {
    expect(planEnsure([], "ES256", NOW)).toEqual({
      generate: [
        { alg: "ES256", status: "current" },
        { alg: "ES256", status: "next" },
      ],
      update: [],
      remove: [],
    });
  });

  it("does nothing when both exist, and only adds what is missing", () => {
    const both = [key("a", "current", { activatedAt: NOW }), key("b", "next")];
    expect(planEnsure(both, "ES256", NOW)).toEqual({ generate: [], update: [], remove: [] });
    expect(planEnsure([both[0]!], "ES256", NOW).generate).toEqual([{ alg: "ES256", status: "next" }]);
    expect(planEnsure([both[1]!], "ES256", NOW)).toEqual({
      generate: [{ alg: "ES256", status: "next" }],
      update: [{ kid: "b", status: "current", activatedAt: NOW }],
      remove: [],
    });
  });

  it("treats algorithms separately", () => {
    const es = [key("a", "current", { activatedAt: NOW }), key("b", "next")];
    expect(planEnsure(es, "RS256", NOW).generate).toEqual([
      { alg: "RS256", status: "current" },
      { alg: "RS256", status: "next" },
    ]);
  });
});

describe("planRotation", () => {
  const keys = [key("cur", "current", { activatedAt: NOW - DAY }), key("nxt", "next")];

  it("promotes next, retires current until its tokens have expired, and publishes a new next", () => {
    expect(planRotation(keys, "ES256", NOW, { revokePrevious: false })).toEqual({
      generate: [{ alg: "ES256", status: "next" }],
      update: [
        { kid: "cur", status: "retired", retiredAt: NOW, expiresAt: NOW + RETIRED_KEY_RETENTION },
        { kid: "nxt", status: "current", activatedAt: NOW },
      ],
      remove: [],
    });
    expect(RETIRED_KEY_RETENTION).toBeGreaterThan(DAY);
  });

  it("drops the current key from publication at once when revoking", () => {
    const plan = planRotation(keys, "ES256", NOW, { revokePrevious: true });
    expect(plan.remove).toEqual(["cur"]);
    expect(plan.update).toEqual([{ kid: "nxt", status: "current", activatedAt: NOW }]);
  });

  it("generates a current key when there was no next one", () => {
    const plan = planRotation([keys[0]!], "ES256", NOW, { revokePrevious: false });
    expect(plan.generate).toEqual([
      { alg: "ES256", status: "current" },
      { alg: "ES256", status: "next" },
    ]);
  });
});

describe("planMaintenance", () => {
  it("rotates a key older than the rotation period once the next key is published long enough", () => {
    const old = [
      key("cur", "current", { activatedAt: NOW - 91 * DAY }),
      key("nxt", "next", { createdAt: NOW - 91 * DAY }),
    ];
    const plan = planMaintenance(old, NOW, 90);
    expect(plan.update.map((u) => [u.kid, u.status])).toEqual([
      ["cur", "retired"],
      ["nxt", "current"],
    ]);
    expect(plan.generate).toEqual([{ alg: "ES256", status: "next" }]);
  });

  it("waits while the next key is too fresh for relying parties to have fetched it", () => {
    const fresh = [
      key("cur", "current", { activatedAt: NOW - 91 * DAY }),
      key("nxt", "next", { createdAt: NOW - NEXT_KEY_MIN_PUBLISHED + 60 }),
    ];
    expect(planMaintenance(fresh, NOW, 90)).toEqual({ generate: [], update: [], remove: [] });
  });

  it("leaves young keys alone and removes retired keys past their expiry only", () => {
    const keys = [
      key("cur", "current", { activatedAt: NOW - 10 * DAY }),
      key("nxt", "next"),
      key("gone", "retired", { expiresAt: NOW - 1 }),
      key("kept", "retired", { expiresAt: NOW + 1 }),
    ];
    expect(planMaintenance(keys, NOW, 90)).toEqual({ generate: [], update: [], remove: ["gone"] });
  });

  it("generates nothing for a tenant that never signed", () => {
    expect(planMaintenance([], NOW, 90)).toEqual({ generate: [], update: [], remove: [] });
  });
});

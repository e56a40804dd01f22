import { describe, expect, it } from "vitest";
import { call, operatorToken } from "../helpers";
import { api, decodeJwt, expectProblem, expectStatus, managementClient, newTenant } from "./fixtures";

interface Key {
  kid: string;
  alg: string;
  status: "next" | "current" | "retired";
  activated_at: string | null;
  retired_at: string | null;
  expires_at: string | null;
  public_jwk: Record<string, unknown>;
}

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

async function jwksKids(slug: string): Promise<string[]> {
  const response = await call("GET", `/t/${slug}/jwks`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
}

describe("signing keys", () => {
  it("lists a tenant's keys once it signs: a current and a next key, public parts only", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const before = await api("listSigningKeys", { tenant: "acme" }, { token });
    expectStatus(before, 200);

    const manager = await managementClient(token, "acme", "keys:read");
    const listed = await api<{ data: Key[] }>("listSigningKeys", { tenant: "acme" }, { token: manager.token });
    expectStatus(listed, 200);
    const keys = listed.body.data;
    expect(keys.map((k) => [k.alg, k.status]).sort()).toEqual([
      ["ES256", "current"],
      ["ES256", "next"],
    ]);
    expect(keys.length).toBeGreaterThanOrEqual(before.body.data.length);
    const current = keys.find((k) => k.status === "current")!;
    expect(current.activated_at).not.toBeNull();
    expect(current.retired_at).toBeNull();
    // The management token of the tenant was signed with its current key.
    expect(decodeJwt(manager.token).header.kid).toBe(current.kid);
    for (const key of keys) {
      expect(key.public_jwk.kid).toBe(key.kid);
      for (const member of PRIVATE_MEMBERS)
        expect(key.public_jwk, `${key.kid} leaks '${member}'`).not.toHaveProperty(member);
    }
    expect(listed.text).not.toMatch(/private|sealed|encrypted/i);
    expect((await jwksKids("acme")).sort()).toEqual(keys.map((k) => k.kid).sort());
  });

  it("rotates: next signs, current retires but stays published, a new next appears", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const manager = await managementClient(token, "acme", "keys:read keys:write");
    const before = (await api<{ data: Key[] }>("listSigningKeys", { tenant: "acme" }, { token })).body.data;
    const oldCurrent = before.find((k) => k.status === "current")!;
    const oldNext = before.find((k) => k.status === "next")!;

    const rotated = await api<{ data: Key[] }>(
      "rotateSigningKeys",
      { tenant: "acme" },
      { token: manager.token, body: { force: true } },
    );
    expectStatus(rotated, 200);
    const after = rotated.body.data;
    expect(after).toHaveLength(3);
    const byKid = new Map(after.map((k) => [k.kid, k]));
    expect(byKid.get(oldNext.kid)?.status).toBe("current");
    expect(byKid.get(oldCurrent.kid)?.status).toBe("retired");
    expect(byKid.get(oldCurrent.kid)?.retired_at).not.toBeNull();
    const retiredUntil = Date.parse(byKid.get(oldCurrent.kid)!.expires_at!);
    expect(retiredUntil).toBeGreaterThan(Date.now() + 24 * 3600 * 1000 - 60_000);
    const newNext = after.find((k) => k.status === "next")!;
    expect([oldCurrent.kid, oldNext.kid]).not.toContain(newNext.kid);
    expect((await api("listSigningKeys", { tenant: "acme" }, { token })).body).toEqual(rotated.body);

    // Tokens signed before the rotation still verify; new ones use the promoted key.
    expectStatus(await api("listSigningKeys", { tenant: "acme" }, { token: manager.token }), 200);
    expect((await jwksKids("acme")).sort()).toEqual([oldCurrent.kid, oldNext.kid, newNext.kid].sort());
    const fresh = await managementClient(token, "acme", "keys:read");
    expect(decodeJwt(fresh.token).header.kid).toBe(oldNext.kid);

    const events = await api("listAuditEvents", { tenant: "acme" }, { token, query: { type: "signing_keys.rotated" } });
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0]).toMatchObject({ actor_type: "client", actor_id: manager.clientId });
    expect(events.body.data[0].details).toMatchObject({ algs: ["ES256"], revoke_previous: false });
  });

  it("rotating with revoke_previous unpublishes the old key: its tokens stop verifying", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const manager = await managementClient(token, "acme", "keys:read keys:write");
    const signedBy = decodeJwt(manager.token).header.kid;
    const rotated = await api<{ data: Key[] }>(
      "rotateSigningKeys",
      { tenant: "acme" },
      {
        token,
        body: { revoke_previous: true, force: true },
      },
    );
    expectStatus(rotated, 200);
    expect(rotated.body.data.map((k) => k.kid)).not.toContain(signedBy);
    expect(rotated.body.data.map((k) => k.status).sort()).toEqual(["current", "next"]);
    expect(await jwksKids("acme")).not.toContain(signedBy);
    const refused = await api("listSigningKeys", { tenant: "acme" }, { token: manager.token });
    expectProblem(refused, "unauthorized");
    // A new token, signed by the new current key, works.
    const fresh = await managementClient(token, "acme", "keys:read");
    expectStatus(await api("listSigningKeys", { tenant: "acme" }, { token: fresh.token }), 200);
  });

  it("rotates one algorithm only when asked", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await managementClient(token, "acme", "keys:read");
    const es256 = (await api<{ data: Key[] }>("listSigningKeys", { tenant: "acme" }, { token })).body.data;
    const rotated = await api<{ data: Key[] }>(
      "rotateSigningKeys",
      { tenant: "acme" },
      { token, body: { alg: "RS256" } },
    );
    expectStatus(rotated, 200);
    const rs256 = rotated.body.data.filter((k) => k.alg === "RS256");
    expect(rs256.map((k) => k.status).sort()).toEqual(["current", "next"]);
    for (const key of rs256) {
      expect(key.public_jwk.kty).toBe("RSA");
      for (const member of PRIVATE_MEMBERS) expect(key.public_jwk).not.toHaveProperty(member);
    }
    // The ES256 keys are untouched.
    expect(rotated.body.data.filter((k) => k.alg === "ES256")).toEqual(es256);
  });

  it("rotates a tenant that has never signed", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const rotated = await api<{ data: Key[] }>("rotateSigningKeys", { tenant: "acme" }, { token });
    expectStatus(rotated, 200);
    expect(rotated.body.data.map((k) => `${k.alg}:${k.status}`).sort()).toEqual(["ES256:current", "ES256:next"]);
  });

  it("refuses invalid rotation requests", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const cases: [unknown, string][] = [
      [{ alg: "HS256" }, "#/alg"],
      [{ alg: "es256" }, "#/alg"],
      [{ revoke_previous: "yes" }, "#/revoke_previous"],
      [{ kid: "x" }, "#/kid"],
    ];
    for (const [body, pointer] of cases) {
      expectProblem(await api("rotateSigningKeys", { tenant: "acme" }, { token, body }), "validation-failed", {
        pointer,
      });
    }
    expect((await api("listSigningKeys", { tenant: "acme" }, { token })).body.data).toEqual([]);
  });
});

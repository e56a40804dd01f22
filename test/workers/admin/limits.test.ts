// Inputs at and past the edges: D1's 100-parameter limit, reserved names, malformed
// imported hashes and hostile token issuers. None may give a 500.
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { BASE, call, json, operatorToken } from "../helpers";
import { api, expectProblem, expectStatus, newClient, newResource, newTenant, newUser } from "./fixtures";

describe("D1 parameter limits", () => {
  it("assigns 50 roles at once and lists 100 roles with their permissions", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newResource(token, "acme", {
      identifier: "https://api.acme.test",
      scopes: Array.from({ length: 100 }, (_, i) => ({ value: `scope:${i}` })),
    });
    const roleIds: string[] = [];
    for (let i = 0; i < 101; i++) {
      const role = await api(
        "createRole",
        { tenant: "acme" },
        {
          token,
          body: { name: `role-${i}`, permissions: [{ resource: "https://api.acme.test", scope: `scope:${i % 100}` }] },
        },
      );
      expectStatus(role, 201);
      roleIds.push(role.body.id);
    }
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    const assigned = await api(
      "assignUserRoles",
      { tenant: "acme", user_id: user.id },
      {
        token,
        body: { roles: roleIds.slice(0, 50) },
      },
    );
    expectStatus(assigned, 200);
    expect(assigned.body.data).toHaveLength(50);

    const page = await api("listRoles", { tenant: "acme" }, { token, query: { limit: 100 } });
    expectStatus(page, 200);
    expect(page.body.data).toHaveLength(100);
    expect(page.body.next_cursor).not.toBeNull();
    expect(page.body.data.every((role: { permissions: unknown[] }) => role.permissions.length === 1)).toBe(true);
  });

  it("updates a resource with 100 scopes, dropping the removed ones from roles", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const scopes = Array.from({ length: 100 }, (_, i) => ({ value: `s${i}` }));
    const resource = await newResource(token, "acme", { identifier: "https://api.acme.test", scopes });
    const role = await api(
      "createRole",
      { tenant: "acme" },
      {
        token,
        body: {
          name: "wide",
          permissions: scopes.map((s) => ({ resource: "https://api.acme.test", scope: s.value })),
        },
      },
    );
    expectStatus(role, 201);
    const kept = [...scopes.slice(1), { value: "s100" }];
    const updated = await api(
      "updateResource",
      { tenant: "acme", resource_id: resource.id },
      { token, body: { scopes: kept } },
    );
    expectStatus(updated, 200);
    const after = await api("getRole", { tenant: "acme", role_id: role.body.id }, { token });
    expect(after.body.permissions).toHaveLength(99);
    expect(after.body.permissions.some((p: { scope: string }) => p.scope === "s0")).toBe(false);
  });
});

describe("reserved names", () => {
  it("keeps management scope names for the management API", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const refused = await api(
      "createResource",
      { tenant: "acme" },
      {
        token,
        body: {
          identifier: "https://api.acme.test",
          name: "API",
          scopes: [{ value: "read" }, { value: "users:read" }],
        },
      },
    );
    expectProblem(refused, "validation-failed", { pointer: "#/scopes/1/value" });
  });

  it("keeps Latchkey's id prefixes and the account page's client id out of client_ids", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    for (const clientId of ["usr_01HZZZ", "ten_abc", "USR_x1", "latchkey-account", "Latchkey-Account"]) {
      const refused = await api(
        "createClient",
        { tenant: "acme" },
        {
          token,
          body: { client_id: clientId, grant_types: ["client_credentials"] },
        },
      );
      expectProblem(refused, "validation-failed", { pointer: "#/client_id" });
    }
    expect(
      (await newClient(token, "acme", { client_id: "user-sync", grant_types: ["client_credentials"] })).client_id,
    ).toBe("user-sync");
  });
});

describe("hostile input", () => {
  it("answers an imported hash with undecodable base64 with a validation problem", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const refused = await api(
      "createUser",
      { tenant: "acme" },
      {
        token,
        body: { email: "ana@example.com", password_hash: "$pbkdf2-sha256$i=1000$AAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA" },
      },
    );
    expectProblem(refused, "validation-failed", { pointer: "#/password_hash" });
  });

  it("answers a token whose issuer names an impossible tenant with 401, not 500", async () => {
    const key = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const forged = await new SignJWT({ client_id: "x", scope: "tenants:read" })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt" })
      .setIssuer(`${BASE}/t/${"a".repeat(600)}`)
      .setAudience("urn:latchkey:management")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign((key as CryptoKeyPair).privateKey);
    const response = await call("GET", "/admin/v1/tenants", { token: forged });
    expect(response.status).toBe(401);
    expect((await json(response)).type).toContain("problem-unauthorized");
  });
});

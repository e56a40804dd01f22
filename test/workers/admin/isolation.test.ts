// Tenant isolation of the management API: a tenant's own management clients reach that
// tenant only, never tenants:*, and cannot hand out more than they hold. The registry of
// routes is iterated, so a route added later is covered without touching this file.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { managementRoutes } from "../../../src/admin/index";
import { MANAGEMENT_SCOPES } from "../../../src/admin/management-resource";
import { operatorToken } from "../helpers";
import {
  accessToken,
  api,
  clientCredentials,
  expectProblem,
  expectStatus,
  fillParams,
  managementClient,
  MANAGEMENT_AUDIENCE,
  newClient,
  newTenant,
  pathParamsOf,
  populate,
  sampleBody,
  tenantScopes,
} from "./fixtures";

const A = "tenant-a";
const B = "tenant-b";

async function twoTenants() {
  const operator = await operatorToken();
  await newTenant(operator, A);
  await newTenant(operator, B);
  const a = await populate(operator, A);
  const b = await populate(operator, B);
  const manager = await managementClient(operator, A);
  return { operator, a, b, manager };
}

/** What the operator sees of tenant B: everything a cross-tenant call could have changed. */
async function snapshot(operator: string, params: Record<string, string>) {
  const tenant = params.tenant!;
  const get = async (operationId: string, p: Record<string, string>) => {
    const result = await api(operationId, p, { token: operator });
    expectStatus(result, 200);
    return result.body;
  };
  const events = await get("listAuditEvents", { tenant });
  return {
    tenant: await get("getTenant", { tenant }),
    users: await get("listUsers", { tenant }),
    userRoles: await get("listUserRoles", { tenant, user_id: params.user_id! }),
    clients: await get("listClients", { tenant }),
    secrets: await get("listClientSecrets", { tenant, client_id: params.client_id! }),
    resources: await get("listResources", { tenant }),
    roles: await get("listRoles", { tenant }),
    keys: await get("listSigningKeys", { tenant }),
    events: events.data.map((e: { id: string }) => e.id),
  };
}

describe("tenant isolation", () => {
  it("a tenant's management client holds every tenant-level scope and no tenants:* scope", async () => {
    const { manager } = await twoTenants();
    const held = manager.scope.split(" ").sort();
    expect(held).toEqual(tenantScopes(A).sort());
    expect(held).toEqual(
      Object.keys(MANAGEMENT_SCOPES)
        .filter((s) => !s.startsWith("tenants:"))
        .sort(),
    );
  });

  it("a tenant's management client is refused on every route of another tenant", async () => {
    const { operator, b, manager } = await twoTenants();
    const held = new Set(manager.scope.split(" "));
    const before = await snapshot(operator, b.params);
    let called = 0;
    for (const route of managementRoutes) {
      const params = fillParams(route, b.params);
      const result = await api(route.operationId, params, { token: manager.token, body: sampleBody(route) });
      const label = `${route.method.toUpperCase()} ${route.path}: ${result.text}`;
      expect(result.status, label).toBe(403);
      expectProblem(result, held.has(route.scope) ? "forbidden-tenant" : "insufficient-scope");
      called++;
    }
    expect(called).toBe(managementRoutes.length);
    // Nothing in tenant B changed, and nothing was done there in A's client's name.
    const after = await snapshot(operator, b.params);
    expect(after).toEqual(before);
    expect(
      (await clientCredentials(B, b.client.client_id, b.client.client_secret, { resource: b.resource.identifier }))
        .status,
    ).toBe(200);
  });

  it("does not tell a tenant that exists from one that does not", async () => {
    const { manager } = await twoTenants();
    const existing = await api("listUsers", { tenant: B }, { token: manager.token });
    const missing = await api("listUsers", { tenant: "no-such-tenant" }, { token: manager.token });
    expectProblem(existing, "forbidden-tenant");
    expectProblem(missing, "forbidden-tenant");
    expect(missing.body.detail).toBe(existing.body.detail);
  });

  it("the same token manages its own tenant", async () => {
    const { a, manager } = await twoTenants();
    const token = manager.token;
    const ok = (result: { status: number; text: string }, status = 200) =>
      expect(result.status, result.text).toBe(status);
    ok(await api("listUsers", { tenant: A }, { token }));
    const user = await api("createUser", { tenant: A }, { token, body: { email: "new@example.com" } });
    ok(user, 201);
    ok(await api("getUser", { tenant: A, user_id: a.user.id }, { token }));
    ok(await api("updateUser", { tenant: A, user_id: user.body.id }, { token, body: { blocked: true } }));
    ok(await api("assignUserRoles", { tenant: A, user_id: user.body.id }, { token, body: { roles: [a.role.id] } }));
    ok(await api("listClients", { tenant: A }, { token }));
    ok(
      await api(
        "createClient",
        { tenant: A },
        { token, body: { grant_types: ["client_credentials"], scope: "users:read" } },
      ),
      201,
    );
    ok(await api("rotateClientSecret", { tenant: A, client_id: a.client.client_id }, { token }), 201);
    ok(await api("listResources", { tenant: A }, { token }));
    ok(await api("createRole", { tenant: A }, { token, body: { name: "auditor" } }), 201);
    ok(await api("listSigningKeys", { tenant: A }, { token }));
    ok(await api("rotateSigningKeys", { tenant: A }, { token, body: { force: true } }));
    ok(await api("deleteUser", { tenant: A, user_id: user.body.id }, { token }), 204);
    const events = await api("listAuditEvents", { tenant: A }, { token, query: { type: "user.deleted" } });
    ok(events);
    expect(events.body.data[0].actor_id).toBe(manager.clientId);
  });

  it("tenant-scoped clients cannot use tenants:* routes at all, not even on their own tenant", async () => {
    const { operator, manager } = await twoTenants();
    const tenantRoutes = managementRoutes.filter((r) => r.scope.startsWith("tenants:"));
    expect(tenantRoutes.length).toBeGreaterThan(0);
    for (const route of tenantRoutes) {
      const result = await api(route.operationId, fillParams(route, { tenant: A }), {
        token: manager.token,
        body: sampleBody(route),
      });
      expectProblem(result, "insufficient-scope");
    }
    // The token endpoint refuses to issue them…
    for (const scope of ["tenants:read", "tenants:write"]) {
      const asked = await clientCredentials(A, manager.clientId, manager.secret, {
        resource: MANAGEMENT_AUDIENCE,
        scope,
      });
      expect(asked.status).toBe(400);
      expect(((await asked.json()) as { error: string }).error).toBe("invalid_scope");
    }
    // …even to a client whose stored scope names them (written behind the API's back).
    const write = await env.DB.prepare("UPDATE clients SET scope = ? WHERE client_id = ?")
      .bind(`${manager.scope} tenants:read tenants:write`, manager.clientId)
      .run();
    expect(write.meta.changes).toBe(1);
    const forced = await clientCredentials(A, manager.clientId, manager.secret, {
      resource: MANAGEMENT_AUDIENCE,
      scope: "tenants:read",
    });
    expect(forced.status).toBe(400);
    const all = await accessToken(A, manager.clientId, manager.secret, { resource: MANAGEMENT_AUDIENCE });
    expect(all.scope.split(" ")).not.toContain("tenants:read");
    expectProblem(await api("getTenant", { tenant: A }, { token: all.access_token }), "insufficient-scope");
    expectProblem(await api("deleteTenant", { tenant: A }, { token: all.access_token }), "insufficient-scope");
    expectStatus(await api("getTenant", { tenant: A }, { token: operator }), 200);
  });

  it("a tenant's path never reaches another tenant's records, whatever the token", async () => {
    const { operator, b, manager } = await twoTenants();
    const routes = managementRoutes.filter((r) => pathParamsOf(r).some((p) => p !== "tenant"));
    expect(routes.length).toBeGreaterThan(0);
    const before = await snapshot(operator, b.params);
    for (const route of routes) {
      // Tenant A in the path, tenant B's record ids in the rest of it.
      const params = fillParams(route, { ...b.params, tenant: A });
      for (const token of [operator, manager.token]) {
        const result = await api(route.operationId, params, { token, body: sampleBody(route) });
        expect(result.status, `${route.operationId}: ${result.text}`).toBe(404);
        expectProblem(result, "not-found");
      }
    }
    expect(await snapshot(operator, b.params)).toEqual(before);
  });

  describe("scopes a caller can hand out", () => {
    it("a client cannot be given a management scope the caller lacks (403 naming #/scope)", async () => {
      const operator = await operatorToken();
      await newTenant(operator, A);
      const manager = await managementClient(operator, A, "clients:read clients:write users:read");

      const create = await api(
        "createClient",
        { tenant: A },
        {
          token: manager.token,
          body: { grant_types: ["client_credentials"], scope: "users:read users:write" },
        },
      );
      expectProblem(create, "insufficient-scope", { pointer: "#/scope" });
      expect((await api("listClients", { tenant: A }, { token: operator })).body.data).toHaveLength(1);
      // Scopes it holds, and scopes that are not management scopes, are fine.
      const allowed = await newClient(manager.token, A, {
        grant_types: ["client_credentials"],
        scope: "users:read custom:thing",
      });

      // Updates: a newly added scope must be held.
      const raise = await api(
        "updateClient",
        { tenant: A, client_id: allowed.client_id },
        {
          token: manager.token,
          body: { scope: "users:read roles:write" },
        },
      );
      expectProblem(raise, "insufficient-scope", { pointer: "#/scope" });
      expect(
        (await api("getClient", { tenant: A, client_id: allowed.client_id }, { token: operator })).body.scope,
      ).toBe("users:read custom:thing");
      // A client holding a management scope the caller lacks cannot be changed at all:
      // changing it could hand over its credentials.
      const auditor = await newClient(operator, A, { grant_types: ["client_credentials"], scope: "audit:read" });
      const rename = await api(
        "updateClient",
        { tenant: A, client_id: auditor.client_id },
        {
          token: manager.token,
          body: { client_name: "Auditor" },
        },
      );
      expectProblem(rename, "insufficient-scope");
      expect(
        (await api("getClient", { tenant: A, client_id: auditor.client_id }, { token: operator })).body.client_name,
      ).toBeNull();

      // The same holds for an operator whose token was narrowed.
      const narrowOperator = await operatorToken("clients:write");
      const narrow = await api(
        "createClient",
        { tenant: A },
        {
          token: narrowOperator,
          body: { grant_types: ["client_credentials"], scope: "users:read" },
        },
      );
      expectProblem(narrow, "insufficient-scope", { pointer: "#/scope" });
    });

    it("a client of a tenant cannot be given tenants:* (422 naming #/scope), even by an operator", async () => {
      const operator = await operatorToken();
      await newTenant(operator, A);
      const manager = await managementClient(operator, A);
      for (const token of [operator, manager.token]) {
        for (const scope of ["tenants:read", "users:read tenants:write"]) {
          const result = await api(
            "createClient",
            { tenant: A },
            { token, body: { grant_types: ["client_credentials"], scope } },
          );
          expectProblem(result, "validation-failed", { pointer: "#/scope" });
        }
        const update = await api(
          "updateClient",
          { tenant: A, client_id: manager.clientId },
          { token, body: { scope: `${manager.scope} tenants:read` } },
        );
        expectProblem(update, "validation-failed", { pointer: "#/scope" });
      }
      // In the system tenant, an operator may make another operator.
      const second = await newClient(operator, "system", {
        grant_types: ["client_credentials"],
        scope: "tenants:read",
      });
      const issued = await accessToken("system", second.client_id, second.client_secret);
      expect(issued.scope).toBe("tenants:read");
      expectStatus(await api("listTenants", {}, { token: issued.access_token }), 200);
    });

    // A clients:write caller must not get the credentials of a client holding management
    // scopes it lacks: that would be minting a more powerful client by another route.
    it("a caller cannot take over a more powerful client by rotating its secret", async () => {
      const operator = await operatorToken();
      await newTenant(operator, A);
      const powerful = await newClient(operator, A, {
        grant_types: ["client_credentials"],
        scope: "users:read users:write",
      });
      const manager = await managementClient(operator, A, "clients:read clients:write");
      const rotated = await api(
        "rotateClientSecret",
        { tenant: A, client_id: powerful.client_id },
        { token: manager.token },
      );
      if (rotated.status === 201) {
        const stolen = await accessToken(A, powerful.client_id, rotated.body.client_secret, {
          resource: MANAGEMENT_AUDIENCE,
        });
        expect(stolen.scope.split(" "), "a clients:write-only caller obtained a users:write token").not.toContain(
          "users:write",
        );
      }
      expectProblem(rotated, "insufficient-scope");
    });

    it("a caller cannot take over a more powerful client by switching its authentication method", async () => {
      const operator = await operatorToken();
      await newTenant(operator, A);
      const powerful = await newClient(operator, A, {
        grant_types: ["client_credentials"],
        scope: "users:read users:write",
      });
      const manager = await managementClient(operator, A, "clients:read clients:write");
      const away = await api(
        "updateClient",
        { tenant: A, client_id: powerful.client_id },
        {
          token: manager.token,
          body: { token_endpoint_auth_method: "private_key_jwt", jwks_uri: "https://keys.example.com/jwks" },
        },
      );
      const back = await api(
        "updateClient",
        { tenant: A, client_id: powerful.client_id },
        {
          token: manager.token,
          body: { token_endpoint_auth_method: "client_secret_basic", jwks_uri: null },
        },
      );
      if (back.status === 200 && back.body.client_secret) {
        const stolen = await accessToken(A, powerful.client_id, back.body.client_secret, {
          resource: MANAGEMENT_AUDIENCE,
        });
        expect(stolen.scope.split(" "), "a clients:write-only caller obtained a users:write token").not.toContain(
          "users:write",
        );
      }
      expectProblem(away.status === 403 ? away : back, "insufficient-scope");
    });
  });
});

import { describe, expect, it } from "vitest";
import { operatorToken } from "../helpers";
import {
  accessToken,
  api,
  clientCredentials,
  decodeJwt,
  expectProblem,
  expectStatus,
  MANAGEMENT_AUDIENCE,
  newClient,
  newResource,
  newRole,
  newTenant,
  newUser,
} from "./fixtures";

describe("API resources", () => {
  it("creates a resource with defaults, gets and lists it", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const created = await api(
      "createResource",
      { tenant: "acme" },
      {
        token,
        body: { identifier: "https://api.acme.test", name: "  Orders API " },
      },
    );
    expectStatus(created, 201);
    expect(created.body).toMatchObject({
      identifier: "https://api.acme.test",
      name: "Orders API",
      scopes: [],
      access_token_ttl: null,
      signing_alg: "ES256",
    });
    expect(created.body.id).toMatch(/^res_/);
    expect(created.headers.get("Location")).toBe(`/admin/v1/tenants/acme/resources/${created.body.id}`);
    const fetched = await api("getResource", { tenant: "acme", resource_id: created.body.id }, { token });
    expectStatus(fetched, 200);
    expect(fetched.body).toEqual(created.body);
    const listed = await api("listResources", { tenant: "acme" }, { token });
    expect(listed.body).toEqual({ data: [created.body], next_cursor: null });
  });

  it("issues tokens for the resource with its lifetime, algorithm and scopes", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newResource(token, "acme", {
      identifier: "urn:acme:orders",
      name: "Orders",
      scopes: [{ value: "orders:read", description: "Read orders" }, { value: "orders:write" }],
      access_token_ttl: 120,
      signing_alg: "RS256",
    });
    const client = await newClient(token, "acme", {
      grant_types: ["client_credentials"],
      scope: "orders:read orders:write other",
    });
    const issued = await accessToken("acme", client.client_id, client.client_secret, { resource: "urn:acme:orders" });
    expect(issued.expires_in).toBe(120);
    expect(issued.scope).toBe("orders:read orders:write");
    const { header, payload } = decodeJwt(issued.access_token);
    expect(header.alg).toBe("RS256");
    expect(payload.aud).toBe("urn:acme:orders");
  });

  it("lists resources a page at a time", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await newResource(token, "acme", { identifier: `https://api${i}.acme.test` })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api(
        "listResources",
        { tenant: "acme" },
        { token, query: { limit: 2, ...(cursor ? { cursor } : {}) } },
      );
      expectStatus(page, 200);
      seen.push(...page.body.data.map((r: { id: string }) => r.id));
      cursor = page.body.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].sort());
  });

  it("updates name, lifetime and algorithm; the identifier cannot change", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const resource = await newResource(token, "acme");
    const updated = await api(
      "updateResource",
      { tenant: "acme", resource_id: resource.id },
      {
        token,
        body: { name: "Renamed", access_token_ttl: 600, signing_alg: "RS256" },
      },
    );
    expectStatus(updated, 200);
    expect(updated.body).toMatchObject({
      id: resource.id,
      identifier: resource.identifier,
      name: "Renamed",
      scopes: resource.scopes,
      access_token_ttl: 600,
      signing_alg: "RS256",
      created_at: resource.created_at,
    });
    const cleared = await api(
      "updateResource",
      { tenant: "acme", resource_id: resource.id },
      { token, body: { access_token_ttl: null } },
    );
    expect(cleared.body.access_token_ttl).toBeNull();
    const identifier = await api(
      "updateResource",
      { tenant: "acme", resource_id: resource.id },
      {
        token,
        body: { identifier: "https://other.acme.test" },
      },
    );
    expectProblem(identifier, "validation-failed", { pointer: "#/identifier" });
    expect((await api("getResource", { tenant: "acme", resource_id: resource.id }, { token })).body.identifier).toBe(
      resource.identifier,
    );
  });

  it("removing a scope removes it from every role and from what clients get", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const resource = await newResource(token, "acme", {
      scopes: [{ value: "read" }, { value: "write" }, { value: "admin" }],
    });
    const other = await newResource(token, "acme", {
      identifier: "https://other.acme.test",
      scopes: [{ value: "write" }],
    });
    const role = await newRole(token, "acme", {
      name: "editor",
      permissions: [
        { resource: resource.identifier, scope: "read" },
        { resource: resource.identifier, scope: "write" },
        { resource: other.identifier, scope: "write" },
      ],
    });
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    await api("assignUserRoles", { tenant: "acme", user_id: user.id }, { token, body: { roles: [role.id] } });
    const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read write" });
    expect(
      (await accessToken("acme", client.client_id, client.client_secret, { resource: resource.identifier })).scope,
    ).toBe("read write");

    const updated = await api(
      "updateResource",
      { tenant: "acme", resource_id: resource.id },
      {
        token,
        body: { scopes: [{ value: "read" }, { value: "admin", description: "Administer" }] },
      },
    );
    expectStatus(updated, 200);
    expect(updated.body.scopes).toEqual([{ value: "read" }, { value: "admin", description: "Administer" }]);

    // Sorted by resource identifier, then scope.
    const expected = [
      { resource: resource.identifier, scope: "read" },
      { resource: other.identifier, scope: "write" },
    ];
    const fetchedRole = await api("getRole", { tenant: "acme", role_id: role.id }, { token });
    expect(fetchedRole.body.permissions).toEqual(expected);
    const userRoles = await api("listUserRoles", { tenant: "acme", user_id: user.id }, { token });
    expect(userRoles.body.data[0].permissions).toEqual(expected);

    // The token endpoint no longer grants it.
    expect(
      (await accessToken("acme", client.client_id, client.client_secret, { resource: resource.identifier })).scope,
    ).toBe("read");
    const asked = await clientCredentials("acme", client.client_id, client.client_secret, {
      resource: resource.identifier,
      scope: "write",
    });
    expect(asked.status).toBe(400);
    expect(((await asked.json()) as { error: string }).error).toBe("invalid_scope");

    // An empty list removes every permission on the resource.
    await api("updateResource", { tenant: "acme", resource_id: resource.id }, { token, body: { scopes: [] } });
    expect((await api("getRole", { tenant: "acme", role_id: role.id }, { token })).body.permissions).toEqual([
      { resource: other.identifier, scope: "write" },
    ]);
  });

  it("deletes a resource: roles lose its permissions, the tenant loses it as default", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const resource = await newResource(token, "acme");
    const keep = await newResource(token, "acme", {
      identifier: "https://keep.acme.test",
      scopes: [{ value: "read" }],
    });
    const role = await newRole(token, "acme", {
      name: "reader",
      permissions: [
        { resource: resource.identifier, scope: "read" },
        { resource: keep.identifier, scope: "read" },
      ],
    });
    const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
    expectStatus(
      await api("updateTenant", { tenant: "acme" }, { token, body: { default_resource: resource.identifier } }),
      200,
    );
    // The default is in use (and cached) before the deletion.
    expect(
      decodeJwt((await accessToken("acme", client.client_id, client.client_secret)).access_token).payload.aud,
    ).toBe(resource.identifier);

    expectStatus(await api("deleteResource", { tenant: "acme", resource_id: resource.id }, { token }), 204);
    expectProblem(await api("getResource", { tenant: "acme", resource_id: resource.id }, { token }), "not-found");
    expectProblem(await api("deleteResource", { tenant: "acme", resource_id: resource.id }, { token }), "not-found");
    expect((await api("getTenant", { tenant: "acme" }, { token })).body.default_resource).toBeNull();
    expect((await api("getRole", { tenant: "acme", role_id: role.id }, { token })).body.permissions).toEqual([
      { resource: keep.identifier, scope: "read" },
    ]);
    const noDefault = await clientCredentials("acme", client.client_id, client.client_secret);
    expect(noDefault.status).toBe(400);
    expect(((await noDefault.json()) as { error: string }).error).toBe("invalid_target");
    const gone = await clientCredentials("acme", client.client_id, client.client_secret, {
      resource: resource.identifier,
    });
    expect(gone.status).toBe(400);
    // The identifier is free again.
    await newResource(token, "acme");
  });

  it("deleting a resource that is not the default leaves the default alone", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const main = await newResource(token, "acme");
    const side = await newResource(token, "acme", { identifier: "https://side.acme.test" });
    await api("updateTenant", { tenant: "acme" }, { token, body: { default_resource: main.identifier } });
    expectStatus(await api("deleteResource", { tenant: "acme", resource_id: side.id }, { token }), 204);
    expect((await api("getTenant", { tenant: "acme" }, { token })).body.default_resource).toBe(main.identifier);
  });

  it("refuses a duplicate identifier with 409, within a tenant only", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newTenant(token, "globex");
    await newResource(token, "acme");
    const duplicate = await api(
      "createResource",
      { tenant: "acme" },
      {
        token,
        body: { identifier: "https://api.example.test", name: "Again" },
      },
    );
    expectProblem(duplicate, "conflict", { pointer: "#/identifier" });
    await newResource(token, "globex");
    expect((await api("listResources", { tenant: "acme" }, { token })).body.data).toHaveLength(1);
  });

  it("refuses invalid resources, naming each field", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const base = { identifier: "https://api.acme.test", name: "API" };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, identifier: MANAGEMENT_AUDIENCE }, "#/identifier"],
      [{ ...base, identifier: "https://api.acme.test/#section" }, "#/identifier"],
      [{ ...base, identifier: "/relative/path" }, "#/identifier"],
      [{ ...base, identifier: "api.acme.test" }, "#/identifier"],
      [{ ...base, identifier: `https://api.acme.test/${"x".repeat(520)}` }, "#/identifier"],
      [{ name: "API" }, "#/identifier"],
      [{ identifier: "https://api.acme.test" }, "#/name"],
      [{ ...base, name: " " }, "#/name"],
      [{ ...base, scopes: [{ value: "read" }, { value: "read" }] }, "#/scopes/1/value"],
      [{ ...base, scopes: [{ value: "has space" }] }, "#/scopes/0/value"],
      [{ ...base, scopes: [{ value: 'quote"d' }] }, "#/scopes/0/value"],
      [{ ...base, scopes: [{ value: "" }] }, "#/scopes/0/value"],
      [{ ...base, scopes: [{ value: 1 }] }, "#/scopes/0/value"],
      [{ ...base, scopes: [{ value: "read", extra: true }] }, "#/scopes/0/extra"],
      [{ ...base, scopes: ["read"] }, "#/scopes/0"],
      [{ ...base, scopes: Array.from({ length: 101 }, (_, i) => ({ value: `s${i}` })) }, "#/scopes"],
      [{ ...base, access_token_ttl: 59 }, "#/access_token_ttl"],
      [{ ...base, signing_alg: "HS256" }, "#/signing_alg"],
      [{ ...base, id: "res_chosen" }, "#/id"],
    ];
    for (const [body, pointer] of cases) {
      const result = await api("createResource", { tenant: "acme" }, { token, body });
      expectProblem(result, "validation-failed", { pointer });
    }
    expect((await api("listResources", { tenant: "acme" }, { token })).body.data).toEqual([]);
  });
});

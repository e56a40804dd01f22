import { describe, expect, it } from "vitest";
import { BASE, call, operatorToken } from "../helpers";
import {
  accessToken,
  api,
  clientCredentials,
  decodeJwt,
  expectProblem,
  expectStatus,
  managementClient,
  MANAGEMENT_AUDIENCE,
  newClient,
  newResource,
  newTenant,
  newUser,
} from "./fixtures";

describe("tenants", () => {
  it("creates a tenant with defaults, answers its Location, and serves its issuer", async () => {
    const token = await operatorToken();
    const created = await api("createTenant", {}, { token, body: { slug: "acme" } });
    expectStatus(created, 201);
    expect(created.headers.get("Location")).toBe("/admin/v1/tenants/acme");
    expect(created.body).toMatchObject({
      slug: "acme",
      issuer: `${BASE}/t/acme`,
      display_name: "acme",
      default_resource: null,
    });
    expect(created.body.access_token_ttl).toBeGreaterThanOrEqual(60);
    expect(created.body.signing_key_rotation_days).toBeGreaterThanOrEqual(1);

    const discovery = await call("GET", "/t/acme/.well-known/openid-configuration");
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(created.body.issuer);

    const fetched = await api("getTenant", { tenant: "acme" }, { token });
    expectStatus(fetched, 200);
    expect(fetched.body).toEqual(created.body);
  });

  it("creates a tenant with every setting given", async () => {
    const token = await operatorToken();
    const body = {
      slug: "globex-2",
      display_name: "Globex Corporation",
      default_resource: MANAGEMENT_AUDIENCE,
      access_token_ttl: 600,
      signing_key_rotation_days: 30,
    };
    const created = await api("createTenant", {}, { token, body });
    expectStatus(created, 201);
    expect(created.body).toMatchObject(body);
    expect((await api("getTenant", { tenant: "globex-2" }, { token })).body).toMatchObject(body);
  });

  it("lists tenants a page at a time", async () => {
    const token = await operatorToken();
    for (const slug of ["t-one", "t-two", "t-three", "t-four"]) await newTenant(token, slug);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api("listTenants", {}, { token, query: { limit: 2, ...(cursor ? { cursor } : {}) } });
      expectStatus(page, 200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((t: { slug: string }) => t.slug));
      cursor = page.body.next_cursor ?? undefined;
      pages++;
      if (cursor) expect(page.body.data).toHaveLength(2);
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(["system", "t-one", "t-two", "t-three", "t-four"]));

    const all = await api("listTenants", {}, { token, query: { limit: 5 } });
    expect(all.body.data).toHaveLength(5);
    expect(all.body.next_cursor).toBeNull();
    expect(all.body.data.map((t: { slug: string }) => t.slug)).toEqual(seen);
  });

  it("updates settings, and the token endpoint follows them", async () => {
    const token = await operatorToken();
    const tenant = await newTenant(token, "acme");
    const resource = await newResource(token, "acme", {
      identifier: "https://api.acme.test",
      scopes: [{ value: "read" }],
    });
    const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });

    // No default resource yet: a token request must name one.
    const refused = await clientCredentials("acme", client.client_id, client.client_secret);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe("invalid_target");

    const updated = await api(
      "updateTenant",
      { tenant: "acme" },
      {
        token,
        body: { display_name: "  Acme Inc.  ", default_resource: resource.identifier, access_token_ttl: 120 },
      },
    );
    expectStatus(updated, 200);
    expect(updated.body).toMatchObject({
      slug: "acme",
      display_name: "Acme Inc.",
      default_resource: "https://api.acme.test",
      access_token_ttl: 120,
      signing_key_rotation_days: tenant.signing_key_rotation_days,
      created_at: tenant.created_at,
    });
    expect(Date.parse(updated.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(tenant.updated_at));

    const issued = await accessToken("acme", client.client_id, client.client_secret);
    expect(issued.expires_in).toBe(120);
    expect(decodeJwt(issued.access_token).payload.aud).toBe("https://api.acme.test");

    const cleared = await api("updateTenant", { tenant: "acme" }, { token, body: { default_resource: null } });
    expectStatus(cleared, 200);
    expect(cleared.body.default_resource).toBeNull();
    expect(cleared.body.display_name).toBe("Acme Inc.");
    const again = await clientCredentials("acme", client.client_id, client.client_secret);
    expect(again.status).toBe(400);
  });

  it("refuses a default resource the tenant does not have", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const onUpdate = await api(
      "updateTenant",
      { tenant: "acme" },
      { token, body: { default_resource: "https://api.nowhere.test" } },
    );
    expectProblem(onUpdate, "validation-failed", { pointer: "#/default_resource" });
    const onCreate = await api(
      "createTenant",
      {},
      { token, body: { slug: "other", default_resource: "https://api.nowhere.test" } },
    );
    expectProblem(onCreate, "validation-failed", { pointer: "#/default_resource" });
    expect((await api("getTenant", { tenant: "other" }, { token })).status).toBe(404);
  });

  it("refuses to change the slug", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const result = await api("updateTenant", { tenant: "acme" }, { token, body: { slug: "renamed" } });
    expectProblem(result, "validation-failed", { pointer: "#/slug" });
    expect((await api("getTenant", { tenant: "renamed" }, { token })).status).toBe(404);
  });

  it("deletes a tenant with its whole directory; its tokens stop working", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newUser(token, "acme", { email: "ana@example.com" });
    const manager = await managementClient(token, "acme", "users:read");
    expectStatus(await api("listUsers", { tenant: "acme" }, { token: manager.token }), 200);

    const deleted = await api("deleteTenant", { tenant: "acme" }, { token });
    expectStatus(deleted, 204);
    expectProblem(await api("getTenant", { tenant: "acme" }, { token }), "not-found");
    expectProblem(await api("deleteTenant", { tenant: "acme" }, { token }), "not-found");
    expect((await call("GET", "/t/acme/.well-known/openid-configuration")).status).toBe(404);

    // The tenant's management token was signed by a tenant that no longer exists.
    const stale = await api("listUsers", { tenant: "acme" }, { token: manager.token });
    expectProblem(stale, "unauthorized");

    // A new tenant with the same slug starts empty.
    await newTenant(token, "acme");
    const users = await api("listUsers", { tenant: "acme" }, { token });
    expect(users.body.data).toEqual([]);
    const clients = await api("listClients", { tenant: "acme" }, { token });
    expect(clients.body.data).toEqual([]);
  });

  it("records tenant lifecycle events in the system tenant's audit trail", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await api("updateTenant", { tenant: "acme" }, { token, body: { display_name: "Acme" } });
    await api("deleteTenant", { tenant: "acme" }, { token });
    const events = await api("listAuditEvents", { tenant: "system" }, { token });
    const lifecycle = events.body.data.filter((e: { type: string }) => e.type.startsWith("tenant."));
    expect(lifecycle.map((e: { type: string }) => e.type)).toEqual([
      "tenant.created",
      "tenant.updated",
      "tenant.deleted",
    ]);
    for (const event of lifecycle) {
      expect(event.actor_type).toBe("client");
      expect(event.actor_id).toBe("test-operator");
      expect(event.details.tenant).toBe("acme");
    }
    expect(lifecycle[1].details.fields).toEqual(["display_name"]);
  });

  it("refuses to delete the system tenant", async () => {
    const token = await operatorToken();
    expectProblem(await api("deleteTenant", { tenant: "system" }, { token }), "conflict");
    expectStatus(await api("getTenant", { tenant: "system" }, { token }), 200);
  });

  it("refuses invalid slugs", async () => {
    const token = await operatorToken();
    for (const slug of ["AB", "ab", "Acme", "a_b", "a b", "acme!", "a".repeat(64), "ünicode", "", "a/b"]) {
      const result = await api("createTenant", {}, { token, body: { slug } });
      expectProblem(result, "validation-failed", { pointer: "#/slug" });
    }
    const missing = await api("createTenant", {}, { token, body: {} });
    expectProblem(missing, "validation-failed", { pointer: "#/slug" });
    const list = await api("listTenants", {}, { token });
    expect(list.body.data.map((t: { slug: string }) => t.slug)).toEqual(["system"]);
    // The longest and shortest valid slugs are accepted.
    await newTenant(token, "a".repeat(63));
    await newTenant(token, "a1-");
  });

  it("refuses a duplicate slug with 409 naming the slug", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    expectProblem(await api("createTenant", {}, { token, body: { slug: "acme" } }), "conflict", { pointer: "#/slug" });
    expectProblem(await api("createTenant", {}, { token, body: { slug: "system" } }), "conflict", {
      pointer: "#/slug",
    });
  });

  it("refuses out-of-range and mistyped settings, naming each field", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const cases: [Record<string, unknown>, string][] = [
      [{ access_token_ttl: 59 }, "#/access_token_ttl"],
      [{ access_token_ttl: 86_401 }, "#/access_token_ttl"],
      [{ access_token_ttl: "900" }, "#/access_token_ttl"],
      [{ access_token_ttl: 90.5 }, "#/access_token_ttl"],
      [{ signing_key_rotation_days: 0 }, "#/signing_key_rotation_days"],
      [{ signing_key_rotation_days: 366 }, "#/signing_key_rotation_days"],
      [{ display_name: "   " }, "#/display_name"],
      [{ display_name: "x".repeat(101) }, "#/display_name"],
      [{ display_name: null }, "#/display_name"],
      [{ default_resource: "not a uri" }, "#/default_resource"],
      [{ default_resource: "https://api.acme.test/#frag" }, "#/default_resource"],
    ];
    for (const [body, pointer] of cases) {
      expectProblem(await api("updateTenant", { tenant: "acme" }, { token, body }), "validation-failed", { pointer });
      expectProblem(await api("createTenant", {}, { token, body: { slug: "other", ...body } }), "validation-failed", {
        pointer,
      });
    }
    const unchanged = await api("getTenant", { tenant: "acme" }, { token });
    expect(unchanged.body.display_name).toBe("acme");
  });
});

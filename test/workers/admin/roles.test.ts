import { describe, expect, it } from "vitest";
import { operatorToken } from "../helpers";
import { api, expectProblem, expectStatus, newResource, newRole, newTenant, newUser } from "./fixtures";

async function setup() {
  const token = await operatorToken();
  await newTenant(token, "acme");
  const orders = await newResource(token, "acme", {
    identifier: "https://orders.acme.test",
    scopes: [{ value: "read" }, { value: "write" }],
  });
  const billing = await newResource(token, "acme", {
    identifier: "https://billing.acme.test",
    scopes: [{ value: "pay" }],
  });
  return { token, orders, billing };
}

describe("roles", () => {
  it("creates a role with permissions, gets and lists it", async () => {
    const { token, orders, billing } = await setup();
    const created = await api(
      "createRole",
      { tenant: "acme" },
      {
        token,
        body: {
          name: " Clerk ",
          description: "Front desk",
          permissions: [
            { resource: orders.identifier, scope: "write" },
            { resource: billing.identifier, scope: "pay" },
            { resource: orders.identifier, scope: "read" },
            { resource: orders.identifier, scope: "read" },
          ],
        },
      },
    );
    expectStatus(created, 201);
    expect(created.body.id).toMatch(/^rol_/);
    expect(created.headers.get("Location")).toBe(`/admin/v1/tenants/acme/roles/${created.body.id}`);
    expect(created.body).toMatchObject({
      name: "Clerk",
      description: "Front desk",
      permissions: [
        { resource: billing.identifier, scope: "pay" },
        { resource: orders.identifier, scope: "read" },
        { resource: orders.identifier, scope: "write" },
      ],
    });
    const fetched = await api("getRole", { tenant: "acme", role_id: created.body.id }, { token });
    expectStatus(fetched, 200);
    expect(fetched.body).toEqual(created.body);
    const listed = await api("listRoles", { tenant: "acme" }, { token });
    expect(listed.body).toEqual({ data: [created.body], next_cursor: null });
  });

  it("creates a role with only a name", async () => {
    const { token } = await setup();
    const role = await newRole(token, "acme", { name: "viewer" });
    expect(role).toMatchObject({ name: "viewer", description: null, permissions: [] });
  });

  it("lists roles a page at a time", async () => {
    const { token } = await setup();
    const ids: string[] = [];
    for (const name of ["a", "b", "c", "d", "e"]) ids.push((await newRole(token, "acme", { name })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api(
        "listRoles",
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

  it("updates name and description, and replaces permissions as a whole", async () => {
    const { token, orders, billing } = await setup();
    const role = await newRole(token, "acme", {
      name: "clerk",
      description: "Front desk",
      permissions: [{ resource: orders.identifier, scope: "read" }],
    });
    const renamed = await api("updateRole", { tenant: "acme", role_id: role.id }, { token, body: { name: "cashier" } });
    expectStatus(renamed, 200);
    expect(renamed.body).toMatchObject({ name: "cashier", description: "Front desk", permissions: role.permissions });

    const replaced = await api(
      "updateRole",
      { tenant: "acme", role_id: role.id },
      {
        token,
        body: { description: null, permissions: [{ resource: billing.identifier, scope: "pay" }] },
      },
    );
    expectStatus(replaced, 200);
    expect(replaced.body).toMatchObject({
      name: "cashier",
      description: null,
      permissions: [{ resource: billing.identifier, scope: "pay" }],
    });
    const emptied = await api("updateRole", { tenant: "acme", role_id: role.id }, { token, body: { permissions: [] } });
    expect(emptied.body.permissions).toEqual([]);
    expect((await api("getRole", { tenant: "acme", role_id: role.id }, { token })).body).toEqual(emptied.body);
    expectProblem(
      await api("updateRole", { tenant: "acme", role_id: "rol_nope" }, { token, body: { name: "x" } }),
      "not-found",
    );
  });

  it("deletes a role and takes it from every user", async () => {
    const { token } = await setup();
    const role = await newRole(token, "acme", { name: "clerk" });
    const other = await newRole(token, "acme", { name: "other" });
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    await api("assignUserRoles", { tenant: "acme", user_id: user.id }, { token, body: { roles: [role.id, other.id] } });
    expectStatus(await api("deleteRole", { tenant: "acme", role_id: role.id }, { token }), 204);
    expectProblem(await api("getRole", { tenant: "acme", role_id: role.id }, { token }), "not-found");
    expectProblem(await api("deleteRole", { tenant: "acme", role_id: role.id }, { token }), "not-found");
    const held = await api("listUserRoles", { tenant: "acme", user_id: user.id }, { token });
    expect(held.body.data.map((r: { id: string }) => r.id)).toEqual([other.id]);
    // The name is free again.
    await newRole(token, "acme", { name: "clerk" });
  });

  it("refuses a duplicate name with 409, on create and on rename", async () => {
    const { token } = await setup();
    await newTenant(token, "globex");
    await newRole(token, "acme", { name: "clerk" });
    const other = await newRole(token, "acme", { name: "cashier" });
    expectProblem(await api("createRole", { tenant: "acme" }, { token, body: { name: "clerk" } }), "conflict", {
      pointer: "#/name",
    });
    expectProblem(await api("createRole", { tenant: "acme" }, { token, body: { name: " clerk " } }), "conflict", {
      pointer: "#/name",
    });
    const rename = await api("updateRole", { tenant: "acme", role_id: other.id }, { token, body: { name: "clerk" } });
    expectProblem(rename, "conflict", { pointer: "#/name" });
    expect((await api("getRole", { tenant: "acme", role_id: other.id }, { token })).body.name).toBe("cashier");
    await newRole(token, "globex", { name: "clerk" });
  });

  it("a refused rename leaves the permissions given with it unapplied", async () => {
    const { token, orders } = await setup();
    await newRole(token, "acme", { name: "clerk" });
    const other = await newRole(token, "acme", {
      name: "cashier",
      permissions: [{ resource: orders.identifier, scope: "read" }],
    });
    const result = await api(
      "updateRole",
      { tenant: "acme", role_id: other.id },
      {
        token,
        body: { name: "clerk", permissions: [{ resource: orders.identifier, scope: "write" }] },
      },
    );
    expectProblem(result, "conflict", { pointer: "#/name" });
    expect((await api("getRole", { tenant: "acme", role_id: other.id }, { token })).body).toEqual(other);
  });

  it("refuses permissions naming unknown resources or scopes, and changes nothing", async () => {
    const { token, orders } = await setup();
    await newTenant(token, "globex");
    const foreign = await newResource(token, "globex", {
      identifier: "https://foreign.globex.test",
      scopes: [{ value: "read" }],
    });
    const unknownResource = await api(
      "createRole",
      { tenant: "acme" },
      {
        token,
        body: {
          name: "x",
          permissions: [
            { resource: orders.identifier, scope: "read" },
            { resource: "https://nope.test", scope: "read" },
          ],
        },
      },
    );
    expectProblem(unknownResource, "validation-failed", { pointer: "#/permissions/1/resource" });
    const otherTenant = await api(
      "createRole",
      { tenant: "acme" },
      {
        token,
        body: { name: "x", permissions: [{ resource: foreign.identifier, scope: "read" }] },
      },
    );
    expectProblem(otherTenant, "validation-failed", { pointer: "#/permissions/0/resource" });
    const unknownScope = await api(
      "createRole",
      { tenant: "acme" },
      {
        token,
        body: { name: "x", permissions: [{ resource: orders.identifier, scope: "delete" }] },
      },
    );
    expectProblem(unknownScope, "validation-failed", { pointer: "#/permissions/0/scope" });
    expect((await api("listRoles", { tenant: "acme" }, { token })).body.data).toEqual([]);

    const role = await newRole(token, "acme", {
      name: "clerk",
      permissions: [{ resource: orders.identifier, scope: "read" }],
    });
    const badUpdate = await api(
      "updateRole",
      { tenant: "acme", role_id: role.id },
      {
        token,
        body: { name: "renamed", permissions: [{ resource: orders.identifier, scope: "delete" }] },
      },
    );
    expectProblem(badUpdate, "validation-failed", { pointer: "#/permissions/0/scope" });
    expect((await api("getRole", { tenant: "acme", role_id: role.id }, { token })).body).toEqual(role);
  });

  it("refuses invalid role bodies, naming each field", async () => {
    const { token, orders } = await setup();
    const cases: [Record<string, unknown>, string][] = [
      [{}, "#/name"],
      [{ name: "" }, "#/name"],
      [{ name: 7 }, "#/name"],
      [{ name: "x".repeat(101) }, "#/name"],
      [{ name: "x", description: "d".repeat(501) }, "#/description"],
      [{ name: "x", permissions: {} }, "#/permissions"],
      [{ name: "x", permissions: [{ resource: orders.identifier }] }, "#/permissions/0/scope"],
      [{ name: "x", permissions: [{ resource: "not a uri", scope: "read" }] }, "#/permissions/0/resource"],
      [{ name: "x", permissions: [{ resource: orders.identifier, scope: "bad scope" }] }, "#/permissions/0/scope"],
      [{ name: "x", permissions: [{ resource: orders.identifier, scope: "read", extra: 1 }] }, "#/permissions/0/extra"],
      [{ name: "x", users: [] }, "#/users"],
    ];
    for (const [body, pointer] of cases) {
      expectProblem(await api("createRole", { tenant: "acme" }, { token, body }), "validation-failed", { pointer });
    }
    expect((await api("listRoles", { tenant: "acme" }, { token })).body.data).toEqual([]);
  });
});

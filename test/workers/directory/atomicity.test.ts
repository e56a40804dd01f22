// Multi-step writes commit together or not at all: client secret rotation, roles and
// their permissions, resources and the role permissions of their scopes.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { nowSeconds } from "../../../src/config";
import { openDirectory, UnknownReferenceError, type Directory, type Tenant } from "../../../src/directory";
import { newRequestStats } from "../../../src/storage/database";
import { clientMetadata, countRows, directoryOf, newTenant } from "./fixtures";

let tenant: Tenant;
let directory: Directory;

beforeEach(async () => {
  tenant = await newTenant("acme");
  directory = directoryOf(tenant);
});

interface SecretRow {
  id: string;
  secret_hash: string;
  expires_at: number | null;
}

async function secretRows(clientId: string): Promise<SecretRow[]> {
  const result = await env.DB.prepare(
    "SELECT id, secret_hash, expires_at FROM client_secrets WHERE tenant_id = ? AND client_id = ? ORDER BY secret_hash",
  )
    .bind(tenant.id, clientId)
    .all<SecretRow>();
  return result.results;
}

describe("clients.rotateSecret", () => {
  beforeEach(async () => {
    await directory.clients.create(clientMetadata("app"), { secretHash: "s1", hint: "aaaa" });
  });

  it("adds the new secret and schedules the end of the old one, both live meanwhile", async () => {
    const ends = nowSeconds() + 3600;
    const created = await directory.clients.rotateSecret("app", { secretHash: "s2", hint: "bbbb" }, ends, {
      type: "client.secret_rotated",
      actorType: "system",
    });
    expect(created.secretHash).toBe("s2");
    expect(created.expiresAt).toBeNull();
    expect((await secretRows("app")).map((r) => [r.secret_hash, r.expires_at])).toEqual([
      ["s1", ends],
      ["s2", null],
    ]);
    const auth = await directory.clients.getForAuthentication("app");
    expect(auth?.secrets.map((s) => s.secretHash).sort()).toEqual(["s1", "s2"]);
    expect((await directory.audit.list({ limit: 10 })).map((e) => [e.type, e.clientId])).toEqual([
      ["client.secret_rotated", "app"],
    ]);
  });

  it("cuts the old secret off at once when previousExpireAt is now", async () => {
    await directory.clients.rotateSecret("app", { secretHash: "s2", hint: "bbbb" }, nowSeconds());
    expect((await directory.clients.getForAuthentication("app"))?.secrets.map((s) => s.secretHash)).toEqual(["s2"]);
    expect((await directory.clients.listSecrets("app")).map((s) => s.secretHash)).toEqual(["s2"]);
    expect(await directory.clients.deleteExpiredSecrets()).toBe(1);
    expect((await secretRows("app")).map((r) => r.secret_hash)).toEqual(["s2"]);
  });

  it("never extends an end already scheduled by an earlier rotation", async () => {
    const now = nowSeconds();
    await directory.clients.rotateSecret("app", { secretHash: "s2", hint: "bbbb" }, now + 100);
    await directory.clients.rotateSecret("app", { secretHash: "s3", hint: "cccc" }, now + 5000);
    expect((await secretRows("app")).map((r) => [r.secret_hash, r.expires_at])).toEqual([
      ["s1", now + 100],
      ["s2", now + 5000],
      ["s3", null],
    ]);
    // A third, immediate rotation shortens every live secret's end to now.
    await directory.clients.rotateSecret("app", { secretHash: "s4", hint: "dddd" }, now);
    expect((await secretRows("app")).map((r) => [r.secret_hash, r.expires_at])).toEqual([
      ["s1", now],
      ["s2", now],
      ["s3", now],
      ["s4", null],
    ]);
  });

  it("changes nothing when the new secret cannot be written (one transaction)", async () => {
    await env.DB.prepare(
      "CREATE TRIGGER refuse_secrets BEFORE INSERT ON client_secrets BEGIN SELECT RAISE(ABORT, 'secret refused'); END",
    ).run();
    const before = await secretRows("app");
    await expect(
      directory.clients.rotateSecret("app", { secretHash: "s2", hint: "bbbb" }, nowSeconds(), {
        type: "client.secret_rotated",
        actorType: "system",
      }),
    ).rejects.toThrow();
    // The expiry update ran first in the batch; it must have been rolled back.
    expect(await secretRows("app")).toEqual(before);
    expect(before.map((r) => r.expires_at)).toEqual([null]);
    expect(await countRows("audit_events", tenant.id)).toBe(0);
    expect((await directory.clients.getForAuthentication("app"))?.secrets.map((s) => s.secretHash)).toEqual(["s1"]);
  });

  it("costs one D1 round trip", async () => {
    const stats = newRequestStats();
    await openDirectory(env, tenant, stats).clients.rotateSecret(
      "app",
      { secretHash: "s2", hint: "bbbb" },
      nowSeconds(),
      {
        type: "client.secret_rotated",
        actorType: "system",
      },
    );
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 3, kvReads: 0, durableObjectCalls: 0 });
  });

  it("update with removeAll and a new secret swaps them in one transaction", async () => {
    await directory.clients.rotateSecret("app", { secretHash: "s2", hint: "bbbb" }, nowSeconds() + 3600);
    const updated = await directory.clients.update(
      "app",
      { tokenEndpointAuthMethod: "client_secret_post" },
      { removeAll: true, newSecret: { secretHash: "s9", hint: "zzzz" } },
    );
    expect(updated?.tokenEndpointAuthMethod).toBe("client_secret_post");
    expect((await secretRows("app")).map((r) => r.secret_hash)).toEqual(["s9"]);
  });
});

describe("roles and permissions", () => {
  let identifier: string;

  beforeEach(async () => {
    identifier = (
      await directory.resources.create({
        identifier: "https://api.acme.test",
        name: "API",
        scopes: [{ value: "read" }, { value: "write" }, { value: "admin" }],
      })
    ).identifier;
  });

  it("create with an unknown resource writes nothing", async () => {
    const error = await directory.roles
      .create(
        {
          name: "editor",
          permissions: [
            { resource: identifier, scope: "read" },
            { resource: "https://unknown.test", scope: "read" },
          ],
        },
        { type: "role.created", actorType: "system" },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(UnknownReferenceError);
    expect((error as UnknownReferenceError).field).toBe("permissions/1/resource");
    expect(await countRows("roles", tenant.id)).toBe(0);
    expect(await countRows("role_permissions", tenant.id)).toBe(0);
    expect(await countRows("audit_events", tenant.id)).toBe(0);
  });

  it("create with a scope the resource does not define writes nothing", async () => {
    await expect(
      directory.roles.create({ name: "editor", permissions: [{ resource: identifier, scope: "delete" }] }),
    ).rejects.toMatchObject({ name: "UnknownReferenceError", field: "permissions/0/scope" });
    expect(await countRows("roles", tenant.id)).toBe(0);
    expect(await countRows("role_permissions", tenant.id)).toBe(0);
  });

  it("create with a taken name writes none of the new role's permissions", async () => {
    await directory.roles.create({ name: "editor", permissions: [{ resource: identifier, scope: "read" }] });
    await expect(
      directory.roles.create(
        { name: "editor", permissions: [{ resource: identifier, scope: "write" }] },
        { type: "role.created", actorType: "system" },
      ),
    ).rejects.toMatchObject({ name: "ConflictError", field: "name" });
    expect(await countRows("roles", tenant.id)).toBe(1);
    expect(await countRows("role_permissions", tenant.id)).toBe(1);
    expect(await countRows("audit_events", tenant.id)).toBe(0);
  });

  it("create stores the role with its de-duplicated permissions", async () => {
    const role = await directory.roles.create({
      name: "editor",
      description: "Edits things",
      permissions: [
        { resource: identifier, scope: "write" },
        { resource: identifier, scope: "read" },
        { resource: identifier, scope: "write" },
      ],
    });
    expect(role.description).toBe("Edits things");
    expect(role.permissions).toEqual([
      { resource: identifier, scope: "read" },
      { resource: identifier, scope: "write" },
    ]);
    expect(await countRows("role_permissions", tenant.id)).toBe(2);
  });

  it("update with an unknown scope keeps the old permissions and name", async () => {
    const role = await directory.roles.create({
      name: "editor",
      permissions: [{ resource: identifier, scope: "read" }],
    });
    await expect(
      directory.roles.update(role.id, { name: "renamed", permissions: [{ resource: identifier, scope: "nope" }] }),
    ).rejects.toBeInstanceOf(UnknownReferenceError);
    const after = await directory.roles.get(role.id);
    expect(after?.name).toBe("editor");
    expect(after?.permissions).toEqual([{ resource: identifier, scope: "read" }]);
  });

  it("update replaces the permission set", async () => {
    const role = await directory.roles.create({
      name: "editor",
      permissions: [{ resource: identifier, scope: "read" }],
    });
    const updated = await directory.roles.update(role.id, {
      permissions: [
        { resource: identifier, scope: "write" },
        { resource: identifier, scope: "admin" },
      ],
    });
    expect(updated?.permissions).toEqual([
      { resource: identifier, scope: "admin" },
      { resource: identifier, scope: "write" },
    ]);
    expect(updated?.name).toBe("editor");
  });

  it("assign is idempotent and refuses an unknown role before writing anything", async () => {
    const role = await directory.roles.create({ name: "editor" });
    const user = await directory.users.create({ email: "ana@example.com" });
    await directory.roles.assign(user.id, [role.id, role.id]);
    await directory.roles.assign(user.id, [role.id]);
    expect(await countRows("user_roles", tenant.id)).toBe(1);
    await expect(directory.roles.assign(user.id, ["rol_unknown"])).rejects.toMatchObject({
      name: "UnknownReferenceError",
      field: "roles/0",
    });
    expect(await directory.roles.unassign(user.id, role.id)).toBe(true);
    expect(await directory.roles.unassign(user.id, role.id)).toBe(false);
  });
});

describe("resources.update and role permissions", () => {
  let resourceId: string;
  let identifier: string;
  let editor: string;
  let admin: string;

  beforeEach(async () => {
    const resource = await directory.resources.create({
      identifier: "https://api.acme.test",
      name: "API",
      scopes: [{ value: "read" }, { value: "write" }, { value: "admin" }],
    });
    resourceId = resource.id;
    identifier = resource.identifier;
    const other = await directory.resources.create({
      identifier: "https://other.acme.test",
      name: "Other",
      scopes: [{ value: "read" }, { value: "write" }],
    });
    editor = (
      await directory.roles.create({
        name: "editor",
        permissions: [
          { resource: identifier, scope: "read" },
          { resource: identifier, scope: "write" },
          { resource: other.identifier, scope: "write" },
        ],
      })
    ).id;
    admin = (await directory.roles.create({ name: "admin", permissions: [{ resource: identifier, scope: "admin" }] }))
      .id;
  });

  it("removing scopes drops them from every role, in the same batch as the update", async () => {
    const stats = newRequestStats();
    const counted = openDirectory(env, tenant, stats);
    const updated = await counted.resources.update(
      resourceId,
      { scopes: [{ value: "read" }] },
      {
        type: "resource.updated",
        actorType: "system",
      },
    );
    expect(updated?.scopes).toEqual([{ value: "read" }]);
    // update + delete of permissions + audit: one round trip.
    expect(stats.d1RoundTrips).toBe(1);
    expect(stats.d1Statements).toBe(3);
    expect((await directory.roles.get(editor))?.permissions).toEqual([
      { resource: identifier, scope: "read" },
      { resource: "https://other.acme.test", scope: "write" },
    ]);
    expect((await directory.roles.get(admin))?.permissions).toEqual([]);
  });

  it("an empty scope list drops every permission on the resource, and only on it", async () => {
    await directory.resources.update(resourceId, { scopes: [] });
    expect((await directory.roles.get(editor))?.permissions).toEqual([
      { resource: "https://other.acme.test", scope: "write" },
    ]);
    expect(await countRows("role_permissions", tenant.id)).toBe(1);
  });

  it("an update that leaves scopes alone keeps every permission", async () => {
    await directory.resources.update(resourceId, { name: "Renamed" });
    await directory.resources.update(resourceId, {
      scopes: [{ value: "admin" }, { value: "write" }, { value: "read" }, { value: "new" }],
    });
    expect(await countRows("role_permissions", tenant.id)).toBe(4);
  });

  it("a refused update (identifier conflict) keeps the permissions too", async () => {
    await expect(
      directory.resources.update(resourceId, { identifier: "https://other.acme.test", scopes: [] }),
    ).rejects.toMatchObject({ name: "ConflictError", field: "identifier" });
    expect(await countRows("role_permissions", tenant.id)).toBe(4);
    expect((await directory.resources.get(resourceId))?.scopes.map((s) => s.value)).toEqual(["read", "write", "admin"]);
  });

  it("the cached resource list reflects the update at once", async () => {
    expect((await directory.resources.all()).find((r) => r.id === resourceId)?.scopes.length).toBe(3);
    await directory.resources.update(resourceId, { scopes: [{ value: "read" }] });
    expect((await directory.resources.all()).find((r) => r.id === resourceId)?.scopes).toEqual([{ value: "read" }]);
  });

  it("delete removes the resource's permissions and clears a tenant default naming it", async () => {
    await env.DB.prepare("UPDATE tenants SET default_resource = ? WHERE id = ?").bind(identifier, tenant.id).run();
    const resource = (await directory.resources.get(resourceId))!;
    await directory.resources.delete(resource);
    expect(await directory.resources.get(resourceId)).toBeNull();
    expect((await directory.roles.get(editor))?.permissions).toEqual([
      { resource: "https://other.acme.test", scope: "write" },
    ]);
    const row = await env.DB.prepare("SELECT default_resource FROM tenants WHERE id = ?")
      .bind(tenant.id)
      .first<{ default_resource: string | null }>();
    expect(row?.default_resource).toBeNull();
    expect((await directory.resources.all()).map((r) => r.identifier)).toEqual(["https://other.acme.test"]);
  });
});

// Tenant scoping: whatever is written through tenant A's directory is invisible, and
// untouchable, through tenant B's. Every check is paired with the same call through A,
// so a test cannot pass merely because nothing was written.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { nowSeconds } from "../../../src/config";
import { ConflictError, openTenantRegistry, UnknownReferenceError, type Tenant } from "../../../src/directory";
import { clientMetadata, countRows, IMPORTED_HASH, newTenant, pbkdf2Hash, populate, signingKey } from "./fixtures";

let acme: Tenant;
let globex: Tenant;
let a: Awaited<ReturnType<typeof populate>>;
let g: Awaited<ReturnType<typeof populate>>;

beforeEach(async () => {
  acme = await newTenant("acme");
  globex = await newTenant("globex");
  a = await populate(acme, "acme");
  g = await populate(globex, "globex");
});

describe("users", () => {
  it("get, findByEmail and list see only the tenant's users", async () => {
    const A = a.directory.users;
    const G = g.directory.users;
    expect((await A.get(a.user.id))?.id).toBe(a.user.id);
    expect(await G.get(a.user.id)).toBeNull();
    expect((await A.findByEmail("user-acme@example.com"))?.id).toBe(a.user.id);
    expect(await G.findByEmail("user-acme@example.com")).toBeNull();
    expect((await A.list({ limit: 50 })).map((u) => u.id)).toEqual([a.user.id]);
    expect((await G.list({ limit: 50 })).map((u) => u.id)).toEqual([g.user.id]);
    expect((await G.list({ limit: 50, email: "user-acme@example.com" })).length).toBe(0);
    expect((await G.list({ limit: 50, emailPrefix: "user-" })).map((u) => u.id)).toEqual([g.user.id]);
  });

  it("the same email may exist once in each tenant", async () => {
    const u1 = await a.directory.users.create({ email: "shared@example.com" });
    const u2 = await g.directory.users.create({ email: "Shared@Example.com" });
    expect(u1.id).not.toBe(u2.id);
    expect((await a.directory.users.findByEmail("shared@example.com"))?.id).toBe(u1.id);
    expect((await g.directory.users.findByEmail("shared@example.com"))?.id).toBe(u2.id);
    await expect(a.directory.users.create({ email: "SHARED@example.com" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("update, delete and verifyPassword do not reach another tenant's user", async () => {
    expect(await g.directory.users.update(a.user.id, { name: "hijacked" })).toBeNull();
    await g.directory.users.delete(a.user.id);
    const still = await a.directory.users.get(a.user.id);
    expect(still?.name).toBe("User acme");
    expect(still?.hasPassword).toBe(true);
    // IMPORTED_HASH is argon2id of "correct horse battery staple".
    expect(await g.directory.users.verifyPassword(a.user.id, "correct horse battery staple")).toEqual({
      valid: false,
      upgraded: false,
    });
    expect(await a.directory.users.verifyPassword(a.user.id, "correct horse battery staple")).toEqual({
      valid: true,
      upgraded: false,
    });
  });

  it("an update with a password through another tenant neither changes nor creates a credential", async () => {
    // globex's directory, given the id of acme's user (ids are global), sets a password.
    const attackerHash = await pbkdf2Hash("attacker password", 1000);
    await g.directory.users.update(a.user.id, {}, { passwordHash: attackerHash }).catch(() => null);
    // acme's user must keep its own password (IMPORTED_HASH: "correct horse battery staple").
    const [row] = (
      await env.DB.prepare("SELECT tenant_id, hash FROM password_credentials WHERE user_id = ?")
        .bind(a.user.id)
        .all<{ tenant_id: string; hash: string }>()
    ).results;
    expect(row).toEqual({ tenant_id: acme.id, hash: IMPORTED_HASH });
    expect((await a.directory.users.verifyPassword(a.user.id, "attacker password")).valid).toBe(false);
    expect(await countRows("password_credentials", globex.id)).toBe(1);
  });
});

describe("clients", () => {
  it("get, getForAuthentication, list and listSecrets see only the tenant's clients", async () => {
    const A = a.directory.clients;
    const G = g.directory.clients;
    expect((await A.get(a.clientId))?.clientId).toBe(a.clientId);
    expect(await G.get(a.clientId)).toBeNull();
    const auth = await A.getForAuthentication(a.clientId);
    expect(auth?.secrets.map((s) => s.secretHash)).toEqual(["hash-acme"]);
    expect(await G.getForAuthentication(a.clientId)).toBeNull();
    expect((await G.list({ limit: 50 })).map((c) => c.clientId)).toEqual([g.clientId]);
    expect((await A.listSecrets(a.clientId)).length).toBe(1);
    expect(await G.listSecrets(a.clientId)).toEqual([]);
  });

  it("the same client_id may exist in two tenants, each with its own secrets", async () => {
    await g.directory.clients.create(clientMetadata(a.clientId), { secretHash: "globex-copy", hint: "wxyz" });
    expect((await a.directory.clients.getForAuthentication(a.clientId))?.secrets.map((s) => s.secretHash)).toEqual([
      "hash-acme",
    ]);
    expect((await g.directory.clients.getForAuthentication(a.clientId))?.secrets.map((s) => s.secretHash)).toEqual([
      "globex-copy",
    ]);
  });

  it("update, delete, revokeSecret, rotateSecret and deleteExpiredSecrets do not reach another tenant's client", async () => {
    const G = g.directory.clients;
    const secret = (await a.directory.clients.listSecrets(a.clientId))[0]!;
    expect(await G.update(a.clientId, { clientName: "hijacked" }, { removeAll: true })).toBeNull();
    await G.delete(a.clientId);
    expect(await G.revokeSecret(a.clientId, secret.id)).toBe(false);
    // A rotation names a client the tenant does not have: refused by the composite key.
    await expect(G.rotateSecret(a.clientId, { secretHash: "evil", hint: "evil" }, nowSeconds())).rejects.toThrow();
    await env.DB.prepare("UPDATE client_secrets SET expires_at = 1 WHERE id = ?").bind(secret.id).run();
    expect(await G.deleteExpiredSecrets()).toBe(0);

    const client = await a.directory.clients.get(a.clientId);
    expect(client?.clientName).toBe("Client cli-acme");
    const rows = await env.DB.prepare("SELECT id, expires_at FROM client_secrets WHERE tenant_id = ?")
      .bind(acme.id)
      .all<{ id: string; expires_at: number | null }>();
    expect(rows.results).toEqual([{ id: secret.id, expires_at: 1 }]);
    expect(await a.directory.clients.deleteExpiredSecrets()).toBe(1);
  });
});

describe("API resources", () => {
  it("get, all, findByIdentifiers and list see only the tenant's resources", async () => {
    const A = a.directory.resources;
    const G = g.directory.resources;
    expect((await A.get(a.resource.id))?.id).toBe(a.resource.id);
    expect(await G.get(a.resource.id)).toBeNull();
    expect((await A.all()).map((r) => r.id)).toEqual([a.resource.id]);
    expect((await G.all()).map((r) => r.id)).toEqual([g.resource.id]);
    expect((await A.findByIdentifiers([a.resource.identifier, g.resource.identifier])).map((r) => r.id)).toEqual([
      a.resource.id,
    ]);
    expect(await G.findByIdentifiers([a.resource.identifier])).toEqual([]);
    expect((await G.list({ limit: 50 })).map((r) => r.id)).toEqual([g.resource.id]);
  });

  it("the same identifier may exist in two tenants", async () => {
    const copy = await g.directory.resources.create({ identifier: a.resource.identifier, name: "copy", scopes: [] });
    expect((await g.directory.resources.findByIdentifiers([a.resource.identifier])).map((r) => r.id)).toEqual([
      copy.id,
    ]);
    await expect(
      a.directory.resources.create({ identifier: a.resource.identifier, name: "dup", scopes: [] }),
    ).rejects.toMatchObject({ name: "ConflictError", field: "identifier" });
  });

  it("update and delete do not reach another tenant's resource or its role permissions", async () => {
    expect(await g.directory.resources.update(a.resource.id, { name: "hijacked", scopes: [] })).toBeNull();
    await g.directory.resources.delete(a.resource);
    const resource = await a.directory.resources.get(a.resource.id);
    expect(resource?.name).toBe("API acme");
    expect(resource?.scopes.map((s) => s.value)).toEqual(["read", "write"]);
    expect((await a.directory.roles.get(a.role.id))?.permissions).toEqual([
      { resource: a.resource.identifier, scope: "read" },
    ]);
  });
});

describe("roles", () => {
  it("get, list and rolesOfUser see only the tenant's roles", async () => {
    const A = a.directory.roles;
    const G = g.directory.roles;
    expect((await A.get(a.role.id))?.permissions).toEqual([{ resource: a.resource.identifier, scope: "read" }]);
    expect(await G.get(a.role.id)).toBeNull();
    expect((await G.list({ limit: 50 })).map((r) => r.id)).toEqual([g.role.id]);
    expect((await A.rolesOfUser(a.user.id)).map((r) => r.id)).toEqual([a.role.id]);
    expect(await G.rolesOfUser(a.user.id)).toEqual([]);
  });

  it("assign refuses another tenant's role id with UnknownReferenceError and writes nothing", async () => {
    const extra = await a.directory.users.create({ email: "extra@example.com" });
    const error = await a.directory.roles.assign(extra.id, [a.role.id, g.role.id]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnknownReferenceError);
    expect((error as UnknownReferenceError).field).toBe("roles/1");
    expect(await a.directory.roles.rolesOfUser(extra.id)).toEqual([]);
    await a.directory.roles.assign(extra.id, [a.role.id]);
    expect((await a.directory.roles.rolesOfUser(extra.id)).map((r) => r.id)).toEqual([a.role.id]);
  });

  it("assign through another tenant cannot give that tenant's role to a foreign user", async () => {
    const error = await g.directory.roles.assign(a.user.id, [g.role.id]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(await g.directory.roles.rolesOfUser(a.user.id)).toEqual([]);
    expect(await countRows("user_roles", globex.id)).toBe(1);
  });

  it("create and update refuse permissions on another tenant's resource", async () => {
    await expect(
      g.directory.roles.create({ name: "thief", permissions: [{ resource: a.resource.identifier, scope: "read" }] }),
    ).rejects.toMatchObject({ name: "UnknownReferenceError", field: "permissions/0/resource" });
    await expect(
      g.directory.roles.update(g.role.id, { permissions: [{ resource: a.resource.identifier, scope: "write" }] }),
    ).rejects.toBeInstanceOf(UnknownReferenceError);
    expect((await g.directory.roles.get(g.role.id))?.permissions).toEqual([
      { resource: g.resource.identifier, scope: "read" },
    ]);
  });

  it("update, delete and unassign do not reach another tenant's role", async () => {
    expect(await g.directory.roles.update(a.role.id, { name: "hijacked" })).toBeNull();
    await g.directory.roles.delete(a.role.id);
    expect(await g.directory.roles.unassign(a.user.id, a.role.id)).toBe(false);
    const role = await a.directory.roles.get(a.role.id);
    expect(role?.name).toBe("role-acme");
    expect((await a.directory.roles.rolesOfUser(a.user.id)).map((r) => r.id)).toEqual([a.role.id]);
  });

  it("role names are unique per tenant only", async () => {
    const copy = await g.directory.roles.create({ name: "role-acme" });
    expect(copy.name).toBe("role-acme");
    await expect(a.directory.roles.create({ name: "role-acme" })).rejects.toMatchObject({
      name: "ConflictError",
      field: "name",
    });
  });
});

describe("signing keys and audit events", () => {
  it("all() lists only the tenant's signing keys; apply cannot update or remove another tenant's", async () => {
    expect((await a.directory.signingKeys.all()).map((k) => k.kid)).toEqual([a.kid]);
    expect((await g.directory.signingKeys.all()).map((k) => k.kid)).toEqual([g.kid]);
    await g.directory.signingKeys.apply({
      insert: [],
      update: [{ kid: a.kid, status: "retired", retiredAt: 1 }],
      remove: [a.kid],
    });
    const [key] = await a.directory.signingKeys.all();
    expect(key?.kid).toBe(a.kid);
    expect(key?.status).toBe("current");
    expect(key?.retiredAt).toBeNull();
  });

  it("apply writes inserted keys into its own tenant, whatever tenantId the record carries", async () => {
    // Every other repository forces its own tenant_id on inserted rows; a signing key
    // record built for acme but applied through globex's directory must not land in acme.
    const stray = signingKey("kid-stray", acme.id);
    await g.directory.signingKeys.apply({ insert: [stray], update: [], remove: [] }).catch(() => undefined);
    expect((await a.directory.signingKeys.all()).map((k) => k.kid)).toEqual([a.kid]);
  });

  it("audit list sees only the tenant's events, whatever the filter", async () => {
    const A = a.directory.audit;
    const G = g.directory.audit;
    expect((await A.list({ limit: 50 })).map((e) => e.details)).toEqual([{ tag: "acme" }]);
    expect((await G.list({ limit: 50 })).map((e) => e.details)).toEqual([{ tag: "globex" }]);
    expect(await G.list({ limit: 50, userId: a.user.id })).toEqual([]);
    expect((await A.list({ limit: 50, userId: a.user.id })).length).toBe(1);
    expect((await G.list({ limit: 50, type: "test.event" })).map((e) => e.tenantId)).toEqual([globex.id]);
  });
});

describe("tenant registry", () => {
  it("finds tenants by slug, lists them by id and refuses a duplicate slug with ConflictError", async () => {
    const registry = openTenantRegistry(env);
    expect((await registry.findBySlug("acme"))?.id).toBe(acme.id);
    expect(await registry.findBySlug("initech")).toBeNull();
    const listed = await registry.list({ limit: 10 });
    expect(listed.map((t) => t.slug).sort()).toEqual(["acme", "globex", "system"]);
    expect(listed.map((t) => t.id)).toEqual([...listed.map((t) => t.id)].sort());
    const page = await registry.list({ limit: 10, after: listed[0]!.id });
    expect(page.map((t) => t.id)).toEqual(listed.slice(1).map((t) => t.id));
    await expect(registry.create("acme", {})).rejects.toMatchObject({ name: "ConflictError", field: "slug" });
  });

  it("a tenant created after a miss on its slug is found (misses are not cached)", async () => {
    const registry = openTenantRegistry(env);
    expect(await registry.findBySlug("initech")).toBeNull();
    const created = await registry.create("initech", { defaultResource: "https://api.initech.test" });
    expect((await registry.findBySlug("initech"))?.id).toBe(created.id);
  });

  it("update is seen by the next findBySlug even after the tenant was cached", async () => {
    const registry = openTenantRegistry(env);
    const cached = (await registry.findBySlug("acme"))!;
    expect(cached.accessTokenTtl).toBe(3600);
    await registry.update(cached, { accessTokenTtl: 600, displayName: "Acme Corp" });
    const after = await registry.findBySlug("acme");
    expect(after?.accessTokenTtl).toBe(600);
    expect(after?.displayName).toBe("Acme Corp");
  });
});

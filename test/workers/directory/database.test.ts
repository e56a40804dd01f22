// openDatabase counts what reaches D1: a statement is one round trip, a batch is one
// round trip however many statements it holds. Hot paths of the data layer are then
// held to their round-trip budget.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDirectory } from "../../../src/directory";
import { atomically, atomicallyAll } from "../../../src/storage/batch";
import { newRequestStats, openDatabase } from "../../../src/storage/database";
import { roles, tenants } from "../../../src/storage/schema";
import { clientMetadata, IMPORTED_HASH, newTenant } from "./fixtures";

describe("openDatabase query counting", () => {
  it("counts a plain query as one round trip and one statement", async () => {
    const stats = newRequestStats();
    const db = openDatabase(env.DB, stats);
    const rows = await db.select().from(tenants).where(eq(tenants.slug, "system"));
    expect(rows.map((r) => r.id)).toEqual(["ten_system"]);
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 0, durableObjectCalls: 0 });
    await db.run(sql`SELECT 1`);
    await db.select({ id: tenants.id }).from(tenants).get();
    await db.select({ id: tenants.id }).from(tenants).values();
    expect(stats).toEqual({ d1RoundTrips: 4, d1Statements: 4, kvReads: 0, durableObjectCalls: 0 });
  });

  it("counts a drizzle batch of 3 statements as one round trip and three statements", async () => {
    const stats = newRequestStats();
    const db = openDatabase(env.DB, stats);
    const [inserted, updated, selected] = await db.batch([
      db
        .insert(roles)
        .values({ id: "rol_1", tenantId: "ten_system", name: "r1", createdAt: 1, updatedAt: 1 })
        .returning(),
      db.update(roles).set({ description: "described" }).where(eq(roles.id, "rol_1")).returning(),
      db.select().from(roles).where(eq(roles.tenantId, "ten_system")),
    ]);
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 3, kvReads: 0, durableObjectCalls: 0 });
    // The batch really ran, in order, and drizzle mapped each result.
    expect(inserted.map((r) => r.name)).toEqual(["r1"]);
    expect(updated.map((r) => r.description)).toEqual(["described"]);
    expect(selected.map((r) => r.description)).toEqual(["described"]);
  });

  it("counts batches built by atomically and atomicallyAll, and statements without parameters", async () => {
    const stats = newRequestStats();
    const db = openDatabase(env.DB, stats);
    await atomically(db, [db.select().from(tenants), db.select().from(roles)]);
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 2, kvReads: 0, durableObjectCalls: 0 });
    expect(await atomicallyAll(db, [])).toEqual([]);
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 2, kvReads: 0, durableObjectCalls: 0 });
    await atomicallyAll(db, [db.select().from(tenants)]);
    expect(stats).toEqual({ d1RoundTrips: 2, d1Statements: 3, kvReads: 0, durableObjectCalls: 0 });
  });

  it("a failed batch still counts as one round trip and rolls back every statement", async () => {
    const stats = newRequestStats();
    const db = openDatabase(env.DB, stats);
    await expect(
      db.batch([
        db.insert(roles).values({ id: "rol_1", tenantId: "ten_system", name: "dup", createdAt: 1, updatedAt: 1 }),
        db.insert(roles).values({ id: "rol_2", tenantId: "ten_system", name: "dup", createdAt: 1, updatedAt: 1 }),
      ]),
    ).rejects.toThrow();
    expect(stats.d1RoundTrips).toBe(1);
    expect(stats.d1Statements).toBe(2);
    expect(await db.select().from(roles)).toEqual([]);
  });
});

describe("round-trip budget of the data layer's hot paths", () => {
  it("client authentication costs one D1 query on a miss, then nothing until the client changes", async () => {
    const tenant = await newTenant("acme");
    const setup = openDirectory(env, tenant);
    await setup.clients.create(clientMetadata("app"), { secretHash: "s1", hint: "aaaa" });
    await setup.clients.rotateSecret("app", { secretHash: "s2", hint: "bbbb" }, Math.floor(Date.now() / 1000) + 60);

    const stats = newRequestStats();
    const directory = openDirectory(env, tenant, stats);
    const auth = await directory.clients.getForAuthentication("app");
    expect(auth?.secrets.map((s) => s.secretHash).sort()).toEqual(["s1", "s2"]);
    // Kept in memory only, never in KV (whose changes take a minute to show everywhere).
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 0, durableObjectCalls: 0 });
    expect((await directory.clients.getForAuthentication("app"))?.secrets.length).toBe(2);
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 0, durableObjectCalls: 0 });

    // Any change drops the cached copy: the next lookup sees it.
    await setup.clients.rotateSecret("app", { secretHash: "s3", hint: "cccc" }, Math.floor(Date.now() / 1000));
    expect((await directory.clients.getForAuthentication("app"))?.secrets.map((s) => s.secretHash)).toEqual(["s3"]);
    expect(stats.d1RoundTrips).toBe(2);
    // A secret that expires while cached stops working without a reload.
    await setup.clients.rotateSecret("app", { secretHash: "s4", hint: "dddd" }, Math.floor(Date.now() / 1000) + 1);
    expect((await directory.clients.getForAuthentication("app"))?.secrets.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await directory.clients.getForAuthentication("app"))?.secrets.map((s) => s.secretHash)).toEqual(["s4"]);
    expect(stats.d1RoundTrips).toBe(3);
    await setup.clients.delete("app");
    expect(await directory.clients.getForAuthentication("app")).toBeNull();
    // Unknown ids are not cached: a client created a moment later is found.
    expect(await directory.clients.getForAuthentication("later")).toBeNull();
    await setup.clients.create(clientMetadata("later"), { secretHash: "s5", hint: "eeee" });
    expect((await directory.clients.getForAuthentication("later"))?.client.clientId).toBe("later");
  });

  it("user lookups and user writes cost one round trip each", async () => {
    const tenant = await newTenant("acme");
    const stats = newRequestStats();
    const directory = openDirectory(env, tenant, stats);
    const user = await directory.users.create(
      { email: "ana@example.com" },
      { passwordHash: IMPORTED_HASH },
      { type: "user.created", actorType: "system" },
    );
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 3, kvReads: 0, durableObjectCalls: 0 });

    expect((await directory.users.get(user.id))?.hasPassword).toBe(true);
    expect((await directory.users.findByEmail("ANA@example.com"))?.id).toBe(user.id);
    expect(stats).toEqual({ d1RoundTrips: 3, d1Statements: 5, kvReads: 0, durableObjectCalls: 0 });
  });

  it("the cached resource list costs one KV read and one D1 query on a miss, then nothing", async () => {
    const tenant = await newTenant("acme");
    await openDirectory(env, tenant).resources.create({ identifier: "https://api.test", name: "API", scopes: [] });
    const stats = newRequestStats();
    const directory = openDirectory(env, tenant, stats);
    expect((await directory.resources.all()).length).toBe(1);
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 1, durableObjectCalls: 0 });
    expect((await directory.resources.all()).length).toBe(1);
    expect(stats).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 1, durableObjectCalls: 0 });
  });
});

// The D1 schema as the migrations build it, checked against src/storage/schema.ts (the
// expected tables, columns, indexes and foreign keys are read from the drizzle schema, so
// the two cannot drift apart unnoticed), and the constraints D1 enforces.
import { env } from "cloudflare:workers";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { openTenantRegistry } from "../../../src/directory";
import * as schema from "../../../src/storage/schema";
import { foreignKeyViolation } from "../../../src/storage/errors";
import { countAll, countRows, directoryOf, IMPORTED_HASH, newTenant, populate, TENANT_TABLES } from "./fixtures";

const tables = (Object.values(schema) as unknown[])
  .filter((value): value is SQLiteTable => value instanceof SQLiteTable)
  .map((table) => getTableConfig(table));

async function rows<T>(query: string, ...params: unknown[]): Promise<T[]> {
  const result = await env.DB.prepare(query)
    .bind(...params)
    .all<T>();
  return result.results;
}

describe("schema: what the migrations create", () => {
  it("reads the expected tables from schema.ts", () => {
    // Guards the rest of this file against an empty expectation.
    expect(tables.map((t) => t.name).sort()).toEqual(
      [
        "api_resources",
        "attribute_definitions",
        "audit_events",
        "client_secrets",
        "clients",
        "consent_records",
        "consents",
        "dev_outbox",
        "passkeys",
        "password_credentials",
        "recovery_codes",
        "role_permissions",
        "roles",
        "signing_keys",
        "tenant_branding",
        "tenant_texts",
        "tenants",
        "totp_authenticators",
        "user_roles",
        "users",
      ].sort(),
    );
  });

  it("creates every table of schema.ts with exactly its columns", async () => {
    const present = await rows<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    const names = new Set(present.map((r) => r.name));
    for (const table of tables) {
      expect(names.has(table.name), `table ${table.name}`).toBe(true);
      const columns = await rows<{ name: string; notnull: number; pk: number }>(
        `SELECT name, "notnull", pk FROM pragma_table_info(?)`,
        table.name,
      );
      expect(columns.map((c) => c.name).sort(), `columns of ${table.name}`).toEqual(
        table.columns.map((c) => c.name).sort(),
      );
      for (const column of table.columns) {
        const actual = columns.find((c) => c.name === column.name)!;
        expect(actual.notnull === 1 || column.primary, `NOT NULL of ${table.name}.${column.name}`).toBe(column.notNull);
      }
    }
  });

  it("creates every index of schema.ts, on the same columns and with the same uniqueness", async () => {
    const expected: { name: string; table: string; columns: string[]; unique: boolean }[] = [];
    for (const table of tables) {
      for (const index of table.indexes) {
        expected.push({
          name: index.config.name,
          table: table.name,
          columns: index.config.columns.map((c) => (c as { name: string }).name),
          unique: index.config.unique,
        });
      }
      for (const column of table.columns) {
        if (column.isUnique)
          expected.push({
            name: column.uniqueName ?? `${table.name}_${column.name}_unique`,
            table: table.name,
            columns: [column.name],
            unique: true,
          });
      }
    }
    // 17 declared indexes + the UNIQUE on tenants.slug.
    expect(expected.length).toBe(20);
    const present = await rows<{ name: string; tbl_name: string }>(
      "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
    );
    for (const index of expected) {
      const found = present.find((p) => p.name === index.name);
      expect(found, `index ${index.name}`).toBeDefined();
      expect(found!.tbl_name).toBe(index.table);
      const columns = await rows<{ name: string; seqno: number }>(
        "SELECT name, seqno FROM pragma_index_info(?) ORDER BY seqno",
        index.name,
      );
      expect(
        columns.map((c) => c.name),
        `columns of ${index.name}`,
      ).toEqual(index.columns);
      const [listed] = await rows<{ unique: number }>(
        `SELECT "unique" FROM pragma_index_list(?) WHERE name = ?`,
        index.table,
        index.name,
      );
      expect(listed!.unique === 1, `uniqueness of ${index.name}`).toBe(index.unique);
    }
    // And no index the schema does not know about (drift the other way).
    const schemaTables = new Set(tables.map((t) => t.name));
    const extra = present.filter((p) => schemaTables.has(p.tbl_name) && !expected.some((e) => e.name === p.name));
    expect(extra).toEqual([]);
  });

  it("creates every foreign key of schema.ts, with its columns and ON DELETE CASCADE", async () => {
    let total = 0;
    for (const table of tables) {
      const actual = await rows<{
        id: number;
        seq: number;
        table: string;
        from: string;
        to: string;
        on_delete: string;
      }>(
        `SELECT id, seq, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`,
        table.name,
      );
      const grouped = new Map<number, typeof actual>();
      for (const row of actual) grouped.set(row.id, [...(grouped.get(row.id) ?? []), row]);
      const actualKeys = [...grouped.values()].map((key) => ({
        table: key[0]!.table,
        from: key.map((k) => k.from),
        to: key.map((k) => k.to),
        onDelete: key[0]!.on_delete.toLowerCase(),
      }));
      const expectedKeys = table.foreignKeys.map((fk) => {
        const ref = fk.reference();
        return {
          table: getTableConfig(ref.foreignTable).name,
          from: ref.columns.map((c) => c.name),
          to: ref.foreignColumns.map((c) => c.name),
          onDelete: (fk.onDelete ?? "no action").toLowerCase(),
        };
      });
      const key = (k: { table: string; from: string[] }) => `${k.table}(${k.from.join(",")})`;
      expect(
        actualKeys.sort((a, b) => key(a).localeCompare(key(b))),
        `foreign keys of ${table.name}`,
      ).toEqual(expectedKeys.sort((a, b) => key(a).localeCompare(key(b))));
      total += expectedKeys.length;
    }
    // 11 single-column tenant keys + 8 composite (tenant_id, id) ones.
    expect(total).toBe(22);
  });

  it("creates the system tenant", async () => {
    const [system] = await rows<{ id: string; slug: string; default_resource: string }>(
      "SELECT id, slug, default_resource FROM tenants WHERE slug = 'system'",
    );
    expect(system).toEqual({ id: "ten_system", slug: "system", default_resource: "urn:latchkey:management" });
  });
});

describe("schema: foreign keys enforced by D1", () => {
  it("has foreign key enforcement switched on", async () => {
    const [pragma] = await rows<{ foreign_keys: number }>("PRAGMA foreign_keys");
    expect(pragma?.foreign_keys).toBe(1);
  });

  it("deleting a tenant cascades to every row of its directory and leaves other tenants untouched", async () => {
    const acme = await newTenant("acme");
    const globex = await newTenant("globex");
    const a = await populate(acme, "acme");
    await populate(globex, "globex");
    // Cached lookups made before the delete must not outlive it.
    expect((await openTenantRegistry(env).findBySlug("acme"))?.id).toBe(acme.id);
    expect((await a.directory.resources.all()).length).toBe(1);

    const before = await countAll(acme.id);
    // populate() writes at least one row into every tenant table: otherwise the cascade
    // assertion below would pass vacuously.
    for (const table of TENANT_TABLES) expect(before[table], table).toBeGreaterThan(0);
    const globexBefore = await countAll(globex.id);

    await openTenantRegistry(env).delete(acme);

    const after = await countAll(acme.id);
    for (const table of TENANT_TABLES) expect(after[table], table).toBe(0);
    expect(await countAll(globex.id)).toEqual(globexBefore);
    expect(await rows("SELECT id FROM tenants WHERE id = ?", acme.id)).toEqual([]);
    expect(await openTenantRegistry(env).findBySlug("acme")).toBeNull();
    expect(await a.directory.resources.all()).toEqual([]);
    expect((await openTenantRegistry(env).findBySlug("globex"))?.id).toBe(globex.id);
  });

  it("deleting a user cascades to its credential and role assignments only", async () => {
    const acme = await newTenant("acme");
    const { directory, user, role } = await populate(acme, "acme");
    const other = await directory.users.create({ email: "other@example.com" }, { passwordHash: IMPORTED_HASH });
    await directory.roles.assign(other.id, [role.id]);
    await directory.users.delete(user.id);
    expect(await rows("SELECT user_id FROM password_credentials WHERE user_id = ?", user.id)).toEqual([]);
    expect(await rows("SELECT user_id FROM user_roles WHERE user_id = ?", user.id)).toEqual([]);
    expect(await countRows("password_credentials", acme.id)).toBe(1);
    expect(await countRows("user_roles", acme.id)).toBe(1);
    expect(await countRows("roles", acme.id)).toBe(1);
  });

  it("refuses a credential that points at another tenant's user", async () => {
    const acme = await newTenant("acme");
    const globex = await newTenant("globex");
    const { user } = await populate(acme, "acme");
    await env.DB.prepare("DELETE FROM password_credentials WHERE user_id = ?").bind(user.id).run();
    const insert = env.DB.prepare(
      "INSERT INTO password_credentials (user_id, tenant_id, hash, created_at, updated_at) VALUES (?, ?, 'h', 0, 0)",
    );
    await expect(insert.bind(user.id, globex.id).run()).rejects.toThrow(/FOREIGN KEY constraint failed/);
    // The same row in the right tenant is accepted: the failure above is the tenant's.
    await insert.bind(user.id, acme.id).run();
    expect(await countRows("password_credentials", acme.id)).toBe(1);
  });

  it("refuses a role assignment mixing a user and a role of different tenants", async () => {
    const acme = await newTenant("acme");
    const globex = await newTenant("globex");
    const a = await populate(acme, "acme");
    const g = await populate(globex, "globex");
    const insert = env.DB.prepare(
      "INSERT INTO user_roles (tenant_id, user_id, role_id, created_at) VALUES (?, ?, ?, 0)",
    );
    // acme's user with globex's role, labelled either way.
    await expect(insert.bind(acme.id, a.user.id, g.role.id).run()).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await expect(insert.bind(globex.id, a.user.id, g.role.id).run()).rejects.toThrow(/FOREIGN KEY constraint failed/);
    // A user id that exists nowhere.
    await expect(insert.bind(acme.id, "usr_nobody", a.role.id).run()).rejects.toThrow(/FOREIGN KEY constraint failed/);
    expect(await countRows("user_roles", acme.id)).toBe(1);
    expect(await countRows("user_roles", globex.id)).toBe(1);
  });

  it("refuses a role permission naming another tenant's resource", async () => {
    const acme = await newTenant("acme");
    const globex = await newTenant("globex");
    const a = await populate(acme, "acme");
    const g = await populate(globex, "globex");
    const insert = env.DB.prepare(
      "INSERT INTO role_permissions (tenant_id, role_id, resource_id, scope) VALUES (?, ?, ?, 'write')",
    );
    await expect(insert.bind(acme.id, a.role.id, g.resource.id).run()).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await expect(insert.bind(globex.id, a.role.id, g.resource.id).run()).rejects.toThrow(
      /FOREIGN KEY constraint failed/,
    );
    await insert.bind(acme.id, a.role.id, a.resource.id).run();
    expect(await countRows("role_permissions", acme.id)).toBe(2);
  });

  it("refuses a client secret of another tenant's client", async () => {
    const acme = await newTenant("acme");
    const globex = await newTenant("globex");
    const a = await populate(acme, "acme");
    const insert = env.DB.prepare(
      "INSERT INTO client_secrets (id, tenant_id, client_id, secret_hash, hint, created_at) VALUES (?, ?, ?, 'h', 'abcd', 0)",
    );
    await expect(insert.bind("sec_x", globex.id, a.clientId).run()).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await insert.bind("sec_y", acme.id, a.clientId).run();
    expect(await countRows("client_secrets", acme.id)).toBe(2);
    expect(await countRows("client_secrets", globex.id)).toBe(0);
  });

  it("refuses rows of a tenant that does not exist", async () => {
    const now = 0;
    await expect(
      env.DB.prepare(
        "INSERT INTO users (id, tenant_id, custom_attributes, created_at, updated_at) VALUES ('usr_x', 'ten_missing', '{}', ?, ?)",
      )
        .bind(now, now)
        .run(),
    ).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await expect(
      env.DB.prepare(
        "INSERT INTO roles (id, tenant_id, name, created_at, updated_at) VALUES ('rol_x', 'ten_missing', 'r', ?, ?)",
      )
        .bind(now, now)
        .run(),
    ).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });

  it("enforces the composite keys through drizzle too (a user of one tenant, a credential row of another)", async () => {
    const acme = await newTenant("acme");
    const globex = await newTenant("globex");
    const user = await directoryOf(acme).users.create({ email: "ana@example.com" });
    const { drizzle } = await import("drizzle-orm/d1");
    const db = drizzle(env.DB, { schema });
    const error: unknown = await db
      .insert(schema.passwordCredentials)
      .values({ userId: user.id, tenantId: globex.id, hash: "h", createdAt: 0, updatedAt: 0 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(foreignKeyViolation(error), String(error)).toBe(true);
    expect(await countRows("password_credentials", globex.id)).toBe(0);
    expect(await countRows("password_credentials", acme.id)).toBe(0);
  });
});

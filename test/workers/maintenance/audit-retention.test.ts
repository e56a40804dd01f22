// The hourly job deletes audit events older than each tenant's audit_retention_days, in
// bounded batches: old rows go, recent ones stay, each tenant by its own setting.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { openTenantRegistry } from "../../../src/directory";
import { AUDIT_PRUNE_BATCH, AUDIT_PRUNE_MAX_BATCHES, pruneAuditTrail } from "../../../src/maintenance";
import { call, createTenant, operatorToken } from "../helpers";

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

async function tenantIdOf(slug: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM tenants WHERE slug = ?").bind(slug).first<{ id: string }>();
  return row!.id;
}

/** Writes `count` audit events of `type` into the tenant, `ageDays` old (one statement). */
async function seedEvents(tenantId: string, type: string, ageDays: number, count: number): Promise<void> {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO audit_events (id, tenant_id, type, actor_type, details, created_at)
     SELECT 'evt_seed' || ? || '_' || ? || '_' || i, ?, ?, 'system', '{}', ? FROM n`,
  )
    .bind(count, type, ageDays, tenantId, type, now() - ageDays * DAY)
    .run();
}

async function countEvents(tenantId: string, type?: string): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT count(*) AS n FROM audit_events WHERE tenant_id = ?${type ? " AND type = ?" : ""}`,
  )
    .bind(...(type ? [tenantId, type] : [tenantId]))
    .first<{ n: number }>();
  return row!.n;
}

async function runCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("audit retention", () => {
  it("deletes each tenant's events past its own retention and keeps the recent ones", async () => {
    const admin = await operatorToken();
    await createTenant(admin, "acme", { audit_retention_days: 30 });
    await createTenant(admin, "globex"); // the default: 365 days
    const [acme, globex] = [await tenantIdOf("acme"), await tenantIdOf("globex")];
    await seedEvents(acme, "old", 31, 40);
    await seedEvents(acme, "recent", 29, 15);
    await seedEvents(globex, "old", 400, 25);
    await seedEvents(globex, "kept", 31, 20);
    await seedEvents(globex, "recent", 1, 5);
    // Real events of today, written by management calls.
    await call("POST", "/admin/v1/tenants/acme/users", { token: admin, body: { email: "ana@example.com" } });
    const acmeToday = await countEvents(acme, "user.created");
    expect(acmeToday).toBe(1);

    await runCron();

    expect(await countEvents(acme, "old")).toBe(0);
    expect(await countEvents(acme, "recent")).toBe(15);
    expect(await countEvents(acme, "user.created")).toBe(1);
    expect(await countEvents(globex, "old")).toBe(0);
    expect(await countEvents(globex, "kept")).toBe(20);
    expect(await countEvents(globex, "recent")).toBe(5);

    // Shortening globex's retention takes effect at the next run.
    const patched = await call("PATCH", "/admin/v1/tenants/globex", {
      token: admin,
      body: { audit_retention_days: 30 },
    });
    expect(patched.status).toBe(200);
    await runCron();
    expect(await countEvents(globex, "kept")).toBe(0);
    expect(await countEvents(globex, "recent")).toBe(5);
    expect(await countEvents(acme, "recent")).toBe(15);
  });

  it("reports what it deleted, and keeps events exactly at the edge of the retention", async () => {
    const admin = await operatorToken();
    await createTenant(admin, "acme", { audit_retention_days: 30 });
    const id = await tenantIdOf("acme");
    const at = now();
    await env.DB.batch(
      [
        ["edge", at - 30 * DAY],
        ["past-edge", at - 30 * DAY - 1],
      ].map(([type, createdAt], index) =>
        env.DB.prepare(
          "INSERT INTO audit_events (id, tenant_id, type, actor_type, details, created_at) VALUES (?, ?, ?, 'system', '{}', ?)",
        ).bind(`evt_edge_${index}`, id, type, createdAt),
      ),
    );
    const tenant = (await openTenantRegistry(env).findBySlug("acme"))!;
    expect(await pruneAuditTrail(env, tenant, at)).toBe(1);
    expect(await countEvents(id, "edge")).toBe(1);
    expect(await countEvents(id, "past-edge")).toBe(0);
  });

  it("works in bounded batches: a backlog larger than one run's budget goes over several runs", async () => {
    const admin = await operatorToken();
    await createTenant(admin, "acme", { audit_retention_days: 30 });
    const id = await tenantIdOf("acme");
    const budget = AUDIT_PRUNE_BATCH * AUDIT_PRUNE_MAX_BATCHES;
    await seedEvents(id, "old", 100, budget + 123);
    await seedEvents(id, "recent", 2, 7);
    const tenant = (await openTenantRegistry(env).findBySlug("acme"))!;

    expect(await pruneAuditTrail(env, tenant)).toBe(budget);
    expect(await countEvents(id, "old")).toBe(123);
    expect(await pruneAuditTrail(env, tenant)).toBe(123);
    expect(await countEvents(id, "old")).toBe(0);
    expect(await pruneAuditTrail(env, tenant)).toBe(0);
    expect(await countEvents(id, "recent")).toBe(7);
  });
});

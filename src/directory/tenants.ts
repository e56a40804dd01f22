// The tenant registry: the one table not scoped by a tenant. Lookups by slug go through
// the KV cache because every request under /t/{slug} and /admin/v1/tenants/{slug} needs one.
import { and, asc, eq, gt, inArray, lt } from "drizzle-orm";
import type { Env } from "../env";
import { cacheKeys, invalidate, readThrough } from "../storage/cache";
import type { Database, RequestStats } from "../storage/database";
import { uniqueViolation } from "../storage/errors";
import { newId } from "../storage/ids";
import { auditEvents, tenants } from "../storage/schema";
import { nowSeconds, SYSTEM_TENANT_ID } from "../config";
import { atomically } from "../storage/batch";
import { auditStatements, type AuditEventInput } from "./audit";
import { ConflictError } from "./errors";

export type Tenant = typeof tenants.$inferSelect;

/** Everything about a tenant an operator may set. */
export type TenantSettings = Omit<Tenant, "id" | "slug" | "createdAt" | "updatedAt">;

function withTenant(audit: AuditEventInput, id: string, slug: string): AuditEventInput {
  return { ...audit, details: { ...audit.details, tenant_id: id, tenant: slug } };
}

// KV keeps a copy 10 minutes at most: a reader that loaded just before a change can
// write the old value back after the writer's invalidation, and this bounds how long.
const TENANT_CACHE = { memorySeconds: 30, kvSeconds: 600 };

export function tenantRegistry(env: Env, db: Database, stats?: RequestStats) {
  return {
    /** Cached: KV and isolate memory first, D1 on a miss. */
    findBySlug(slug: string): Promise<Tenant | null> {
      return readThrough(env.CACHE, stats, cacheKeys.tenantBySlug(slug), TENANT_CACHE, async () => {
        const [row] = await db.select().from(tenants).where(eq(tenants.slug, slug)).limit(1);
        return row ?? null;
      });
    },

    /** Straight from D1, for checks that must not act on a cached copy. */
    async get(id: string): Promise<Tenant | null> {
      const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
      return row ?? null;
    },

    list(options: { limit: number; after?: string }): Promise<Tenant[]> {
      return db
        .select()
        .from(tenants)
        .where(options.after ? gt(tenants.id, options.after) : undefined)
        .orderBy(asc(tenants.id))
        .limit(options.limit);
    },

    /** Tenant lifecycle events are recorded in the `system` tenant's audit trail. */
    async create(slug: string, settings: Partial<TenantSettings>, audit?: AuditEventInput): Promise<Tenant> {
      const now = nowSeconds();
      const id = newId("ten");
      try {
        const [[row]] = await atomically(db, [
          db
            .insert(tenants)
            .values({
              ...settings,
              id,
              slug,
              displayName: settings.displayName ?? slug,
              createdAt: now,
              updatedAt: now,
            })
            .returning(),
          ...auditStatements(db, SYSTEM_TENANT_ID, audit && withTenant(audit, id, slug)),
        ]);
        await invalidate(env.CACHE, cacheKeys.tenantBySlug(slug));
        return row!;
      } catch (error) {
        if (uniqueViolation(error)) throw new ConflictError("slug", `a tenant with slug '${slug}' exists`);
        throw error;
      }
    },

    async update(tenant: Tenant, settings: Partial<TenantSettings>, audit?: AuditEventInput): Promise<Tenant> {
      const [[row]] = await atomically(db, [
        db
          .update(tenants)
          .set({ ...settings, updatedAt: nowSeconds() })
          .where(eq(tenants.id, tenant.id))
          .returning(),
        ...auditStatements(db, SYSTEM_TENANT_ID, audit && withTenant(audit, tenant.id, tenant.slug)),
      ]);
      await invalidate(env.CACHE, cacheKeys.tenantBySlug(tenant.slug));
      return row ?? tenant;
    },

    /**
     * Deletes up to `limit` audit events of the tenant written before `before` (Unix
     * seconds); answers how many went. The subquery walks the tenant's index in id (so
     * time) order, where old events come first.
     */
    async pruneAuditEvents(tenantId: string, before: number, limit: number): Promise<number> {
      const oldest = db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenantId), lt(auditEvents.createdAt, before)))
        .orderBy(asc(auditEvents.id))
        .limit(limit);
      const result = await db
        .delete(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenantId), inArray(auditEvents.id, oldest)))
        .run();
      return result.meta.changes ?? 0;
    },

    /** Deletes the tenant; foreign keys cascade to every row of its directory. */
    async delete(tenant: Tenant, audit?: AuditEventInput): Promise<void> {
      await atomically(db, [
        db.delete(tenants).where(eq(tenants.id, tenant.id)),
        ...auditStatements(db, SYSTEM_TENANT_ID, audit && withTenant(audit, tenant.id, tenant.slug)),
      ]);
      await invalidate(
        env.CACHE,
        cacheKeys.tenantBySlug(tenant.slug),
        cacheKeys.jwks(tenant.id),
        cacheKeys.signingKeys(tenant.id),
        cacheKeys.resources(tenant.id),
      );
    },
  };
}

export type TenantRegistry = ReturnType<typeof tenantRegistry>;

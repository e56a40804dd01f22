// API resources of one tenant: the audiences access tokens are issued for (RFC 8707)
// and the scopes each defines. The token endpoint reads them from the KV cache.
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { nowSeconds } from "../config";
import type { Env } from "../env";
import { cacheKeys, invalidate, readThrough } from "../storage/cache";
import { atomically, chunked, IN_LIST_CHUNK } from "../storage/batch";
import type { Database, RequestStats } from "../storage/database";
import { uniqueViolation } from "../storage/errors";
import { newId } from "../storage/ids";
import { apiResources, rolePermissions, tenants } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";
import { ConflictError } from "./errors";

export type ApiResource = typeof apiResources.$inferSelect;
export type ApiResourceInput = Pick<ApiResource, "identifier" | "name" | "scopes"> &
  Partial<Pick<ApiResource, "accessTokenTtl" | "signingAlg">>;

// KV keeps a copy 10 minutes at most: a reader that loaded just before a change can
// write the old value back after the writer's invalidation, and this bounds how long.
const RESOURCE_CACHE = { memorySeconds: 30, kvSeconds: 600 };

export function resourcesRepository(env: Env, db: Database, tenantId: string, stats?: RequestStats) {
  const inTenant = eq(apiResources.tenantId, tenantId);
  const forget = () => invalidate(env.CACHE, cacheKeys.resources(tenantId));

  function identifierConflict(error: unknown, identifier: string): never {
    if (uniqueViolation(error))
      throw new ConflictError("identifier", `an API resource with identifier '${identifier}' exists`);
    throw error;
  }

  return {
    async get(id: string): Promise<ApiResource | null> {
      const [row] = await db
        .select()
        .from(apiResources)
        .where(and(inTenant, eq(apiResources.id, id)))
        .limit(1);
      return row ?? null;
    },

    /** Every resource of the tenant, cached: token requests look audiences up here. */
    async all(): Promise<ApiResource[]> {
      const cached = await readThrough(env.CACHE, stats, cacheKeys.resources(tenantId), RESOURCE_CACHE, () =>
        db.select().from(apiResources).where(inTenant).orderBy(asc(apiResources.id)),
      );
      return cached ?? [];
    },

    async findByIdentifiers(identifiers: string[]): Promise<ApiResource[]> {
      const found = await Promise.all(
        chunked(identifiers, IN_LIST_CHUNK).map((some) =>
          db
            .select()
            .from(apiResources)
            .where(and(inTenant, inArray(apiResources.identifier, some))),
        ),
      );
      return found.flat();
    },

    list(options: { limit: number; after?: string }): Promise<ApiResource[]> {
      return db
        .select()
        .from(apiResources)
        .where(and(inTenant, options.after ? gt(apiResources.id, options.after) : undefined))
        .orderBy(asc(apiResources.id))
        .limit(options.limit);
    },

    async create(input: ApiResourceInput, audit?: AuditEventInput): Promise<ApiResource> {
      const now = nowSeconds();
      const id = newId("res");
      try {
        const [rows] = await atomically(db, [
          db
            .insert(apiResources)
            .values({ ...input, id, tenantId, createdAt: now, updatedAt: now })
            .returning(),
          ...auditStatements(db, tenantId, audit && { ...audit, details: { ...audit.details, resource_id: id } }),
        ]);
        await forget();
        return rows[0]!;
      } catch (error) {
        identifierConflict(error, input.identifier);
      }
    },

    /**
     * Updates a resource. Scopes that disappear are removed from every role's
     * permissions in the same transaction, so no role keeps a scope that no longer exists.
     */
    async update(id: string, input: Partial<ApiResourceInput>, audit?: AuditEventInput): Promise<ApiResource | null> {
      try {
        const [rows] = await atomically(db, [
          db
            .update(apiResources)
            .set({ ...input, updatedAt: nowSeconds() })
            .where(and(inTenant, eq(apiResources.id, id)))
            .returning(),
          ...(input.scopes
            ? [
                db.delete(rolePermissions).where(
                  and(
                    eq(rolePermissions.tenantId, tenantId),
                    eq(rolePermissions.resourceId, id),
                    // The kept scopes travel as one JSON parameter, however many there are
                    // (D1 binds at most 100 parameters per statement).
                    sql`${rolePermissions.scope} NOT IN (SELECT json_extract(value, '$.value') FROM json_each(${JSON.stringify(input.scopes)}))`,
                  ),
                ),
              ]
            : []),
          ...auditStatements(db, tenantId, audit),
        ]);
        await forget();
        return rows[0] ?? null;
      } catch (error) {
        identifierConflict(error, input.identifier ?? "");
      }
    },

    /** Deletes the resource, its role permissions (cascade) and any tenant default naming it. */
    async delete(resource: ApiResource, audit?: AuditEventInput): Promise<void> {
      await atomically(db, [
        db.delete(apiResources).where(and(inTenant, eq(apiResources.id, resource.id))),
        db
          .update(tenants)
          .set({ defaultResource: null, updatedAt: nowSeconds() })
          .where(and(eq(tenants.id, tenantId), eq(tenants.defaultResource, resource.identifier))),
        ...auditStatements(db, tenantId, audit),
      ]);
      await forget();
    },
  };
}

export type ResourcesRepository = ReturnType<typeof resourcesRepository>;

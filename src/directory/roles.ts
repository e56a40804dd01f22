// Roles of one tenant, the permissions (resource + scope) each grants, and which users
// hold them. A role and its permission set are always written in one transaction.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { nowSeconds } from "../config";
import { atomically, atomicallyAll, chunked, IN_LIST_CHUNK } from "../storage/batch";
import type { Database } from "../storage/database";
import { uniqueViolation } from "../storage/errors";
import { newId } from "../storage/ids";
import { apiResources, rolePermissions, roles, userRoles } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";
import { ConflictError, UnknownReferenceError } from "./errors";

export type Role = typeof roles.$inferSelect;

/** A permission as the API speaks of it: the resource by its identifier. */
export interface Permission {
  resource: string;
  scope: string;
}

export interface RoleWithPermissions extends Role {
  permissions: Permission[];
}

export interface RoleInput {
  name: string;
  description?: string | null;
  permissions?: Permission[];
}

export function rolesRepository(db: Database, tenantId: string) {
  const inTenant = eq(roles.tenantId, tenantId);

  /** Maps API permissions to rows, refusing unknown resources or scopes. */
  async function permissionRows(roleId: string, permissions: Permission[]) {
    const identifiers = [...new Set(permissions.map((p) => p.resource))];
    const resources = (
      await Promise.all(
        chunked(identifiers, IN_LIST_CHUNK).map((some) =>
          db
            .select()
            .from(apiResources)
            .where(and(eq(apiResources.tenantId, tenantId), inArray(apiResources.identifier, some))),
        ),
      )
    ).flat();
    const byIdentifier = new Map(resources.map((r) => [r.identifier, r]));
    const rows = permissions.map((permission, index) => {
      const resource = byIdentifier.get(permission.resource);
      if (!resource)
        throw new UnknownReferenceError(
          `permissions/${index}/resource`,
          `no API resource with identifier '${permission.resource}'`,
        );
      if (!resource.scopes.some((s) => s.value === permission.scope))
        throw new UnknownReferenceError(
          `permissions/${index}/scope`,
          `API resource '${permission.resource}' defines no scope '${permission.scope}'`,
        );
      return { tenantId, roleId, resourceId: resource.id, scope: permission.scope };
    });
    // The same permission listed twice is one permission.
    const seen = new Set<string>();
    return rows.filter((r) => {
      const key = `${r.resourceId} ${r.scope}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  async function permissionsOf(roleIds: string[]): Promise<Map<string, Permission[]>> {
    const result = new Map<string, Permission[]>(roleIds.map((id) => [id, []]));
    const pages = await Promise.all(
      chunked(roleIds, IN_LIST_CHUNK).map((some) =>
        db
          .select({ roleId: rolePermissions.roleId, resource: apiResources.identifier, scope: rolePermissions.scope })
          .from(rolePermissions)
          .innerJoin(
            apiResources,
            and(eq(apiResources.tenantId, rolePermissions.tenantId), eq(apiResources.id, rolePermissions.resourceId)),
          )
          .where(and(eq(rolePermissions.tenantId, tenantId), inArray(rolePermissions.roleId, some)))
          .orderBy(asc(apiResources.identifier), asc(rolePermissions.scope)),
      ),
    );
    for (const row of pages.flat()) result.get(row.roleId)?.push({ resource: row.resource, scope: row.scope });
    return result;
  }

  function nameConflict(error: unknown, name: string): never {
    if (uniqueViolation(error)) throw new ConflictError("name", `a role named '${name}' exists`);
    throw error;
  }

  return {
    async get(id: string): Promise<RoleWithPermissions | null> {
      const [row] = await db
        .select()
        .from(roles)
        .where(and(inTenant, eq(roles.id, id)))
        .limit(1);
      if (!row) return null;
      const permissions = await permissionsOf([row.id]);
      return { ...row, permissions: permissions.get(row.id) ?? [] };
    },

    async list(options: { limit: number; after?: string }): Promise<RoleWithPermissions[]> {
      const rows = await db
        .select()
        .from(roles)
        .where(and(inTenant, options.after ? gt(roles.id, options.after) : undefined))
        .orderBy(asc(roles.id))
        .limit(options.limit);
      const permissions = await permissionsOf(rows.map((r) => r.id));
      return rows.map((r) => ({ ...r, permissions: permissions.get(r.id) ?? [] }));
    },

    async create(input: RoleInput, audit?: AuditEventInput): Promise<RoleWithPermissions> {
      const now = nowSeconds();
      const id = newId("rol");
      const rows = await permissionRows(id, input.permissions ?? []);
      try {
        await db.batch([
          db.insert(roles).values({
            id,
            tenantId,
            name: input.name,
            description: input.description ?? null,
            createdAt: now,
            updatedAt: now,
          }),
          ...rows.map((row) => db.insert(rolePermissions).values(row)),
          ...auditStatements(db, tenantId, audit && { ...audit, details: { ...audit.details, role_id: id } }),
        ]);
      } catch (error) {
        nameConflict(error, input.name);
      }
      return (await this.get(id))!;
    },

    /** Updates name or description; a given `permissions` list replaces the old one. */
    async update(id: string, input: Partial<RoleInput>, audit?: AuditEventInput): Promise<RoleWithPermissions | null> {
      const existing = await this.get(id);
      if (!existing) return null;
      const rows = input.permissions ? await permissionRows(id, input.permissions) : null;
      const { permissions: _ignored, ...fields } = input;
      try {
        await db.batch([
          db
            .update(roles)
            .set({ ...fields, updatedAt: nowSeconds() })
            .where(and(inTenant, eq(roles.id, id))),
          ...(rows
            ? [
                db
                  .delete(rolePermissions)
                  .where(and(eq(rolePermissions.tenantId, tenantId), eq(rolePermissions.roleId, id))),
                ...rows.map((row) => db.insert(rolePermissions).values(row)),
              ]
            : []),
          ...auditStatements(db, tenantId, audit),
        ]);
      } catch (error) {
        nameConflict(error, input.name ?? existing.name);
      }
      return this.get(id);
    },

    async delete(id: string, audit?: AuditEventInput): Promise<void> {
      await atomically(db, [
        db.delete(roles).where(and(inTenant, eq(roles.id, id))),
        ...auditStatements(db, tenantId, audit),
      ]);
    },

    async rolesOfUser(userId: string): Promise<RoleWithPermissions[]> {
      const rows = await db
        .select({ role: roles })
        .from(userRoles)
        .innerJoin(roles, and(eq(roles.tenantId, userRoles.tenantId), eq(roles.id, userRoles.roleId)))
        .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.userId, userId)))
        .orderBy(asc(roles.name));
      const permissions = await permissionsOf(rows.map((r) => r.role.id));
      return rows.map(({ role }) => ({ ...role, permissions: permissions.get(role.id) ?? [] }));
    },

    /** Gives the user every listed role (those already held are left as they are). */
    async assign(userId: string, roleIds: string[], audit?: AuditEventInput): Promise<void> {
      const unique = [...new Set(roleIds)];
      const found = (
        await Promise.all(
          chunked(unique, IN_LIST_CHUNK).map((some) =>
            db
              .select({ id: roles.id })
              .from(roles)
              .where(and(inTenant, inArray(roles.id, some))),
          ),
        )
      ).flat();
      const known = new Set(found.map((r) => r.id));
      const missing = roleIds.findIndex((id) => !known.has(id));
      if (missing >= 0) throw new UnknownReferenceError(`roles/${missing}`, `no role with id '${roleIds[missing]}'`);
      if (unique.length === 0) return;
      const now = nowSeconds();
      // Four parameters a row: 20 rows per statement stays under D1's 100.
      await atomicallyAll(db, [
        ...chunked(unique, 20).map((some) =>
          db
            .insert(userRoles)
            .values(some.map((roleId) => ({ tenantId, userId, roleId, createdAt: now })))
            .onConflictDoNothing(),
        ),
        ...auditStatements(db, tenantId, audit && { ...audit, userId }),
      ]);
    },

    async unassign(userId: string, roleId: string, audit?: AuditEventInput): Promise<boolean> {
      const [deleted] = await atomically(db, [
        db
          .delete(userRoles)
          .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.userId, userId), eq(userRoles.roleId, roleId)))
          .returning({ roleId: userRoles.roleId }),
        ...auditStatements(db, tenantId, audit && { ...audit, userId }),
      ]);
      return deleted.length > 0;
    },
  };
}

export type RolesRepository = ReturnType<typeof rolesRepository>;

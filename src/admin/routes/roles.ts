// Roles of a tenant: named sets of API permissions, assigned to users (see users.ts).
import * as z from "zod/mini";
import { notFound } from "../problem";
import { defineRoute, managementAudit, type AdminContext } from "../route";
import { listOf, page, paginationQuery } from "../schemas/common";
import { presentRole, roleCreateSchema, roleSchema, roleUpdateSchema } from "../schemas/roles";

const tenantOnly = z.object({ tenant: z.string() });
const roleParams = z.object({ tenant: z.string(), role_id: z.string() });

async function existingRole(c: AdminContext, id: string) {
  const role = await c.var.directory.roles.get(id);
  if (!role) throw notFound(`there is no role '${id}' in this tenant`);
  return role;
}

export const roleRoutes = [
  defineRoute({
    method: "post",
    path: "/tenants/{tenant}/roles",
    operationId: "createRole",
    summary: "Create a role",
    tag: "Roles",
    scope: "roles:write",
    access: "tenant",
    params: tenantOnly,
    body: roleCreateSchema,
    responses: {
      201: { description: "The role", schema: roleSchema },
      409: { description: "A role with this name exists" },
    },
    async handler(c, { body }) {
      const role = await c.var.directory.roles.create(
        { name: body.name, description: body.description ?? null, permissions: body.permissions ?? [] },
        managementAudit(c, "role.created", { name: body.name }),
      );
      return c.json(presentRole(role), 201, { Location: `/admin/v1/tenants/${c.var.target.slug}/roles/${role.id}` });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/roles",
    operationId: "listRoles",
    summary: "List roles",
    tag: "Roles",
    scope: "roles:read",
    access: "tenant",
    params: tenantOnly,
    query: paginationQuery,
    responses: { 200: { description: "A page of roles", schema: listOf(roleSchema) } },
    async handler(c, { query }) {
      const rows = await c.var.directory.roles.list({
        limit: query.limit + 1,
        ...(query.cursor ? { after: query.cursor } : {}),
      });
      return c.json(page(rows, query.limit, (r) => r.id, presentRole));
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/roles/{role_id}",
    operationId: "getRole",
    summary: "Get a role",
    tag: "Roles",
    scope: "roles:read",
    access: "tenant",
    params: roleParams,
    responses: { 200: { description: "The role", schema: roleSchema } },
    async handler(c, { params }) {
      return c.json(presentRole(await existingRole(c, params.role_id)));
    },
  }),
  defineRoute({
    method: "patch",
    path: "/tenants/{tenant}/roles/{role_id}",
    operationId: "updateRole",
    summary: "Update a role",
    description: "A `permissions` list replaces the role's permissions as a whole.",
    tag: "Roles",
    scope: "roles:write",
    access: "tenant",
    params: roleParams,
    body: roleUpdateSchema,
    responses: {
      200: { description: "The updated role", schema: roleSchema },
      409: { description: "A role with this name exists" },
    },
    async handler(c, { params, body }) {
      await existingRole(c, params.role_id);
      const updated = await c.var.directory.roles.update(
        params.role_id,
        body,
        managementAudit(c, "role.updated", { role: params.role_id, fields: Object.keys(body) }),
      );
      if (!updated) throw notFound(`there is no role '${params.role_id}' in this tenant`);
      return c.json(presentRole(updated));
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/roles/{role_id}",
    operationId: "deleteRole",
    summary: "Delete a role",
    description: "Also takes the role from every user holding it.",
    tag: "Roles",
    scope: "roles:write",
    access: "tenant",
    params: roleParams,
    responses: { 204: { description: "Deleted" } },
    async handler(c, { params }) {
      const role = await existingRole(c, params.role_id);
      await c.var.directory.roles.delete(
        role.id,
        managementAudit(c, "role.deleted", { role: role.id, name: role.name }),
      );
      return c.body(null, 204);
    },
  }),
];

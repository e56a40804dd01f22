// API resources of a tenant: the audiences tokens are issued for, with their scopes.
import * as z from "zod/mini";
import { invalidate, cacheKeys } from "../../storage/cache";
import { notFound } from "../problem";
import { defineRoute, managementAudit, type AdminContext } from "../route";
import { listOf, page, paginationQuery } from "../schemas/common";
import {
  presentResource,
  resourceChangesFrom,
  resourceCreateSchema,
  resourceSchema,
  resourceUpdateSchema,
} from "../schemas/resources";

const tenantOnly = z.object({ tenant: z.string() });
const resourceParams = z.object({ tenant: z.string(), resource_id: z.string() });

async function existingResource(c: AdminContext, id: string) {
  const resource = await c.var.directory.resources.get(id);
  if (!resource) throw notFound(`there is no API resource '${id}' in this tenant`);
  return resource;
}

export const resourceRoutes = [
  defineRoute({
    method: "post",
    path: "/tenants/{tenant}/resources",
    operationId: "createResource",
    summary: "Create an API resource",
    tag: "API resources",
    scope: "resources:write",
    access: "tenant",
    params: tenantOnly,
    body: resourceCreateSchema,
    responses: {
      201: { description: "The API resource", schema: resourceSchema },
      409: { description: "An API resource with this identifier exists" },
    },
    async handler(c, { body }) {
      const resource = await c.var.directory.resources.create(
        {
          identifier: body.identifier,
          name: body.name,
          scopes: body.scopes,
          accessTokenTtl: body.access_token_ttl ?? null,
          signingAlg: body.signing_alg,
        },
        managementAudit(c, "resource.created", { identifier: body.identifier }),
      );
      return c.json(presentResource(resource), 201, {
        Location: `/admin/v1/tenants/${c.var.target.slug}/resources/${resource.id}`,
      });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/resources",
    operationId: "listResources",
    summary: "List API resources",
    tag: "API resources",
    scope: "resources:read",
    access: "tenant",
    params: tenantOnly,
    query: paginationQuery,
    responses: { 200: { description: "A page of API resources", schema: listOf(resourceSchema) } },
    async handler(c, { query }) {
      const rows = await c.var.directory.resources.list({
        limit: query.limit + 1,
        ...(query.cursor ? { after: query.cursor } : {}),
      });
      return c.json(page(rows, query.limit, (r) => r.id, presentResource));
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/resources/{resource_id}",
    operationId: "getResource",
    summary: "Get an API resource",
    tag: "API resources",
    scope: "resources:read",
    access: "tenant",
    params: resourceParams,
    responses: { 200: { description: "The API resource", schema: resourceSchema } },
    async handler(c, { params }) {
      return c.json(presentResource(await existingResource(c, params.resource_id)));
    },
  }),
  defineRoute({
    method: "patch",
    path: "/tenants/{tenant}/resources/{resource_id}",
    operationId: "updateResource",
    summary: "Update an API resource",
    description: "The identifier cannot change: resource servers check it as the audience.",
    tag: "API resources",
    scope: "resources:write",
    access: "tenant",
    params: resourceParams,
    body: resourceUpdateSchema,
    responses: { 200: { description: "The updated API resource", schema: resourceSchema } },
    async handler(c, { params, body }) {
      await existingResource(c, params.resource_id);
      const updated = await c.var.directory.resources.update(
        params.resource_id,
        resourceChangesFrom(body),
        managementAudit(c, "resource.updated", { resource: params.resource_id, fields: Object.keys(body) }),
      );
      if (!updated) throw notFound(`there is no API resource '${params.resource_id}' in this tenant`);
      return c.json(presentResource(updated));
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/resources/{resource_id}",
    operationId: "deleteResource",
    summary: "Delete an API resource",
    description: "Removes its scopes from every role, and clears the tenant's default resource if it was this one.",
    tag: "API resources",
    scope: "resources:write",
    access: "tenant",
    params: resourceParams,
    responses: { 204: { description: "Deleted" } },
    async handler(c, { params }) {
      const resource = await existingResource(c, params.resource_id);
      await c.var.directory.resources.delete(
        resource,
        managementAudit(c, "resource.deleted", { resource: resource.id, identifier: resource.identifier }),
      );
      if (c.var.target.defaultResource === resource.identifier)
        await invalidate(c.env.CACHE, cacheKeys.tenantBySlug(c.var.target.slug));
      return c.body(null, 204);
    },
  }),
];

// Tenants: create, list, get, update, delete. System operators only.
import { SYSTEM_TENANT_SLUG } from "../../config";
import { openTenantRegistry, type Directory } from "../../directory";
import type { TenantSettings } from "../../directory/tenants";
import { checkJourneySettings } from "../journey-checks";
import { MANAGEMENT_AUDIENCE } from "../management-resource";
import { invalidField, Problem } from "../problem";
import { defineRoute, managementAudit } from "../route";
import { listOf, page, paginationQuery, tenantParams } from "../schemas/common";
import {
  presentTenant,
  tenantCreateSchema,
  tenantSchema,
  tenantSettingsFrom,
  tenantUpdateSchema,
} from "../schemas/tenants";

/** Journey settings as they will be after the change, checked against the tenant's attribute definitions. */
async function checkJourneyChange(
  directory: Directory | null,
  current: TenantSettings | null,
  changes: Partial<TenantSettings>,
) {
  const merged = {
    signUpAttributes: [],
    profilingRules: [],
    termsUrl: null,
    termsVersion: null,
    privacyUrl: null,
    privacyVersion: null,
    ...current,
    ...changes,
  };
  const defined = directory ? new Set((await directory.attributes.list()).map((d) => d.name)) : new Set<string>();
  checkJourneySettings(merged, defined, {
    signUpAttributes: changes.signUpAttributes !== undefined,
    profilingRules: changes.profilingRules !== undefined,
  });
}

/** A default resource must name the management API or one of the tenant's own resources. */
async function checkDefaultResource(directory: Directory | null, identifier: string | null | undefined) {
  if (!identifier || identifier === MANAGEMENT_AUDIENCE) return;
  const known = directory ? await directory.resources.findByIdentifiers([identifier]) : [];
  if (known.length === 0)
    throw invalidField(["default_resource"], `no API resource of this tenant has the identifier '${identifier}'`);
}

export const tenantRoutes = [
  defineRoute({
    method: "post",
    path: "/tenants",
    operationId: "createTenant",
    summary: "Create a tenant",
    description: "Creates an empty customer directory with its own issuer. Signing keys are generated on first use.",
    tag: "Tenants",
    scope: "tenants:write",
    access: "system",
    body: tenantCreateSchema,
    responses: { 201: { description: "The tenant", schema: tenantSchema } },
    async handler(c, { body }) {
      await checkDefaultResource(null, body.default_resource);
      const settings = tenantSettingsFrom(body);
      await checkJourneyChange(null, null, settings);
      const tenant = await openTenantRegistry(c.env, c.var.stats).create(
        body.slug,
        settings,
        managementAudit(c, "tenant.created"),
      );
      return c.json(presentTenant(c.env, tenant), 201, { Location: `/admin/v1/tenants/${tenant.slug}` });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants",
    operationId: "listTenants",
    summary: "List tenants",
    tag: "Tenants",
    scope: "tenants:read",
    access: "system",
    query: paginationQuery,
    responses: { 200: { description: "A page of tenants", schema: listOf(tenantSchema) } },
    async handler(c, { query }) {
      const rows = await openTenantRegistry(c.env, c.var.stats).list({
        limit: query.limit + 1,
        ...(query.cursor ? { after: query.cursor } : {}),
      });
      return c.json(
        page(
          rows,
          query.limit,
          (t) => t.id,
          (t) => presentTenant(c.env, t),
        ),
      );
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}",
    operationId: "getTenant",
    summary: "Get a tenant",
    tag: "Tenants",
    scope: "tenants:read",
    access: "system",
    params: tenantParams,
    responses: { 200: { description: "The tenant", schema: tenantSchema } },
    handler: (c) => c.json(presentTenant(c.env, c.var.target)),
  }),
  defineRoute({
    method: "patch",
    path: "/tenants/{tenant}",
    operationId: "updateTenant",
    summary: "Update a tenant's settings",
    description: "The slug, and so the issuer, cannot change: apps have it configured.",
    tag: "Tenants",
    scope: "tenants:write",
    access: "system",
    params: tenantParams,
    body: tenantUpdateSchema,
    responses: { 200: { description: "The updated tenant", schema: tenantSchema } },
    async handler(c, { body }) {
      await checkDefaultResource(c.var.directory, body.default_resource);
      const settings = tenantSettingsFrom(body);
      await checkJourneyChange(c.var.directory, c.var.target, settings);
      const updated = await openTenantRegistry(c.env, c.var.stats).update(
        c.var.target,
        settings,
        managementAudit(c, "tenant.updated", { fields: Object.keys(body) }),
      );
      return c.json(presentTenant(c.env, updated));
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}",
    operationId: "deleteTenant",
    summary: "Delete a tenant and its whole directory",
    description: "Removes every user, client, resource, role, key and audit event of the tenant. Cannot be undone.",
    tag: "Tenants",
    scope: "tenants:write",
    access: "system",
    params: tenantParams,
    responses: { 204: { description: "Deleted" } },
    async handler(c) {
      if (c.var.target.slug === SYSTEM_TENANT_SLUG)
        throw new Problem("conflict", "the system tenant holds the operators and cannot be deleted");
      await openTenantRegistry(c.env, c.var.stats).delete(c.var.target, managementAudit(c, "tenant.deleted"));
      return c.body(null, 204);
    },
  }),
];

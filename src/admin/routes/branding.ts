// The branding of a tenant's hosted pages and emails. Writes go through the appearance
// repository, which drops the cached copy pages read, so the next page shows the change.
import * as z from "zod/mini";
import { defineRoute, managementAudit, type AdminContext } from "../route";
import {
  brandingChangesFrom,
  brandingReplaceSchema,
  brandingSchema,
  brandingUpdateSchema,
  presentBranding,
} from "../schemas/branding";

const params = z.object({ tenant: z.string() });

async function save(c: AdminContext, body: Record<string, unknown>, replace: boolean) {
  const changes = brandingChangesFrom(body, replace);
  const saved = await c.var.directory.appearance.updateBranding(
    changes,
    managementAudit(c, "branding.updated", { fields: Object.keys(body), replaced: replace }),
  );
  return c.json(presentBranding(saved));
}

export const brandingRoutes = [
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/branding",
    operationId: "getBranding",
    summary: "Get the branding of the hosted pages",
    description: "Fields the tenant never set are null. The display name is a setting of the tenant itself.",
    tag: "Branding",
    scope: "branding:read",
    access: "tenant",
    params,
    responses: { 200: { description: "The branding", schema: brandingSchema } },
    async handler(c) {
      return c.json(presentBranding(await c.var.directory.appearance.branding()));
    },
  }),
  defineRoute({
    method: "put",
    path: "/tenants/{tenant}/branding",
    operationId: "replaceBranding",
    summary: "Replace the branding",
    description: "Sets every field; a field left out is cleared. Pages show the change at once.",
    tag: "Branding",
    scope: "branding:write",
    access: "tenant",
    params,
    body: brandingReplaceSchema,
    responses: { 200: { description: "The branding", schema: brandingSchema } },
    handler: (c, { body }) => save(c, body, true),
  }),
  defineRoute({
    method: "patch",
    path: "/tenants/{tenant}/branding",
    operationId: "updateBranding",
    summary: "Change some branding fields",
    description: "Changes the given fields only; `null` clears a field. Pages show the change at once.",
    tag: "Branding",
    scope: "branding:write",
    access: "tenant",
    params,
    body: brandingUpdateSchema,
    responses: { 200: { description: "The branding", schema: brandingSchema } },
    handler: (c, { body }) => save(c, body, false),
  }),
];

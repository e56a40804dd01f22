// Custom attribute definitions of a tenant. A definition a journey setting still names
// (sign_up_attributes, profiling_rules) cannot be deleted: the pages would silently stop
// collecting it.
import * as z from "zod/mini";
import { openTenantRegistry } from "../../directory";
import { settingUsing } from "../journey-checks";
import { notFound, Problem } from "../problem";
import { defineRoute, managementAudit, type AdminContext } from "../route";
import {
  attributeCreateSchema,
  attributeSchema,
  attributeUpdateSchema,
  definitionChangesFrom,
  definitionErrors,
  presentAttribute,
} from "../schemas/attributes";

const tenantParams = z.object({ tenant: z.string() });
const params = z.object({ tenant: z.string(), name: z.string() });

export const MAX_ATTRIBUTE_DEFINITIONS = 100;

async function existing(c: AdminContext, name: string) {
  const definition = await c.var.directory.attributes.get(name);
  if (!definition) throw notFound(`there is no custom attribute '${name}' in this tenant`);
  return definition;
}

function refuseInvalid(definition: Parameters<typeof definitionErrors>[0]) {
  const errors = definitionErrors(definition);
  if (errors.length)
    throw new Problem(
      "validation-failed",
      errors.length > 1 ? `${errors[0]!.detail} (and ${errors.length - 1} more)` : errors[0]!.detail,
      errors,
    );
}

export const attributeRoutes = [
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/attributes",
    operationId: "listAttributes",
    summary: "List custom attribute definitions",
    tag: "Attributes",
    scope: "attributes:read",
    access: "tenant",
    params: tenantParams,
    responses: {
      200: { description: "Every definition, by name", schema: z.object({ data: z.array(attributeSchema) }) },
    },
    async handler(c) {
      return c.json({ data: (await c.var.directory.attributes.list()).map(presentAttribute) });
    },
  }),
  defineRoute({
    method: "post",
    path: "/tenants/{tenant}/attributes",
    operationId: "createAttribute",
    summary: "Define a custom attribute",
    description:
      "Defines an attribute the sign-up, profiling and account pages can collect. Name it in the tenant's sign_up_attributes or profiling_rules to collect it.",
    tag: "Attributes",
    scope: "attributes:write",
    access: "tenant",
    params: tenantParams,
    body: attributeCreateSchema,
    responses: {
      201: { description: "The definition", schema: attributeSchema },
      409: { description: "The tenant has an attribute of this name, or as many as it may have" },
    },
    async handler(c, { body }) {
      const input = {
        name: body.name,
        type: body.type,
        labels: body.labels as Record<string, string>,
        required: body.required ?? false,
        minLength: body.min_length ?? null,
        maxLength: body.max_length ?? null,
        pattern: body.pattern ?? null,
        enumValues: body.enum_values ?? null,
      };
      refuseInvalid(input);
      if ((await c.var.directory.attributes.list()).length >= MAX_ATTRIBUTE_DEFINITIONS)
        throw new Problem("conflict", `a tenant may define at most ${MAX_ATTRIBUTE_DEFINITIONS} custom attributes`);
      const created = await c.var.directory.attributes.create(
        input,
        managementAudit(c, "attribute.created", { name: input.name, type: input.type }),
      );
      return c.json(presentAttribute(created), 201, {
        Location: `/admin/v1/tenants/${c.var.target.slug}/attributes/${created.name}`,
      });
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/attributes/{name}",
    operationId: "getAttribute",
    summary: "Get a custom attribute definition",
    tag: "Attributes",
    scope: "attributes:read",
    access: "tenant",
    params,
    responses: { 200: { description: "The definition", schema: attributeSchema } },
    async handler(c, { params }) {
      return c.json(presentAttribute(await existing(c, params.name)));
    },
  }),
  defineRoute({
    method: "patch",
    path: "/tenants/{tenant}/attributes/{name}",
    operationId: "updateAttribute",
    summary: "Change a custom attribute definition",
    description:
      "Changes the given fields; `null` clears one. The name and type cannot change. Values users already have are kept; new rules apply to what they type next.",
    tag: "Attributes",
    scope: "attributes:write",
    access: "tenant",
    params,
    body: attributeUpdateSchema,
    responses: { 200: { description: "The definition", schema: attributeSchema } },
    async handler(c, { params, body }) {
      const current = await existing(c, params.name);
      const changes = definitionChangesFrom(body);
      refuseInvalid({ ...current, ...changes });
      const updated = await c.var.directory.attributes.update(
        current.name,
        changes,
        managementAudit(c, "attribute.updated", { name: current.name, fields: Object.keys(body) }),
      );
      if (!updated) throw notFound(`there is no custom attribute '${params.name}' in this tenant`);
      return c.json(presentAttribute(updated));
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/attributes/{name}",
    operationId: "deleteAttribute",
    summary: "Delete a custom attribute definition",
    description:
      "Refused (409) while sign_up_attributes or a profiling rule names it. Values users already have stay in their custom_attributes.",
    tag: "Attributes",
    scope: "attributes:write",
    access: "tenant",
    params,
    responses: {
      204: { description: "Deleted" },
      409: { description: "A journey setting of the tenant still names the attribute" },
    },
    async handler(c, { params }) {
      const definition = await existing(c, params.name);
      const tenant = (await openTenantRegistry(c.env, c.var.stats).get(c.var.target.id)) ?? c.var.target;
      const setting = settingUsing(tenant, definition.name);
      if (setting)
        throw new Problem(
          "conflict",
          `the tenant's ${setting} still names '${definition.name}'; remove it there first`,
        );
      const deleted = await c.var.directory.attributes.delete(
        definition.name,
        managementAudit(c, "attribute.deleted", { name: definition.name }),
      );
      if (!deleted) throw notFound(`there is no custom attribute '${params.name}' in this tenant`);
      return c.body(null, 204);
    },
  }),
];

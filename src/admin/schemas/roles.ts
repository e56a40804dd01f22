import { toRfc3339 } from "../../config";
import type { RoleWithPermissions } from "../../directory";
import { isScopeToken } from "../../oidc/scopes";
import { absoluteUriSchema, described, text, timestamp } from "./common";
import * as z from "zod/mini";

const permissionSchema = z.strictObject({
  resource: described(absoluteUriSchema, "Identifier of an API resource of the tenant"),
  scope: z.string().check(z.maxLength(100), z.refine(isScopeToken, "is not a valid scope value")),
});

const roleShape = {
  name: text(100),
  description: z.nullable(z.string().check(z.trim(), z.maxLength(500))),
  permissions: described(
    z.array(permissionSchema).check(z.maxLength(200, "at most 200 permissions")),
    "Scopes of API resources the role grants",
  ),
};

export const roleCreateSchema = z.strictObject({
  name: roleShape.name,
  description: z.optional(roleShape.description),
  permissions: z.optional(roleShape.permissions),
});

export const roleUpdateSchema = z.partial(z.strictObject(roleShape));

export const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.nullable(z.string()),
  permissions: z.array(z.object({ resource: z.string(), scope: z.string() })),
  created_at: timestamp,
  updated_at: timestamp,
});

export function presentRole(role: RoleWithPermissions): z.infer<typeof roleSchema> {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: role.permissions,
    created_at: toRfc3339(role.createdAt)!,
    updated_at: toRfc3339(role.updatedAt)!,
  };
}

import { z } from "zod";
import { toRfc3339 } from "../../config";
import type { RoleWithPermissions } from "../../directory";
import { isScopeToken } from "../../oidc/scopes";
import { absoluteUriSchema, timestamp } from "./common";

const permissionSchema = z
  .object({
    resource: absoluteUriSchema.describe("Identifier of an API resource of the tenant"),
    scope: z.string().max(100).refine(isScopeToken, "is not a valid scope value"),
  })
  .strict();

const roleFields = {
  name: z.string().trim().min(1, "must not be empty").max(100),
  description: z.string().trim().max(500).nullable(),
  permissions: z.array(permissionSchema).max(200).describe("Scopes of API resources the role grants"),
};

export const roleCreateSchema = z
  .object(roleFields)
  .partial({ description: true, permissions: true })
  .strict();

export const roleUpdateSchema = z.object(roleFields).partial().strict();

export const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
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

import { toRfc3339 } from "../../config";
import type { ApiResource, ApiResourceInput } from "../../directory";
import { isScopeToken } from "../../oidc/scopes";
import { isManagementScope, MANAGEMENT_AUDIENCE } from "../management-resource";
import { absoluteUriSchema, described, text, timestamp, tokenTtlSchema } from "./common";
import * as z from "zod/mini";

const scopeSchema = z.strictObject({
  value: z.string().check(
    z.minLength(1),
    z.maxLength(100),
    z.refine(isScopeToken, "is not a valid scope value (RFC 6749 3.3)"),
    // Clients hold one flat scope list: an API scope named like a management scope would
    // let a grant meant for the API reach the management API.
    z.refine((value) => !isManagementScope(value), "is reserved for the management API"),
  ),
  description: z.optional(z.string().check(z.trim(), z.maxLength(300))),
});

const scopesSchema = described(
  z.array(scopeSchema).check(
    z.maxLength(100, "at most 100 scopes per resource"),
    z.superRefine((scopes, ctx) => {
      const seen = new Set<string>();
      scopes.forEach((scope, index) => {
        if (seen.has(scope.value))
          ctx.addIssue({
            code: "custom",
            path: [index, "value"],
            message: `scope '${scope.value}' is listed twice`,
            input: scopes,
          });
        seen.add(scope.value);
      });
    }),
  ),
  "Scopes the API defines",
);

const signingAlgSchema = z.enum(["ES256", "RS256"], "must be ES256 or RS256");

export const resourceCreateSchema = z.strictObject({
  identifier: described(
    absoluteUriSchema.check(z.refine((id) => id !== MANAGEMENT_AUDIENCE, "is reserved for the management API")),
    "Audience URI that clients pass as `resource` (RFC 8707); cannot change later",
  ),
  name: text(100),
  scopes: z._default(scopesSchema, []),
  access_token_ttl: z.optional(described(z.nullable(tokenTtlSchema), "Overrides the tenant's access token lifetime")),
  signing_alg: z._default(described(signingAlgSchema, "Algorithm access tokens for this API are signed with"), "ES256"),
});

export const resourceUpdateSchema = z.partial(
  z.strictObject({
    name: text(100),
    scopes: described(scopesSchema, "Replaces the scope list; removed scopes leave every role"),
    access_token_ttl: z.nullable(tokenTtlSchema),
    signing_alg: signingAlgSchema,
  }),
);

export const resourceSchema = z.object({
  id: z.string(),
  identifier: z.string(),
  name: z.string(),
  scopes: z.array(z.object({ value: z.string(), description: z.optional(z.string()) })),
  access_token_ttl: z.nullable(z.int()),
  signing_alg: z.enum(["ES256", "RS256"]),
  created_at: timestamp,
  updated_at: timestamp,
});

export function presentResource(resource: ApiResource): z.infer<typeof resourceSchema> {
  return {
    id: resource.id,
    identifier: resource.identifier,
    name: resource.name,
    scopes: resource.scopes,
    access_token_ttl: resource.accessTokenTtl,
    signing_alg: resource.signingAlg,
    created_at: toRfc3339(resource.createdAt)!,
    updated_at: toRfc3339(resource.updatedAt)!,
  };
}

export function resourceChangesFrom(body: z.infer<typeof resourceUpdateSchema>): Partial<ApiResourceInput> {
  const changes: Partial<ApiResourceInput> = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.scopes !== undefined) changes.scopes = body.scopes;
  if (body.access_token_ttl !== undefined) changes.accessTokenTtl = body.access_token_ttl;
  if (body.signing_alg !== undefined) changes.signingAlg = body.signing_alg;
  return changes;
}

import { z } from "zod";
import { toRfc3339 } from "../../config";
import type { ApiResource, ApiResourceInput } from "../../directory";
import { isScopeToken } from "../../oidc/scopes";
import { MANAGEMENT_AUDIENCE } from "../management-resource";
import { absoluteUriSchema, timestamp, tokenTtlSchema } from "./common";

const scopeSchema = z
  .object({
    value: z.string().min(1).max(100).refine(isScopeToken, "is not a valid scope value (RFC 6749 3.3)"),
    description: z.string().trim().max(300).optional(),
  })
  .strict();

const scopesSchema = z
  .array(scopeSchema)
  .max(100, "at most 100 scopes per resource")
  .superRefine((scopes, ctx) => {
    const seen = new Set<string>();
    scopes.forEach((scope, index) => {
      if (seen.has(scope.value))
        ctx.addIssue({ code: "custom", path: [index, "value"], message: `scope '${scope.value}' is listed twice` });
      seen.add(scope.value);
    });
  })
  .describe("Scopes the API defines");

export const resourceCreateSchema = z
  .object({
    identifier: absoluteUriSchema
      .refine((id) => id !== MANAGEMENT_AUDIENCE, "is reserved for the management API")
      .describe("Audience URI that clients pass as `resource` (RFC 8707); cannot change later"),
    name: z.string().trim().min(1, "must not be empty").max(100),
    scopes: scopesSchema.default([]),
    access_token_ttl: tokenTtlSchema.nullable().optional().describe("Overrides the tenant's access token lifetime"),
    signing_alg: z.enum(["ES256", "RS256"]).default("ES256").describe("Algorithm access tokens for this API are signed with"),
  })
  .strict();

export const resourceUpdateSchema = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(100),
    scopes: scopesSchema.describe("Replaces the scope list; removed scopes leave every role"),
    access_token_ttl: tokenTtlSchema.nullable(),
    signing_alg: z.enum(["ES256", "RS256"]),
  })
  .partial()
  .strict();

export const resourceSchema = z.object({
  id: z.string(),
  identifier: z.string(),
  name: z.string(),
  scopes: z.array(z.object({ value: z.string(), description: z.string().optional() })),
  access_token_ttl: z.number().int().nullable(),
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

import { z } from "zod";
import { issuerFor, toRfc3339 } from "../../config";
import type { Tenant, TenantSettings } from "../../directory/tenants";
import type { Env } from "../../env";
import { absoluteUriSchema, slugSchema, timestamp, tokenTtlSchema } from "./common";

const settingsFields = {
  display_name: z.string().trim().min(1, "must not be empty").max(100).describe("Name shown to customers"),
  default_resource: absoluteUriSchema
    .nullable()
    .describe("Identifier of the API resource tokens are for when a request names none"),
  access_token_ttl: tokenTtlSchema.describe("Default access token lifetime in seconds"),
  signing_key_rotation_days: z
    .number()
    .int()
    .min(1, "must be at least 1 day")
    .max(365, "must be at most 365 days")
    .describe("Age at which the scheduled job rotates a signing key"),
};

export const tenantCreateSchema = z
  .object({ slug: slugSchema, ...settingsFields })
  .partial({ display_name: true, default_resource: true, access_token_ttl: true, signing_key_rotation_days: true })
  .strict();

export const tenantUpdateSchema = z.object(settingsFields).partial().strict();

export const tenantSchema = z.object({
  slug: z.string(),
  issuer: z.url().describe("The tenant's OpenID issuer: {PUBLIC_BASE_URL}/t/{slug}"),
  display_name: z.string(),
  default_resource: z.string().nullable(),
  access_token_ttl: z.number().int(),
  signing_key_rotation_days: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
});

export function presentTenant(env: Env, tenant: Tenant): z.infer<typeof tenantSchema> {
  return {
    slug: tenant.slug,
    issuer: issuerFor(env, tenant.slug),
    display_name: tenant.displayName,
    default_resource: tenant.defaultResource,
    access_token_ttl: tenant.accessTokenTtl,
    signing_key_rotation_days: tenant.signingKeyRotationDays,
    created_at: toRfc3339(tenant.createdAt)!,
    updated_at: toRfc3339(tenant.updatedAt)!,
  };
}

export function tenantSettingsFrom(input: z.infer<typeof tenantUpdateSchema>): Partial<TenantSettings> {
  const settings: Partial<TenantSettings> = {};
  if (input.display_name !== undefined) settings.displayName = input.display_name;
  if (input.default_resource !== undefined) settings.defaultResource = input.default_resource;
  if (input.access_token_ttl !== undefined) settings.accessTokenTtl = input.access_token_ttl;
  if (input.signing_key_rotation_days !== undefined) settings.signingKeyRotationDays = input.signing_key_rotation_days;
  return settings;
}

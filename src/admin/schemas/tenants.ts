import { issuerFor, toRfc3339 } from "../../config";
import type { Tenant, TenantSettings } from "../../directory/tenants";
import type { Env } from "../../env";
import { absoluteUriSchema, described, slugSchema, text, timestamp, tokenTtlSchema } from "./common";
import * as z from "zod/mini";

const settingsShape = {
  display_name: described(text(100), "Name shown to customers"),
  default_resource: described(
    z.nullable(absoluteUriSchema),
    "Identifier of the API resource tokens are for when a request names none",
  ),
  access_token_ttl: described(tokenTtlSchema, "Default access token lifetime in seconds"),
  signing_key_rotation_days: described(
    z
      .int("must be a whole number")
      .check(z.minimum(1, "must be at least 1 day"), z.maximum(365, "must be at most 365 days")),
    "Age at which the scheduled job rotates a signing key",
  ),
};

export const tenantCreateSchema = z.strictObject({
  slug: slugSchema,
  ...z.partial(z.object(settingsShape)).shape,
});

export const tenantUpdateSchema = z.partial(z.strictObject(settingsShape));

export const tenantSchema = z.object({
  slug: z.string(),
  issuer: described(z.url(), "The tenant's OpenID issuer: {PUBLIC_BASE_URL}/t/{slug}"),
  display_name: z.string(),
  default_resource: z.nullable(z.string()),
  access_token_ttl: z.int(),
  signing_key_rotation_days: z.int(),
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

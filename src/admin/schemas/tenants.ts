import { issuerFor, toRfc3339 } from "../../config";
import type { Tenant, TenantSettings } from "../../directory/tenants";
import type { Env } from "../../env";
import { absoluteUriSchema, described, slugSchema, text, timestamp, tokenTtlSchema } from "./common";
import * as z from "zod/mini";
import { JOURNEY_SETTING_COLUMNS, journeySettingsOutputShape, journeySettingsShape } from "./journeys";
import { MFA_SETTING_COLUMNS, mfaSettingsOutputShape, mfaSettingsShape } from "./mfa";

const seconds = (min: number, max: number, unit: string) =>
  z
    .int("must be a whole number of seconds")
    .check(
      z.minimum(min, `must be at least ${min} seconds`),
      z.maximum(max, `must be at most ${max} seconds (${unit})`),
    );

const settingsShape = {
  display_name: described(text(100), "Name shown to customers"),
  default_resource: described(
    z.nullable(absoluteUriSchema),
    "Identifier of the API resource tokens are for when a request names none",
  ),
  access_token_ttl: described(tokenTtlSchema, "Default access token lifetime in seconds"),
  id_token_ttl: described(tokenTtlSchema, "Default ID token lifetime in seconds"),
  refresh_token_ttl: described(seconds(300, 31_536_000, "a year"), "Absolute lifetime of a refresh token family"),
  refresh_token_idle_ttl: described(
    seconds(300, 31_536_000, "a year"),
    "A refresh token family unused this long expires",
  ),
  session_ttl: described(seconds(300, 31_536_000, "a year"), "Absolute lifetime of a single sign-on session"),
  session_idle_ttl: described(seconds(300, 31_536_000, "a year"), "A session unused this long ends"),
  require_pushed_authorization_requests: described(
    z.boolean(),
    "Every client must send its authorization requests through PAR (RFC 9126)",
  ),
  sign_in_lock_threshold: described(
    z.int("must be a whole number").check(z.minimum(3, "must be at least 3"), z.maximum(100, "must be at most 100")),
    "Consecutive failed sign-ins that lock an account for devices it does not know",
  ),
  sign_in_lock_seconds: described(seconds(60, 86_400, "a day"), "How long such a lock lasts"),
  signing_key_rotation_days: described(
    z
      .int("must be a whole number")
      .check(z.minimum(1, "must be at least 1 day"), z.maximum(365, "must be at most 365 days")),
    "Age at which the scheduled job rotates a signing key",
  ),
  ...journeySettingsShape,
  ...mfaSettingsShape,
};

/** API field name -> column, for every setting. */
const SETTING_COLUMNS = {
  display_name: "displayName",
  default_resource: "defaultResource",
  access_token_ttl: "accessTokenTtl",
  id_token_ttl: "idTokenTtl",
  refresh_token_ttl: "refreshTokenTtl",
  refresh_token_idle_ttl: "refreshTokenIdleTtl",
  session_ttl: "sessionTtl",
  session_idle_ttl: "sessionIdleTtl",
  require_pushed_authorization_requests: "requirePushedAuthorizationRequests",
  sign_in_lock_threshold: "signInLockThreshold",
  sign_in_lock_seconds: "signInLockSeconds",
  signing_key_rotation_days: "signingKeyRotationDays",
  ...JOURNEY_SETTING_COLUMNS,
  ...MFA_SETTING_COLUMNS,
} as const satisfies Record<keyof typeof settingsShape, keyof TenantSettings>;

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
  id_token_ttl: z.int(),
  refresh_token_ttl: z.int(),
  refresh_token_idle_ttl: z.int(),
  session_ttl: z.int(),
  session_idle_ttl: z.int(),
  require_pushed_authorization_requests: z.boolean(),
  sign_in_lock_threshold: z.int(),
  sign_in_lock_seconds: z.int(),
  signing_key_rotation_days: z.int(),
  ...journeySettingsOutputShape,
  ...mfaSettingsOutputShape,
  created_at: timestamp,
  updated_at: timestamp,
});

type TenantResource = z.infer<typeof tenantSchema>;

export function presentTenant(env: Env, tenant: Tenant): TenantResource {
  const settings = Object.fromEntries(
    Object.entries(SETTING_COLUMNS).map(([field, column]) => [field, tenant[column]]),
  ) as Omit<TenantResource, "slug" | "issuer" | "created_at" | "updated_at">;
  return {
    slug: tenant.slug,
    issuer: issuerFor(env, tenant.slug),
    ...settings,
    created_at: toRfc3339(tenant.createdAt)!,
    updated_at: toRfc3339(tenant.updatedAt)!,
  };
}

export function tenantSettingsFrom(input: z.infer<typeof tenantUpdateSchema>): Partial<TenantSettings> {
  const settings: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(SETTING_COLUMNS)) {
    const value = input[field as keyof typeof input];
    if (value !== undefined) settings[column] = value;
  }
  return settings as Partial<TenantSettings>;
}

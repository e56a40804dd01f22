// The tenant directories in D1. Every table but `tenants` carries `tenant_id`, and every
// child table points at its parent through a composite (tenant_id, id) foreign key, so a
// row can never reference a row of another tenant, whatever the code above does.
// docs/storage.md describes each table, its keys and its lifetime.
import { sql } from "drizzle-orm";
import { foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Times are Unix seconds (as in JWTs and OIDC claims); the management API shows them as
// RFC 3339 strings.
const createdAt = () => integer("created_at").notNull();
const updatedAt = () => integer("updated_at").notNull();

export const MFA_POLICIES = ["off", "optional", "required", "adaptive"] as const;
export type MfaPolicy = (typeof MFA_POLICIES)[number];

/** ISO 3166-1 alpha-2 countries, autonomous system numbers and CIDR ranges (v4 or v6). */
export interface RiskDenyList {
  countries: string[];
  asns: number[];
  ip_ranges: string[];
}

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  displayName: text("display_name").notNull(),
  /** Identifier of the API resource used as `aud` when a token request names none. */
  defaultResource: text("default_resource"),
  accessTokenTtl: integer("access_token_ttl").notNull().default(3600),
  idTokenTtl: integer("id_token_ttl").notNull().default(3600),
  /** Refresh token families: absolute lifetime, and how long one may sit unused. */
  refreshTokenTtl: integer("refresh_token_ttl").notNull().default(2_592_000),
  refreshTokenIdleTtl: integer("refresh_token_idle_ttl").notNull().default(1_209_600),
  /** SSO sessions: absolute lifetime, and how long one may sit unused. */
  sessionTtl: integer("session_ttl").notNull().default(604_800),
  sessionIdleTtl: integer("session_idle_ttl").notNull().default(259_200),
  requirePushedAuthorizationRequests: integer("require_pushed_authorization_requests", { mode: "boolean" })
    .notNull()
    .default(false),
  /** Consecutive failed sign-ins that lock an account (for devices it does not know). */
  signInLockThreshold: integer("sign_in_lock_threshold").notNull().default(10),
  signInLockSeconds: integer("sign_in_lock_seconds").notNull().default(900),
  signingKeyRotationDays: integer("signing_key_rotation_days").notNull().default(90),
  // Self-service journeys (docs/journeys/).
  /** Language of the hosted pages and emails when neither ui_locales nor the browser decides. */
  defaultLocale: text("default_locale").notNull().default("en"),
  selfSignUpEnabled: integer("self_sign_up_enabled", { mode: "boolean" }).notNull().default(true),
  /** Tokens are issued only to users whose email is verified (they verify during sign-in). */
  requireVerifiedEmail: integer("require_verified_email", { mode: "boolean" }).notNull().default(false),
  /** Passwordless sign-in with a code sent by email; clients may override. */
  emailCodeSignIn: integer("email_code_sign_in", { mode: "boolean" }).notNull().default(false),
  /** Attributes the sign-up page collects, built-in claims or custom attribute names. */
  signUpAttributes: text("sign_up_attributes", { mode: "json" })
    .$type<AttributeRequirement[]>()
    .notNull()
    .default(sql`'[]'`),
  /** Versioned legal documents accepted at sign-up (recorded as consent records). */
  termsUrl: text("terms_url"),
  termsVersion: text("terms_version"),
  privacyUrl: text("privacy_url"),
  privacyVersion: text("privacy_version"),
  /** When set, sign-up offers optional marketing consent, recorded with this version. */
  marketingConsentVersion: text("marketing_consent_version"),
  profilingRules: text("profiling_rules", { mode: "json" })
    .$type<ProfilingRule[]>()
    .notNull()
    .default(sql`'[]'`),
  /** Audit events older than this are deleted by the hourly job, deleted users' included. */
  auditRetentionDays: integer("audit_retention_days").notNull().default(365),
  // Strong authentication (docs/mfa/).
  /** When sign-in asks for a second factor; clients may override. */
  mfaPolicy: text("mfa_policy", { enum: MFA_POLICIES }).notNull().default("optional"),
  /** Adaptive policy: a risk score at or above this (0-100) asks for a second factor. */
  riskThreshold: integer("risk_threshold").notNull().default(50),
  /** Adaptive policy: sign-ins from these always count as risky. */
  riskDenyList: text("risk_deny_list", { mode: "json" })
    .$type<RiskDenyList>()
    .notNull()
    .default(sql`'{"countries":[],"asns":[],"ip_ranges":[]}'`),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** An attribute (built-in claim or custom attribute name) a page collects, and whether it must be given. */
export interface AttributeRequirement {
  name: string;
  required: boolean;
}

/**
 * Ask customers, right after they sign in, for attributes they lack: once they have
 * signed in `after_sign_ins` times, or when the app asks for `scope`.
 */
export type ProfilingRule = { id: string; attributes: AttributeRequirement[] } & (
  { after_sign_ins: number } | { scope: string }
);

export interface PostalAddress {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    email: text("email"),
    /** Lower-cased, NFC, IDNA domain: the form uniqueness and lookups use. */
    emailNormalized: text("email_normalized"),
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    phoneNumber: text("phone_number"),
    phoneNumberVerified: integer("phone_number_verified", { mode: "boolean" }).notNull().default(false),
    name: text("name"),
    givenName: text("given_name"),
    familyName: text("family_name"),
    middleName: text("middle_name"),
    nickname: text("nickname"),
    preferredUsername: text("preferred_username"),
    profile: text("profile"),
    picture: text("picture"),
    website: text("website"),
    gender: text("gender"),
    birthdate: text("birthdate"),
    zoneinfo: text("zoneinfo"),
    locale: text("locale"),
    address: text("address", { mode: "json" }).$type<PostalAddress>(),
    customAttributes: text("custom_attributes", { mode: "json" })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    /** `deleted`: a tombstone, personal data gone, kept for the audit trail's references. */
    status: text("status", { enum: ["active", "blocked", "deleted"] })
      .notNull()
      .default("active"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastSignInAt: integer("last_sign_in_at"),
    signInCount: integer("sign_in_count").notNull().default(0),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    uniqueIndex("users_tenant_id_uq").on(t.tenantId, t.id),
    // NULLs are distinct in SQLite unique indexes, so users without email never collide.
    uniqueIndex("users_tenant_email_uq").on(t.tenantId, t.emailNormalized),
  ],
);

export const passwordCredentials = sqliteTable(
  "password_credentials",
  {
    userId: text("user_id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    /** Scheme-prefixed PHC string: `$argon2id$...` or `$pbkdf2-sha256$...`. */
    hash: text("hash").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete("cascade"),
  ],
);

export const clients = sqliteTable(
  "clients",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    clientName: text("client_name"),
    applicationType: text("application_type", { enum: ["web", "native"] })
      .notNull()
      .default("web"),
    /** First-party apps belong to the tenant itself and skip the consent page. */
    firstParty: integer("first_party", { mode: "boolean" }).notNull().default(false),
    redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
    postLogoutRedirectUris: text("post_logout_redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
    grantTypes: text("grant_types", { mode: "json" }).$type<string[]>().notNull(),
    responseTypes: text("response_types", { mode: "json" }).$type<string[]>().notNull(),
    tokenEndpointAuthMethod: text("token_endpoint_auth_method").notNull(),
    /** Space-separated scopes the client may request (RFC 7591 `scope`). */
    scope: text("scope").notNull().default(""),
    jwksUri: text("jwks_uri"),
    jwks: text("jwks", { mode: "json" }).$type<{ keys: Record<string, unknown>[] }>(),
    idTokenSignedResponseAlg: text("id_token_signed_response_alg").notNull().default("ES256"),
    logoUri: text("logo_uri"),
    clientUri: text("client_uri"),
    policyUri: text("policy_uri"),
    tosUri: text("tos_uri"),
    contacts: text("contacts", { mode: "json" }).$type<string[]>().notNull(),
    requirePushedAuthorizationRequests: integer("require_pushed_authorization_requests", {
      mode: "boolean",
    })
      .notNull()
      .default(false),
    accessTokenTtl: integer("access_token_ttl"),
    idTokenTtl: integer("id_token_ttl"),
    refreshTokenTtl: integer("refresh_token_ttl"),
    refreshTokenIdleTtl: integer("refresh_token_idle_ttl"),
    /** Passwordless email-code sign-in for this app; NULL follows the tenant. */
    emailCodeSignIn: integer("email_code_sign_in", { mode: "boolean" }),
    /** The second-factor policy for this app; NULL follows the tenant. */
    mfaPolicy: text("mfa_policy", { enum: MFA_POLICIES }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.clientId] })],
);

export const clientSecrets = sqliteTable(
  "client_secrets",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    clientId: text("client_id").notNull(),
    /** SHA-256 of the secret: secrets are 256-bit random, so a fast hash is enough. */
    secretHash: text("secret_hash").notNull(),
    /** The secret's last four characters, to tell secrets apart in listings. */
    hint: text("hint").notNull(),
    createdAt: createdAt(),
    /** NULL while it is the newest secret; set when a rotation schedules its end. */
    expiresAt: integer("expires_at"),
  },
  (t) => [
    foreignKey({
      columns: [t.tenantId, t.clientId],
      foreignColumns: [clients.tenantId, clients.clientId],
    }).onDelete("cascade"),
    index("client_secrets_client_idx").on(t.tenantId, t.clientId),
  ],
);

export interface ResourceScope {
  value: string;
  description?: string;
}

export const apiResources = sqliteTable(
  "api_resources",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The audience URI clients name in `resource` (RFC 8707). */
    identifier: text("identifier").notNull(),
    name: text("name").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<ResourceScope[]>().notNull(),
    accessTokenTtl: integer("access_token_ttl"),
    signingAlg: text("signing_alg", { enum: ["ES256", "RS256"] })
      .notNull()
      .default("ES256"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("api_resources_tenant_id_uq").on(t.tenantId, t.id),
    uniqueIndex("api_resources_tenant_identifier_uq").on(t.tenantId, t.identifier),
  ],
);

export const roles = sqliteTable(
  "roles",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("roles_tenant_id_uq").on(t.tenantId, t.id),
    uniqueIndex("roles_tenant_name_uq").on(t.tenantId, t.name),
  ],
);

export const rolePermissions = sqliteTable(
  "role_permissions",
  {
    tenantId: text("tenant_id").notNull(),
    roleId: text("role_id").notNull(),
    resourceId: text("resource_id").notNull(),
    scope: text("scope").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.roleId, t.resourceId, t.scope] }),
    foreignKey({ columns: [t.tenantId, t.roleId], foreignColumns: [roles.tenantId, roles.id] }).onDelete("cascade"),
    foreignKey({
      columns: [t.tenantId, t.resourceId],
      foreignColumns: [apiResources.tenantId, apiResources.id],
    }).onDelete("cascade"),
    index("role_permissions_resource_idx").on(t.tenantId, t.resourceId),
  ],
);

export const userRoles = sqliteTable(
  "user_roles",
  {
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull(),
    roleId: text("role_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.roleId] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete("cascade"),
    foreignKey({ columns: [t.tenantId, t.roleId], foreignColumns: [roles.tenantId, roles.id] }).onDelete("cascade"),
    index("user_roles_role_idx").on(t.tenantId, t.roleId),
  ],
);

/** Scopes a user granted a third-party client; first-party clients never ask. */
export const consents = sqliteTable(
  "consents",
  {
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull(),
    clientId: text("client_id").notNull(),
    scope: text("scope").notNull(),
    grantedAt: integer("granted_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.clientId, t.scope] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete("cascade"),
    foreignKey({
      columns: [t.tenantId, t.clientId],
      foreignColumns: [clients.tenantId, clients.clientId],
    }).onDelete("cascade"),
    index("consents_client_idx").on(t.tenantId, t.clientId),
  ],
);

export type SigningAlg = "ES256" | "RS256";
export type SigningKeyStatus = "next" | "current" | "retired";

export const signingKeys = sqliteTable(
  "signing_keys",
  {
    /** The JWK thumbprint (RFC 7638), used as `kid`. */
    kid: text("kid").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    alg: text("alg", { enum: ["ES256", "RS256"] }).notNull(),
    status: text("status", { enum: ["next", "current", "retired"] }).notNull(),
    publicJwk: text("public_jwk", { mode: "json" }).$type<JsonWebKey>().notNull(),
    /** AES-256-GCM under the key-encryption key; see src/keys/envelope.ts. */
    privateJwkEncrypted: text("private_jwk_encrypted").notNull(),
    createdAt: createdAt(),
    activatedAt: integer("activated_at"),
    retiredAt: integer("retired_at"),
    /** When a retired key leaves the JWKS: every token it signed has expired by then. */
    expiresAt: integer("expires_at"),
  },
  (t) => [index("signing_keys_tenant_status_idx").on(t.tenantId, t.status)],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    actorType: text("actor_type", { enum: ["client", "user", "system"] }).notNull(),
    actorId: text("actor_id"),
    userId: text("user_id"),
    clientId: text("client_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_events_tenant_idx").on(t.tenantId, t.id),
    index("audit_events_tenant_user_idx").on(t.tenantId, t.userId, t.id),
    index("audit_events_tenant_client_idx").on(t.tenantId, t.clientId, t.id),
    index("audit_events_tenant_type_idx").on(t.tenantId, t.type, t.id),
  ],
);

/** How the hosted pages and emails of a tenant look; one row per tenant that set any. */
export const tenantBranding = sqliteTable("tenant_branding", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  logoUri: text("logo_uri"),
  primaryColor: text("primary_color"),
  backgroundColor: text("background_color"),
  backgroundImageUri: text("background_image_uri"),
  /** Checked against the safe subset (src/branding/css.ts) before it is stored. */
  customCss: text("custom_css"),
  supportUrl: text("support_url"),
  updatedAt: updatedAt(),
});

/** A tenant's wording of one text in one language, replacing the catalog's. */
export const tenantTexts = sqliteTable(
  "tenant_texts",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    locale: text("locale").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.locale, t.key] })],
);

export type AttributeType = "string" | "integer" | "boolean" | "date";

/** A custom attribute a tenant collects, kept in `users.custom_attributes` under its name. */
export const attributeDefinitions = sqliteTable(
  "attribute_definitions",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type", { enum: ["string", "integer", "boolean", "date"] }).notNull(),
    /** Label per language, e.g. {"en": "Member number", "de": "Mitgliedsnummer"}. */
    labels: text("labels", { mode: "json" }).$type<Record<string, string>>().notNull(),
    required: integer("required", { mode: "boolean" }).notNull().default(false),
    minLength: integer("min_length"),
    maxLength: integer("max_length"),
    pattern: text("pattern"),
    enumValues: text("enum_values", { mode: "json" }).$type<string[]>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

export type ConsentPurpose = "terms" | "privacy" | "marketing";

/** What a user agreed to (or withdrew), under which version, when and where: append-only. */
export const consentRecords = sqliteTable(
  "consent_records",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull(),
    purpose: text("purpose", { enum: ["terms", "privacy", "marketing"] }).notNull(),
    policyVersion: text("policy_version").notNull(),
    granted: integer("granted", { mode: "boolean" }).notNull(),
    source: text("source", { enum: ["sign_up", "account", "admin"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete("cascade"),
    index("consent_records_user_idx").on(t.tenantId, t.userId, t.purpose, t.id),
  ],
);

/** Development only (EMAIL_PROVIDER=outbox): emails kept instead of sent, for the dev page and tests. */
export const devOutbox = sqliteTable(
  "dev_outbox",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("dev_outbox_recipient_idx").on(t.tenantId, t.recipient, t.id)],
);

// Second factors and passkeys (docs/mfa/). Each belongs to a user and goes with them.
const ofUser = (t: { tenantId: ReturnType<typeof text>; userId: ReturnType<typeof text> }) =>
  foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete("cascade");

/** WebAuthn credentials (passkeys): public keys only, nothing secret. */
export const passkeys = sqliteTable(
  "passkeys",
  {
    tenantId: text("tenant_id").notNull(),
    /** The credential id (base64url), as the authenticator returns it. */
    id: text("id").notNull(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    /** COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    signCount: integer("sign_count").notNull().default(0),
    transports: text("transports", { mode: "json" }).$type<string[]>().notNull(),
    /** `multiDevice`: may be synced to other devices (backup eligible). */
    deviceType: text("device_type", { enum: ["singleDevice", "multiDevice"] }).notNull(),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull(),
    aaguid: text("aaguid"),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("passkeys_user_idx").on(t.tenantId, t.userId), ofUser(t)],
);

/** Authenticator apps (RFC 6238): the shared secret, sealed with a key only the Worker has. */
export const totpAuthenticators = sqliteTable(
  "totp_authenticators",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    secretSealed: text("secret_sealed").notNull(),
    /** NULL until the user enters a first code: an unconfirmed app is no factor. */
    confirmedAt: integer("confirmed_at"),
    /** The last time step accepted: codes of this step or earlier are refused (replay). */
    lastUsedStep: integer("last_used_step"),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [index("totp_authenticators_user_idx").on(t.tenantId, t.userId), ofUser(t)],
);

/** Single-use recovery codes, stored as SHA-256 hashes. */
export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull(),
    codeHash: text("code_hash").notNull(),
    createdAt: createdAt(),
    usedAt: integer("used_at"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.codeHash] }), ofUser(t)],
);

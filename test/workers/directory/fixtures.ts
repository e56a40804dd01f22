// Shared fixtures for the data-access-layer tests: tenants, and one of each kind of
// record, written through the repositories themselves.
import { env } from "cloudflare:workers";
import { nowSeconds } from "../../../src/config";
import { openDirectory, openTenantRegistry, type Directory, type Tenant } from "../../../src/directory";
import type { ClientMetadata } from "../../../src/directory/clients";
import type { SigningKeyRecord } from "../../../src/directory/signing-keys";
import { recordInOutbox } from "../../../src/email/outbox";

/**
 * A well-formed argon2id PHC string, stored as an imported hash wherever a test needs a
 * credential row but no password check (it avoids paying for argon2 in every fixture).
 * It is the known-answer vector of test/workers/passwords/hashing.test.ts.
 */
export const IMPORTED_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$bGF0Y2hrZXkta2F0LXNhbHQ$nkIsi7T6dyJufVGAQTyL2E5JmsODKBhzsp12Mo+9KYg";

export async function newTenant(slug: string, settings: { defaultResource?: string | null } = {}): Promise<Tenant> {
  return openTenantRegistry(env).create(slug, settings);
}

export function directoryOf(tenant: Pick<Tenant, "id">): Directory {
  return openDirectory(env, tenant);
}

export function clientMetadata(clientId: string, overrides: Partial<ClientMetadata> = {}): ClientMetadata {
  return {
    clientId,
    clientName: `Client ${clientId}`,
    applicationType: "web",
    firstParty: false,
    redirectUris: ["https://app.example.com/callback"],
    postLogoutRedirectUris: [],
    grantTypes: ["authorization_code", "refresh_token"],
    responseTypes: ["code"],
    tokenEndpointAuthMethod: "client_secret_basic",
    scope: "openid",
    jwksUri: null,
    jwks: null,
    idTokenSignedResponseAlg: "ES256",
    logoUri: null,
    clientUri: null,
    policyUri: null,
    tosUri: null,
    contacts: [],
    requirePushedAuthorizationRequests: false,
    accessTokenTtl: null,
    idTokenTtl: null,
    refreshTokenTtl: null,
    refreshTokenIdleTtl: null,
    emailCodeSignIn: null,
    mfaPolicy: null,
    ...overrides,
  };
}

export function signingKey(kid: string, tenantId: string, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const now = nowSeconds();
  return {
    kid,
    tenantId,
    alg: "ES256",
    status: "current",
    publicJwk: { kty: "EC", crv: "P-256", x: "x", y: "y" },
    privateJwkEncrypted: "sealed",
    createdAt: now,
    activatedAt: now,
    retiredAt: null,
    expiresAt: null,
    ...overrides,
  };
}

/** One record of every kind in the tenant's directory; returns their ids. */
export async function populate(tenant: Tenant, tag: string) {
  const directory = directoryOf(tenant);
  const user = await directory.users.create(
    { email: `user-${tag}@example.com`, name: `User ${tag}` },
    { passwordHash: IMPORTED_HASH },
  );
  const resource = await directory.resources.create({
    identifier: `https://api.${tag}.example.com`,
    name: `API ${tag}`,
    scopes: [{ value: "read" }, { value: "write" }],
  });
  const role = await directory.roles.create({
    name: `role-${tag}`,
    permissions: [{ resource: resource.identifier, scope: "read" }],
  });
  await directory.roles.assign(user.id, [role.id]);
  const clientId = `cli-${tag}`;
  const client = await directory.clients.create(clientMetadata(clientId), { secretHash: `hash-${tag}`, hint: "abcd" });
  const kid = `kid-${tag}`;
  await directory.signingKeys.apply({ insert: [signingKey(kid, tenant.id)], update: [], remove: [] });
  await directory.audit.record({ type: "test.event", actorType: "system", userId: user.id, details: { tag } });
  await directory.consents.grant(user.id, clientId, ["openid", "profile"]);
  await directory.consentRecords.record(user.id, [
    { purpose: "terms", policyVersion: "v1", granted: true, source: "sign_up" },
  ]);
  await directory.appearance.updateBranding({ supportUrl: `https://help.${tag}.example.com` });
  await directory.appearance.updateTexts("de", { "signIn.title": `Willkommen bei ${tag}` });
  await directory.attributes.create({
    name: `member_${tag}`,
    type: "string",
    labels: { en: "Member number" },
    required: false,
    minLength: null,
    maxLength: 20,
    pattern: null,
    enumValues: null,
  });
  await recordInOutbox(env, tenant.id, {
    to: `user-${tag}@example.com`,
    fromName: tag,
    subject: "Hello",
    text: "Hello",
    html: "<p>Hello</p>",
  });
  return { directory, user, resource, role, client, clientId, kid };
}

/** Tables holding tenant rows, each with a `tenant_id` column. */
export const TENANT_TABLES = [
  "users",
  "password_credentials",
  "clients",
  "client_secrets",
  "api_resources",
  "roles",
  "role_permissions",
  "user_roles",
  "signing_keys",
  "audit_events",
  "consents",
  "consent_records",
  "tenant_branding",
  "tenant_texts",
  "attribute_definitions",
  "dev_outbox",
] as const;

export async function countRows(table: (typeof TENANT_TABLES)[number], tenantId: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`)
    .bind(tenantId)
    .first<{ n: number }>();
  return row!.n;
}

export async function countAll(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TENANT_TABLES) counts[table] = await countRows(table, tenantId);
  return counts;
}

/** Standard base64 without padding, as PHC strings write it. */
export function phcBase64(bytes: Uint8Array | ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/=+$/, "");
}

/** `$pbkdf2-sha256$i=..$salt$hash`, computed here with Web Crypto (an import-format hash). */
export async function pbkdf2Hash(
  password: string,
  iterations: number,
  salt: Uint8Array = crypto.getRandomValues(new Uint8Array(16)),
) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return `$pbkdf2-sha256$i=${iterations}$${phcBase64(salt)}$${phcBase64(bits)}`;
}

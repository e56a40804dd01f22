// Who is calling the management API: a Bearer access token (RFC 6750) issued by one of
// our tenants for the management audience. The issuing tenant decides the reach: the
// `system` tenant's tokens manage every tenant, any other's only their own.
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { publicBaseUrl, SLUG_PATTERN, SYSTEM_TENANT_SLUG } from "../config";
import { openTenantRegistry, type Tenant } from "../directory";
import type { Env } from "../env";
import { publishedJwks } from "../keys";
import type { RequestStats } from "../storage/database";
import { MANAGEMENT_AUDIENCE, type ManagementScope } from "./management-resource";
import { Problem } from "./problem";

export const MANAGEMENT_REALM = "latchkey-management";

export interface Principal {
  /** The tenant whose issuer signed the token. */
  tenant: Tenant;
  isOperator: boolean;
  clientId: string;
  scopes: Set<string>;
}

function challenge(error?: string, description?: string, scope?: string): Record<string, string> {
  const parts = [`realm="${MANAGEMENT_REALM}"`];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description.replaceAll('"', "'")}"`);
  if (scope) parts.push(`scope="${scope}"`);
  return { "WWW-Authenticate": `Bearer ${parts.join(", ")}` };
}

function invalidToken(description: string): Problem {
  return new Problem("unauthorized", description, [], challenge("invalid_token", description));
}

// JWK sets by tenant, rebuilt when the published keys change; jose caches imported keys
// inside a set, so reusing it saves an import per request.
const keySets = new Map<string, { fingerprint: string; getKey: JWTVerifyGetKey }>();

function keySetFor(tenantId: string, jwks: { keys: JsonWebKey[] }): JWTVerifyGetKey {
  const fingerprint = jwks.keys.map((k) => (k as { kid?: string }).kid).join(",");
  const cached = keySets.get(tenantId);
  if (cached?.fingerprint === fingerprint) return cached.getKey;
  const getKey = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
  if (keySets.size > 1000) keySets.clear();
  keySets.set(tenantId, { fingerprint, getKey });
  return getKey;
}

export async function authenticateManagementCall(
  env: Env,
  stats: RequestStats,
  authorization: string | undefined,
): Promise<Principal> {
  if (!authorization)
    throw new Problem(
      "unauthorized",
      "send a management access token as 'Authorization: Bearer <token>'",
      [],
      challenge(),
    );
  const match = /^bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(authorization);
  if (!match)
    throw new Problem(
      "invalid-request",
      "the Authorization header must be 'Bearer <token>'",
      [],
      challenge("invalid_request"),
    );
  const token = match[1]!;

  let issuer: string;
  try {
    const claims = decodeJwt(token);
    if (typeof claims.iss !== "string") throw new Error("no iss");
    issuer = claims.iss;
  } catch {
    throw invalidToken("the access token is not a JWT issued by this server");
  }
  const prefix = `${publicBaseUrl(env)}/t/`;
  const slug = issuer.startsWith(prefix) ? issuer.slice(prefix.length) : "";
  const tenant = SLUG_PATTERN.test(slug) ? await openTenantRegistry(env, stats).findBySlug(slug) : null;
  if (!tenant) throw invalidToken("the access token was not issued by a tenant of this server");

  const jwks = await publishedJwks(env, stats, tenant.id);
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keySetFor(tenant.id, jwks), {
      issuer,
      audience: MANAGEMENT_AUDIENCE,
      typ: "at+jwt",
      algorithms: ["ES256", "RS256"],
      requiredClaims: ["exp", "iat", "client_id"],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw invalidToken("the access token has expired");
    if (error instanceof joseErrors.JWTClaimValidationFailed)
      throw invalidToken(`the access token is not valid here (${error.claim})`);
    throw invalidToken("the access token signature or format is invalid");
  }
  const scopes = new Set(typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : []);
  return {
    tenant,
    isOperator: tenant.slug === SYSTEM_TENANT_SLUG,
    clientId: String(payload.client_id),
    scopes,
  };
}

export function requireScope(principal: Principal, scope: ManagementScope): void {
  if (!principal.scopes.has(scope))
    throw new Problem(
      "insufficient-scope",
      `this operation needs the '${scope}' scope`,
      [],
      challenge("insufficient_scope", `this operation needs the '${scope}' scope`, scope),
    );
}

/** Tenant-scoped callers reach only their own tenant; operators reach all. */
export function requireTenantAccess(principal: Principal, slug: string): void {
  if (!principal.isOperator && principal.tenant.slug !== slug)
    throw new Problem("forbidden-tenant", `this access token manages tenant '${principal.tenant.slug}' only`);
}

export function requireOperator(principal: Principal): void {
  if (!principal.isOperator)
    throw new Problem("forbidden-tenant", "only system operators (tokens of the 'system' tenant) may do this");
}

// Everything under an issuer, {PUBLIC_BASE_URL}/t/{slug}: discovery, JWKS, token endpoint.
import { Hono } from "hono";
import { ConfigurationError, issuerFor, SLUG_PATTERN, SYSTEM_TENANT_SLUG } from "../config";
import { openDirectory, openTenantRegistry, type AuditEventInput, type Tenant } from "../directory";
import type { AppEnv } from "../env";
import { publicCors } from "../http/cors";
import { publishedJwks } from "../keys";
import { clientIpOf } from "../http/client-ip";
import { authenticateClient, presentedCredentials } from "./client-auth";
import { discoveryDocument } from "./discovery";
import { InvalidRequest, OAuthError, ServerError, TemporarilyUnavailable, UnsupportedGrantType } from "./errors";
import { clientCredentialsGrant } from "./grants/client-credentials";
import { readTokenParameters } from "./token/parameters";
import { logFailure } from "../http/log";

export const oidcRoutes = new Hono<AppEnv>();

oidcRoutes.use("*", async (c, next) => {
  const slug = c.req.param("tenant") ?? "";
  const tenant = SLUG_PATTERN.test(slug) ? await openTenantRegistry(c.env, c.var.stats).findBySlug(slug) : null;
  if (!tenant) return c.json({ error: "not_found", error_description: `there is no tenant '${slug}'` }, 404);
  c.set("tenant", tenant);
  await next();
});

oidcRoutes.use("/.well-known/openid-configuration", publicCors);
oidcRoutes.get("/.well-known/openid-configuration", (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(discoveryDocument(issuerFor(c.env, c.var.tenant.slug)));
});

oidcRoutes.use("/jwks", publicCors);
oidcRoutes.get("/jwks", async (c) => {
  const jwks = await publishedJwks(c.env, c.var.stats, c.var.tenant.id);
  c.header("Cache-Control", "public, max-age=300");
  return c.json(jwks);
});

oidcRoutes.use("/token", publicCors);
oidcRoutes.post("/token", async (c) => {
  const tenant: Tenant = c.var.tenant;
  const issuer = issuerFor(c.env, tenant.slug);
  const params = await readTokenParameters(c.req.raw);
  const directory = openDirectory(c.env, tenant, c.var.stats);
  const grantType = params.get("grant_type");
  if (!grantType) throw new InvalidRequest("the 'grant_type' parameter is required");

  const credentials = presentedCredentials(c.req.header("Authorization"), params, issuer);
  // Audit records are written after the response, outside the request's query count:
  // they are not on the path the client waits for.
  const record = (event: AuditEventInput) => c.executionCtx.waitUntil(openDirectory(c.env, tenant).audit.record(event));
  const requestFacts = { ip: clientIpOf(c.req.raw), userAgent: c.req.header("User-Agent") ?? null };
  const authenticated = await authenticateClient(
    c.env,
    directory,
    tenant.slug === SYSTEM_TENANT_SLUG,
    credentials,
    issuer,
    (clientId, reason) =>
      record({
        type: "client.authentication_failed",
        actorType: "client",
        actorId: clientId,
        clientId,
        ...requestFacts,
        details: { reason, method: credentials.method, grant_type: grantType },
      }),
  );

  if (grantType !== "client_credentials")
    throw new UnsupportedGrantType(`the grant type '${grantType}' is not supported`);
  const { response, jti, audience } = await clientCredentialsGrant(
    c.env,
    c.var.stats,
    directory,
    tenant,
    issuer,
    authenticated,
    params,
  );
  record({
    type: "token.issued",
    actorType: "client",
    actorId: authenticated.client.clientId,
    clientId: authenticated.client.clientId,
    ...requestFacts,
    details: { grant_type: grantType, audience, scope: response.scope, jti },
  });
  return c.json(response, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
});

oidcRoutes.all("/token", () => {
  throw new InvalidRequest("the token endpoint accepts POST only", 405, { Allow: "POST, OPTIONS" });
});

oidcRoutes.onError((error, c) => {
  if (error instanceof OAuthError) return error.toResponse();
  if (error instanceof ConfigurationError) {
    logFailure("configuration error", error);
    return new TemporarilyUnavailable("the server is not configured correctly").toResponse();
  }
  logFailure(`oidc endpoint failed: ${c.req.method} ${new URL(c.req.url).pathname}`, error);
  return new ServerError().toResponse();
});

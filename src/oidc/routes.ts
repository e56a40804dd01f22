// Everything under an issuer, {PUBLIC_BASE_URL}/t/{slug}: discovery, JWKS, the
// authorization and token endpoints, PAR, UserInfo, revocation, introspection, logout,
// and the hosted interaction pages.
import { Hono, type Context } from "hono";
import { ConfigurationError, issuerFor, SLUG_PATTERN } from "../config";
import { openTenantRegistry } from "../directory";
import type { AppEnv } from "../env";
import { publicCors } from "../http/cors";
import { logFailure } from "../http/log";
import { interactionRoutes } from "../interaction/routes";
import { publishedJwks } from "../keys";
import { authorizationEndpoint } from "./authorize/endpoint";
import { pushedAuthorizationRequestEndpoint } from "./authorize/par";
import { accountRoutes } from "../account/routes";
import { brandingStylesheetResponse } from "../branding/route";
import { standaloneJourneyRoutes } from "../journeys/routes";
import { errorPage } from "../ui/render";
import { discoveryDocument } from "./discovery";
import { endSessionEndpoint } from "./end-session";
import { InvalidRequest, OAuthError, ServerError, TemporarilyUnavailable } from "./errors";
import { introspectionEndpoint } from "./introspection";
import { revocationEndpoint } from "./revocation";
import { tokenEndpoint } from "./token/endpoint";
import { userInfoEndpoint } from "./userinfo";

export const oidcRoutes = new Hono<AppEnv>();

oidcRoutes.use("*", async (c, next) => {
  const slug = c.req.param("tenant") ?? "";
  const tenant = SLUG_PATTERN.test(slug) ? await openTenantRegistry(c.env, c.var.stats).findBySlug(slug) : null;
  if (!tenant) return c.json({ error: "not_found", error_description: `there is no tenant '${slug}'` }, 404);
  c.set("tenant", tenant);
  await next();
});

export function discoveryResponse(c: Context<AppEnv>) {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(discoveryDocument(issuerFor(c.env, c.var.tenant.slug), c.var.tenant));
}

oidcRoutes.use("/.well-known/*", publicCors);
oidcRoutes.get("/.well-known/openid-configuration", discoveryResponse);
oidcRoutes.get("/.well-known/oauth-authorization-server", discoveryResponse);

oidcRoutes.use("/jwks", publicCors);
oidcRoutes.get("/jwks", async (c) => {
  const jwks = await publishedJwks(c.env, c.var.stats, c.var.tenant.id);
  c.header("Cache-Control", "public, max-age=300");
  return c.json(jwks);
});

// Front channel: no CORS, HTML answers.
oidcRoutes.on(["GET", "POST"], "/authorize", authorizationEndpoint);
oidcRoutes.on(["GET", "POST"], "/logout", endSessionEndpoint);
oidcRoutes.route("/interaction", interactionRoutes);
oidcRoutes.route("/", standaloneJourneyRoutes);
oidcRoutes.route("/account", accountRoutes);
oidcRoutes.get("/branding/:file", brandingStylesheetResponse);

// Back channel: CORS for browser apps, JSON answers.
for (const path of ["/token", "/userinfo", "/revoke", "/introspect"]) oidcRoutes.use(path, publicCors);
oidcRoutes.post("/token", tokenEndpoint);
oidcRoutes.post("/par", pushedAuthorizationRequestEndpoint);
oidcRoutes.on(["GET", "POST"], "/userinfo", userInfoEndpoint);
oidcRoutes.post("/revoke", revocationEndpoint);
oidcRoutes.post("/introspect", introspectionEndpoint);

for (const path of ["/token", "/par", "/revoke", "/introspect"]) {
  oidcRoutes.all(path, () => {
    throw new InvalidRequest("this endpoint accepts POST only", 405, { Allow: "POST, OPTIONS" });
  });
}

// Hosted pages, which answer errors with a page rather than JSON.
/** Paths of hosted pages: their errors are answered with a page, not JSON. */
export const FRONT_CHANNEL = /\/(authorize|logout|interaction|password-reset|verify-email|account)(\/|$)/;

oidcRoutes.onError((error, c) => {
  if (error instanceof OAuthError) return error.toResponse();
  const path = new URL(c.req.url).pathname;
  const page = FRONT_CHANNEL.test(path);
  if (error instanceof ConfigurationError) {
    logFailure("configuration error", error);
    if (page) return errorPage(c, 503, "common.unavailableTitle", "common.unavailableBody");
    return new TemporarilyUnavailable("the server is not configured correctly").toResponse();
  }
  logFailure(`oidc endpoint failed: ${c.req.method} ${path}`, error);
  if (page) return errorPage(c, 500, "common.unavailableTitle", "common.serverErrorBody");
  return new ServerError().toResponse();
});

// The HTTP surface: per-tenant OpenID endpoints under /t/{slug}, the management API
// under /admin/v1. docs/architecture.md walks through a request.
import { Hono } from "hono";
import { adminRoutes } from "./admin";
import { devOutboxRoutes } from "./email/dev-page";
import { Problem } from "./admin/problem";
import { publicBaseUrl, SLUG_PATTERN } from "./config";
import type { AppEnv } from "./env";
import { requestContext } from "./http/request-context";
import { openTenantRegistry } from "./directory";
import { publicCors } from "./http/cors";
import { discoveryResponse, FRONT_CHANNEL, oidcRoutes } from "./oidc/routes";
import { errorPage } from "./ui/render";
import { FORM_POST_JS, FORM_POST_JS_PATH, UI_CSS, UI_CSS_PATH } from "./ui/assets";
import { logFailure } from "./http/log";
import { PASSKEY_JS, PASSKEY_JS_PATH } from "./mfa/passkeys/browser-script";

export const app = new Hono<AppEnv>();

app.use("*", requestContext);

app.get("/", (c) =>
  c.json({
    name: "Latchkey",
    description: "Customer identity and access management at the edge",
    issuer_pattern: `${publicBaseUrl(c.env)}/t/{tenant}`,
    management_api: "/admin/v1",
    management_api_reference: "/admin/v1/docs",
  }),
);

app.get("/healthz", (c) => c.json({ status: "ok" }));

app.route("/t/:tenant", oidcRoutes);

// RFC 8414 3.1: metadata of issuer https://host/t/{slug} also lives at
// https://host/.well-known/oauth-authorization-server/t/{slug}.
app.use("/.well-known/oauth-authorization-server/t/:tenant", publicCors);
app.get("/.well-known/oauth-authorization-server/t/:tenant", async (c) => {
  const slug = c.req.param("tenant");
  const tenant = SLUG_PATTERN.test(slug) ? await openTenantRegistry(c.env, c.var.stats).findBySlug(slug) : null;
  if (!tenant) return c.json({ error: "not_found", error_description: `there is no tenant '${slug}'` }, 404);
  c.set("tenant", tenant);
  return discoveryResponse(c);
});

// Assets of the hosted pages: versioned paths, so they can be cached for a year.
const ASSET_CACHE = "public, max-age=31536000, immutable";
app.get(UI_CSS_PATH, (c) =>
  c.body(UI_CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": ASSET_CACHE }),
);
app.get(FORM_POST_JS_PATH, (c) =>
  c.body(FORM_POST_JS, 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": ASSET_CACHE }),
);
app.get(PASSKEY_JS_PATH, (c) =>
  c.body(PASSKEY_JS, 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": ASSET_CACHE }),
);
app.route("/admin/v1", adminRoutes);
app.route("/dev", devOutboxRoutes);

// Hono consults only the top-level app's notFound, so the management API's problem+json
// answer for unknown paths is given here.
app.notFound((c) => {
  const path = new URL(c.req.url).pathname;
  if (path === "/admin/v1" || path.startsWith("/admin/v1/"))
    return new Problem("not-found", `no management endpoint at ${path}`).toResponse(publicBaseUrl(c.env), path);
  return c.json({ error: "not_found", error_description: "no such endpoint" }, 404);
});
app.onError(async (error, c) => {
  const path = new URL(c.req.url).pathname;
  logFailure(`unhandled error: ${c.req.method} ${path}`, error);
  // A person is looking at a hosted page: answer with one, in their language (unless the
  // page's own ingredients, such as the tenant's branding, are what failed).
  if (path.startsWith("/t/") && FRONT_CHANNEL.test(path)) {
    try {
      return await errorPage(c, 500, "common.unavailableTitle", "common.serverErrorBody");
    } catch {
      // fall through to the plain answer
    }
  }
  return c.json({ error: "server_error", error_description: "the server met an unexpected condition" }, 500);
});

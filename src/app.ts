// The HTTP surface: per-tenant OpenID endpoints under /t/{slug}, the management API
// under /admin/v1. docs/architecture.md walks through a request.
import { Hono } from "hono";
import { adminRoutes } from "./admin";
import { Problem } from "./admin/problem";
import { publicBaseUrl } from "./config";
import type { AppEnv } from "./env";
import { requestContext } from "./http/request-context";
import { oidcRoutes } from "./oidc/routes";
import { logFailure } from "./http/log";

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
app.route("/admin/v1", adminRoutes);

// Hono consults only the top-level app's notFound, so the management API's problem+json
// answer for unknown paths is given here.
app.notFound((c) => {
  const path = new URL(c.req.url).pathname;
  if (path === "/admin/v1" || path.startsWith("/admin/v1/"))
    return new Problem("not-found", `no management endpoint at ${path}`).toResponse(publicBaseUrl(c.env), path);
  return c.json({ error: "not_found", error_description: "no such endpoint" }, 404);
});
app.onError((error, c) => {
  logFailure(`unhandled error: ${c.req.method} ${new URL(c.req.url).pathname}`, error);
  return c.json({ error: "server_error", error_description: "the server met an unexpected condition" }, 500);
});

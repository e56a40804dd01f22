// The management API at /admin/v1: every route of ./routes, plus its OpenAPI document and
// the reference page rendered from it.
import { Hono } from "hono";
import "./schemas/zod";
import { bodyLimit } from "hono/body-limit";
import { ConfigurationError, publicBaseUrl } from "../config";
import { ConflictError, UnknownReferenceError } from "../directory";
import { HTML_SECURITY_HEADERS } from "../http/security-headers";
import { foreignKeyViolation } from "../storage/errors";
import { openApiDocument } from "./openapi";
import { pointerTo, Problem } from "./problem";
import { ReferencePage } from "./reference-page";
import { mountRoutes, type AdminEnv, type AnyRoute } from "./route";
import { attributeRoutes } from "./routes/attributes";
import { auditRoutes } from "./routes/audit";
import { brandingRoutes } from "./routes/branding";
import { clientRoutes } from "./routes/clients";
import { factorRoutes } from "./routes/factors";
import { keyRoutes } from "./routes/keys";
import { resourceRoutes } from "./routes/resources";
import { roleRoutes } from "./routes/roles";
import { tenantRoutes } from "./routes/tenants";
import { textRoutes } from "./routes/texts";
import { userRoutes } from "./routes/users";
import { logFailure } from "../http/log";

export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/** Every management route, in the order the reference lists them. */
export const managementRoutes: AnyRoute[] = [
  ...tenantRoutes,
  ...brandingRoutes,
  ...textRoutes,
  ...attributeRoutes,
  ...userRoutes,
  ...factorRoutes,
  ...clientRoutes,
  ...resourceRoutes,
  ...roleRoutes,
  ...keyRoutes,
  ...auditRoutes,
];

export const adminRoutes = new Hono<AdminEnv>();

adminRoutes.get("/openapi.json", (c) => {
  c.header("Cache-Control", "public, max-age=300");
  c.header("Access-Control-Allow-Origin", "*");
  return c.json(openApiDocument(publicBaseUrl(c.env), managementRoutes));
});

adminRoutes.get("/docs", (c) => {
  const baseUrl = publicBaseUrl(c.env);
  for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) c.header(name, value);
  c.header("Cache-Control", "public, max-age=300");
  return c.html(<ReferencePage document={openApiDocument(baseUrl, managementRoutes)} baseUrl={baseUrl} />);
});

adminRoutes.use(
  "*",
  bodyLimit({
    maxSize: MAX_ADMIN_BODY_BYTES,
    onError: () => {
      throw new Problem("body-too-large", `request bodies are limited to ${MAX_ADMIN_BODY_BYTES} bytes`);
    },
  }),
);

mountRoutes(adminRoutes, managementRoutes);

adminRoutes.onError((error, c) => {
  const instance = new URL(c.req.url).pathname;
  const baseUrl = publicBaseUrl(c.env);
  if (error instanceof Problem) return error.toResponse(baseUrl, instance);
  if (error instanceof ConflictError)
    return new Problem("conflict", error.message, [
      { pointer: pointerTo([error.field]), detail: error.message },
    ]).toResponse(baseUrl, instance);
  if (error instanceof UnknownReferenceError)
    return new Problem("validation-failed", error.message, [
      { pointer: pointerTo(error.field.split("/")), detail: error.message },
    ]).toResponse(baseUrl, instance);
  if (foreignKeyViolation(error))
    // The tenant (or a record named in the request) was deleted while this call ran.
    return new Problem("conflict", "the tenant or a record this request refers to no longer exists").toResponse(
      baseUrl,
      instance,
    );
  if (error instanceof ConfigurationError) {
    logFailure("configuration error", error);
    return new Problem("service-unavailable", "the server is not configured correctly").toResponse(baseUrl, instance);
  }
  logFailure(`management call failed: ${c.req.method} ${instance}`, error);
  return new Problem("internal-error", "the server met an unexpected condition").toResponse(baseUrl, instance);
});

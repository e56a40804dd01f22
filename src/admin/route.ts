// Management routes are declared once, with their schemas: the same declaration mounts
// the Hono handler (authentication, scope, tenant reach, validation, then the handler)
// and produces the OpenAPI document, so the two cannot drift apart.
import type { Context, Hono } from "hono";
import * as z from "zod/mini";
import { SLUG_PATTERN } from "../config";
import { openDirectory, openTenantRegistry, type AuditEventInput, type Directory, type Tenant } from "../directory";
import type { AppVariables, Env } from "../env";
import { clientIpOf } from "../http/client-ip";
import { authenticateManagementCall, requireOperator, requireScope, requireTenantAccess, type Principal } from "./auth";
import type { ManagementScope } from "./management-resource";
import { pointerTo, Problem, type FieldError } from "./problem";

export interface AdminVariables extends AppVariables {
  principal: Principal;
  /** The tenant named by {tenant} in the path. */
  target: Tenant;
  directory: Directory;
}

export interface AdminEnv {
  Bindings: Env;
  Variables: AdminVariables;
}

export type AdminContext = Context<AdminEnv>;

type Method = "get" | "post" | "patch" | "put" | "delete";
type Output<T> = T extends z.ZodMiniType ? z.output<T> : undefined;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodMiniType;
}

export interface RouteDefinition<
  P extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  Q extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  B extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
> {
  method: Method;
  /** OpenAPI-style path below /admin/v1, e.g. /tenants/{tenant}/users/{user_id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  scope: ManagementScope;
  /** "system": operators only. "tenant": operators, or callers of the {tenant} itself. */
  access: "system" | "tenant";
  params?: P;
  query?: Q;
  body?: B;
  /** The body may be left out entirely; it then validates as `{}`. */
  bodyOptional?: boolean;
  responses: Record<number, ResponseSpec>;
  handler: (
    c: AdminContext,
    input: { params: Output<P>; query: Output<Q>; body: Output<B> },
  ) => Response | Promise<Response>;
}

export type AnyRoute = RouteDefinition<z.ZodMiniType | undefined, z.ZodMiniType | undefined, z.ZodMiniType | undefined>;

export function defineRoute<
  P extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
  B extends z.ZodMiniType | undefined = undefined,
>(route: RouteDefinition<P, Q, B>): AnyRoute {
  return route as unknown as AnyRoute;
}

function issuesToErrors(issues: z.core.$ZodIssue[], where: "body" | "parameter"): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const paths =
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({ path: [...issue.path, key], detail: `unknown field '${key}'` }))
        : [{ path: issue.path, detail: issue.message }];
    for (const { path, detail } of paths) {
      errors.push(
        where === "body" ? { pointer: pointerTo(path), detail } : { parameter: String(path[0] ?? ""), detail },
      );
    }
  }
  return errors;
}

export function validate<T extends z.ZodMiniType>(schema: T, value: unknown, where: "body" | "parameter"): z.output<T> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const errors = issuesToErrors(result.error.issues, where);
  const first = errors[0];
  const summary = first ? `${first.pointer ?? first.parameter}: ${first.detail}` : "invalid input";
  throw new Problem(
    "validation-failed",
    errors.length > 1 ? `${summary} (and ${errors.length - 1} more)` : summary,
    errors,
  );
}

async function readJsonBody(c: AdminContext, optional: boolean): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "" && optional) return {};
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(type))
    throw new Problem("unsupported-media-type", "send the request body as application/json");
  if (text.trim() === "") throw new Problem("malformed-body", "the request body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Problem("malformed-body", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The audit event of a management call, attributed to the calling client. */
export function managementAudit(c: AdminContext, type: string, details: Record<string, unknown> = {}): AuditEventInput {
  const principal = c.var.principal;
  return {
    type,
    actorType: "client",
    actorId: principal.clientId,
    ip: clientIpOf(c.req.raw),
    userAgent: c.req.header("User-Agent") ?? null,
    details: { ...details, caller_tenant: principal.tenant.slug },
  };
}

/**
 * Path parameters whose syntax is known, so that a literal segment beside them
 * (`/keys/rotate` next to `/keys/{kid}`) is never taken for a value.
 */
const PATH_PARAMETER_SYNTAX: Record<string, string> = {
  kid: "[A-Za-z0-9_-]{43}",
};

export function mountRoutes(app: Hono<AdminEnv>, routes: AnyRoute[]): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const honoPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      PATH_PARAMETER_SYNTAX[name] ? `:${name}{${PATH_PARAMETER_SYNTAX[name]}}` : `:${name}`,
    );
    methodsByPath.set(honoPath, (methodsByPath.get(honoPath) ?? new Set()).add(route.method.toUpperCase()));
    app.on(route.method.toUpperCase(), honoPath, async (c) => {
      const principal = await authenticateManagementCall(c.env, c.var.stats, c.req.header("Authorization"));
      c.set("principal", principal);
      requireScope(principal, route.scope);
      if (route.access === "system") requireOperator(principal);
      if (route.path.includes("{tenant}")) {
        const slug = c.req.param("tenant") ?? "";
        requireTenantAccess(principal, slug);
        const tenant = SLUG_PATTERN.test(slug) ? await openTenantRegistry(c.env, c.var.stats).findBySlug(slug) : null;
        if (!tenant) throw new Problem("not-found", `there is no tenant '${slug}'`);
        c.set("target", tenant);
        c.set("directory", openDirectory(c.env, tenant, c.var.stats));
      }
      const params = route.params ? validate(route.params, c.req.param(), "parameter") : undefined;
      const query = route.query ? validate(route.query, c.req.query(), "parameter") : undefined;
      const body = route.body
        ? validate(route.body, await readJsonBody(c, route.bodyOptional === true), "body")
        : undefined;
      return route.handler(c, { params, query, body });
    });
  }
  for (const [path, methods] of methodsByPath) {
    app.all(path, () => {
      throw new Problem("method-not-allowed", `use ${[...methods].join(", ")} on this path`, [], {
        Allow: [...methods].join(", "),
      });
    });
  }
}

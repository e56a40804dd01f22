// Shared fixtures of the management API suite. Every call made through `api()` or
// `raw()` is checked on the way back: no 5xx; a problem response must be RFC 9457
// problem+json of a known type; a success must be a status the route declares, with a
// body matching the response schema the route declares (and no undeclared fields).
import { expect } from "vitest";
import * as z from "zod/mini";
import { managementRoutes } from "../../../src/admin/index";
import { MANAGEMENT_AUDIENCE, managementResourceFor } from "../../../src/admin/management-resource";
import { PROBLEM_TYPES, type ProblemType } from "../../../src/admin/problem";
import type { AnyRoute } from "../../../src/admin/route";
import { BASE, basic, call, tokenRequest } from "../helpers";

export { MANAGEMENT_AUDIENCE };
export const ADMIN = "/admin/v1";

/** Every management scope a client of a non-system tenant can hold. */
export function tenantScopes(slug: string): string[] {
  return managementResourceFor(slug).scopes.map((s) => s.value);
}

export function routeById(operationId: string): AnyRoute {
  const found = managementRoutes.find((r) => r.operationId === operationId);
  if (!found) throw new Error(`no management route '${operationId}'`);
  return found;
}

export function pathOf(route: AnyRoute, params: Record<string, string> = {}): string {
  return (
    ADMIN +
    route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`${route.operationId}: no value for path parameter '${name}'`);
      return encodeURIComponent(value);
    })
  );
}

export function pathParamsOf(route: AnyRoute): string[] {
  return [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

export interface Result<T = any> {
  status: number;
  body: T;
  headers: Headers;
  path: string;
  text: string;
}

export interface ApiOptions {
  token?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
}

function withQuery(path: string, query?: ApiOptions["query"]): string {
  if (!query) return path;
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return `${path}?${search}`;
}

/** Calls a route by operationId and checks the answer against the route's declaration. */
export async function api<T = any>(
  operationId: string,
  params: Record<string, string>,
  options: ApiOptions = {},
): Promise<Result<T>> {
  const route = routeById(operationId);
  const path = pathOf(route, params);
  const response = await call(route.method.toUpperCase(), withQuery(path, options.query), {
    ...(options.token ? { token: options.token } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  return checked(response, path, route);
}

/** Any request under /admin/v1 (bodies as given, strings sent verbatim); problems are checked. */
export async function raw<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: string | object; headers?: Record<string, string> } = {},
): Promise<Result<T>> {
  const response = await call(method, path, {
    ...(options.token ? { token: options.token } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  return checked(response, new URL(path, BASE).pathname);
}

async function checked<T>(response: Response, path: string, route?: AnyRoute): Promise<Result<T>> {
  const text = await response.text();
  const label = `${route?.operationId ?? path} answered ${response.status}: ${text.slice(0, 500)}`;
  expect(response.status, label).toBeLessThan(500);
  const type = response.headers.get("Content-Type") ?? "";
  let body: unknown = null;
  if (text !== "") {
    expect(type, label).toMatch(/^application\/(problem\+)?json/);
    body = JSON.parse(text);
  }
  if (response.status >= 400) {
    assertProblem(response.status, response.headers, body, path, label);
  } else if (route) {
    const spec = route.responses[response.status];
    expect(spec, `${label} (a status the route does not declare)`).toBeDefined();
    if (spec?.schema) {
      expect(type, label).toMatch(/^application\/json/);
      assertMatches(spec.schema, body, `${route.operationId} ${response.status}`);
    } else {
      expect(text, label).toBe("");
    }
  }
  return { status: response.status, body: body as T, headers: response.headers, path, text };
}

/** Fields present in `raw` but absent from what the schema kept: undeclared response fields. */
export function undeclaredKeys(rawValue: unknown, parsed: unknown, at = ""): string[] {
  if (Array.isArray(rawValue) && Array.isArray(parsed))
    return rawValue.flatMap((item, i) => undeclaredKeys(item, parsed[i], `${at}/${i}`));
  if (rawValue && typeof rawValue === "object" && parsed && typeof parsed === "object") {
    const out: string[] = [];
    for (const key of Object.keys(rawValue)) {
      if (!(key in parsed)) out.push(`${at}/${key}`);
      else out.push(...undeclaredKeys((rawValue as any)[key], (parsed as any)[key], `${at}/${key}`));
    }
    return out;
  }
  return [];
}

export function assertMatches(schema: z.ZodMiniType, body: unknown, label: string): void {
  const result = z.safeParse(schema, body);
  if (!result.success)
    expect.fail(
      `${label}: the body does not match the declared schema: ${JSON.stringify(result.error.issues)}\n${JSON.stringify(body)}`,
    );
  expect(undeclaredKeys(body, result.data), `${label}: fields the schema does not declare`).toEqual([]);
}

const problemNames = Object.keys(PROBLEM_TYPES) as ProblemType[];

export function problemTypeOf(body: { type?: unknown }): ProblemType | undefined {
  return problemNames.find((name) => body.type === `${BASE}${ADMIN}/docs#problem-${name}`);
}

function assertProblem(status: number, headers: Headers, body: any, path: string, label: string): void {
  expect(headers.get("Content-Type"), label).toMatch(/^application\/problem\+json/);
  expect(headers.get("Cache-Control"), label).toBe("no-store");
  expect(body, label).toBeTypeOf("object");
  const name = problemTypeOf(body);
  expect(name, `${label}: unknown problem type`).toBeDefined();
  expect(body.status, label).toBe(status);
  expect(PROBLEM_TYPES[name!].status, label).toBe(status);
  expect(body.title, label).toBe(PROBLEM_TYPES[name!].title);
  expect(body.detail, label).toBeTypeOf("string");
  expect(body.detail.length, label).toBeGreaterThan(0);
  expect(body.instance, label).toBe(path);
  if (body.errors !== undefined) {
    expect(Array.isArray(body.errors), label).toBe(true);
    for (const error of body.errors) {
      expect(typeof error.detail, label).toBe("string");
      expect(typeof error.pointer === "string" || typeof error.parameter === "string", label).toBe(true);
      if (error.pointer !== undefined) expect(error.pointer, label).toMatch(/^#(\/|$)/);
    }
  }
}

export interface ProblemExpectation {
  /** A JSON pointer that must be among errors[].pointer. */
  pointer?: string;
  /** A parameter name that must be among errors[].parameter. */
  parameter?: string;
}

export function expectProblem(result: Result, type: ProblemType, expectation: ProblemExpectation = {}): void {
  const label = `${result.path}: ${result.text.slice(0, 500)}`;
  expect(result.status, label).toBe(PROBLEM_TYPES[type].status);
  expect(problemTypeOf(result.body), label).toBe(type);
  if (expectation.pointer !== undefined)
    expect(
      (result.body.errors ?? []).map((e: { pointer?: string }) => e.pointer),
      label,
    ).toContain(expectation.pointer);
  if (expectation.parameter !== undefined)
    expect(
      (result.body.errors ?? []).map((e: { parameter?: string }) => e.parameter),
      label,
    ).toContain(expectation.parameter);
}

/** The parameters of a Bearer challenge: { scheme, realm, error, ... }. */
export function parseChallenge(header: string | null): Record<string, string> {
  expect(header).toBeTruthy();
  const [scheme, ...rest] = header!.split(" ");
  const fields: Record<string, string> = { scheme: scheme! };
  for (const match of rest.join(" ").matchAll(/(\w+)="([^"]*)"/g)) fields[match[1]!] = match[2]!;
  return fields;
}

// --- Building a directory -------------------------------------------------------------

export function expectStatus(result: Result, status: number): void {
  expect(result.status, `${result.path}: ${result.text.slice(0, 500)}`).toBe(status);
}

export async function newTenant(token: string, slug: string, extra: Record<string, unknown> = {}) {
  const result = await api("createTenant", {}, { token, body: { slug, ...extra } });
  expectStatus(result, 201);
  return result.body;
}

export async function newUser(token: string, tenant: string, body: Record<string, unknown>) {
  const result = await api("createUser", { tenant }, { token, body });
  expectStatus(result, 201);
  return result.body;
}

export async function newResource(token: string, tenant: string, body: Record<string, unknown> = {}) {
  const result = await api(
    "createResource",
    { tenant },
    {
      token,
      body: {
        identifier: "https://api.example.test",
        name: "Example API",
        scopes: [{ value: "read" }, { value: "write" }],
        ...body,
      },
    },
  );
  expectStatus(result, 201);
  return result.body;
}

export async function newRole(token: string, tenant: string, body: Record<string, unknown>) {
  const result = await api("createRole", { tenant }, { token, body });
  expectStatus(result, 201);
  return result.body;
}

export async function newClient(token: string, tenant: string, body: Record<string, unknown>) {
  const result = await api("createClient", { tenant }, { token, body });
  expectStatus(result, 201);
  return result.body;
}

/** A client_credentials token request with HTTP Basic authentication. */
export function clientCredentials(
  tenant: string,
  clientId: string,
  secret: string,
  params: Record<string, string> = {},
): Promise<Response> {
  return tokenRequest(
    tenant,
    { grant_type: "client_credentials", ...params },
    { Authorization: basic(clientId, secret) },
  );
}

export async function accessToken(
  tenant: string,
  clientId: string,
  secret: string,
  params: Record<string, string> = {},
): Promise<{ access_token: string; scope: string; expires_in: number }> {
  const response = await clientCredentials(tenant, clientId, secret, params);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

export interface ManagementClient {
  clientId: string;
  secret: string;
  token: string;
  scope: string;
}

/** A tenant-scoped management client of `tenant` and a management token of it. */
export async function managementClient(
  operator: string,
  tenant: string,
  scope: string = tenantScopes(tenant).join(" "),
): Promise<ManagementClient> {
  const client = await newClient(operator, tenant, {
    client_name: "Tenant manager",
    grant_types: ["client_credentials"],
    scope,
  });
  const issued = await accessToken(tenant, client.client_id, client.client_secret, { resource: MANAGEMENT_AUDIENCE });
  return { clientId: client.client_id, secret: client.client_secret, token: issued.access_token, scope: issued.scope };
}

/** Decodes a JWT's header and payload (no verification). */
export function decodeJwt(token: string): { header: Record<string, any>; payload: Record<string, any> } {
  const [header, payload] = token.split(".");
  const decode = (part: string) => JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/")));
  return { header: decode(header!), payload: decode(payload!) };
}

/** One of everything in a tenant: user, API resource, role, confidential client (with its secret). */
export async function populate(token: string, tenant: string) {
  const user = await newUser(token, tenant, { email: `someone@${tenant}.example` });
  const resource = await newResource(token, tenant, { identifier: `https://api.${tenant}.example` });
  const role = await newRole(token, tenant, {
    name: "editor",
    permissions: [{ resource: resource.identifier, scope: "write" }],
  });
  const assigned = await api("assignUserRoles", { tenant, user_id: user.id }, { token, body: { roles: [role.id] } });
  expectStatus(assigned, 200);
  const client = await newClient(token, tenant, { grant_types: ["client_credentials"], scope: "read write" });
  const secrets = await api("listClientSecrets", { tenant, client_id: client.client_id }, { token });
  expectStatus(secrets, 200);
  return {
    user,
    resource,
    role,
    client,
    secretId: secrets.body.data[0].id as string,
    /** Values for every path parameter the routes use. */
    params: {
      tenant,
      user_id: user.id as string,
      client_id: client.client_id as string,
      resource_id: resource.id as string,
      role_id: role.id as string,
      secret_id: secrets.body.data[0].id as string,
    } as Record<string, string>,
  };
}

/**
 * A body each route would accept (so that a refusal is about something else). New
 * routes with a body must be added here: errors.test.ts checks that none is missing.
 */
export const SAMPLE_BODIES: Record<string, unknown> = {
  createTenant: { slug: "sample-tenant" },
  updateTenant: { display_name: "Renamed" },
  createUser: { email: "sample@example.com" },
  updateUser: { given_name: "Sam" },
  assignUserRoles: { roles: ["rol_sample"] },
  createClient: { grant_types: ["client_credentials"] },
  updateClient: { client_name: "Renamed" },
  rotateClientSecret: { previous_secret_expires_in: 0 },
  createResource: { identifier: "https://sample.example", name: "Sample" },
  updateResource: { name: "Renamed" },
  createRole: { name: "sample" },
  updateRole: { name: "renamed" },
  rotateSigningKeys: { revoke_previous: true },
  replaceBranding: { primary_color: "#1a4d8f" },
  updateBranding: { primary_color: "#1a4d8f" },
  updateTexts: { "common.continue": "Go on" },
  createAttribute: { name: "member_number", type: "string", labels: { en: "Member number" } },
  updateAttribute: { required: true },
};

export function sampleBody(route: AnyRoute): unknown {
  return route.body ? (SAMPLE_BODIES[route.operationId] ?? {}) : undefined;
}

/** A well-formed value for a path parameter that names nothing: kids are 43-character thumbprints. */
export function plausibleParam(name: string, suffix = "0001"): string {
  return name === "kid" ? `missingkid${suffix}`.padEnd(43, "x") : `${name}-${suffix}`;
}

/** Fills a route's path parameters: known names from `values`, anything else with a plausible id. */
export function fillParams(route: AnyRoute, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(pathParamsOf(route).map((name) => [name, values[name] ?? plausibleParam(name)]));
}

/** Moves audit events to a chosen time (seconds), to test time filters. */
export async function backdateAuditEvents(env: { DB: D1Database }, ids: string[], createdAt: number): Promise<void> {
  for (const id of ids) {
    const result = await env.DB.prepare("UPDATE audit_events SET created_at = ? WHERE id = ?")
      .bind(createdAt, id)
      .run();
    expect(result.meta.changes).toBe(1);
  }
}

// Test helpers: calling the worker as a client would, and getting management tokens.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../src/index";

export const BASE = "https://latchkey.test";
export const OPERATOR = { id: env.ADMIN_CLIENT_ID!, secret: env.ADMIN_CLIENT_SECRET! };

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Sends a request through the worker's fetch handler and waits for its background work. */
export async function send(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  return send(new Request(`${BASE}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
}

export function form(values: Record<string, string | string[]>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params;
}

export function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;
}

export function tokenRequest(
  tenant: string,
  params: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return send(
    new Request(`${BASE}/t/${tenant}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: form(params),
    }),
  );
}

/** A management token of the bootstrap operator (every scope, every tenant). */
export async function operatorToken(scope?: string): Promise<string> {
  const response = await tokenRequest(
    "system",
    { grant_type: "client_credentials", ...(scope ? { scope } : {}) },
    { Authorization: basic(OPERATOR.id, OPERATOR.secret) },
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function json<T = Record<string, any>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** D1 round trips and KV reads the worker reported for a response (Server-Timing). */
export function usage(response: Response): {
  d1RoundTrips: number;
  d1Statements: number;
  kvReads: number;
  durableObjectCalls: number;
} {
  const header = response.headers.get("Server-Timing") ?? "";
  const number = (pattern: RegExp) => Number(pattern.exec(header)?.[1] ?? NaN);
  return {
    d1RoundTrips: number(/round_trips=(\d+)/),
    d1Statements: number(/statements=(\d+)/),
    kvReads: number(/reads=(\d+)/),
    durableObjectCalls: number(/calls=(\d+)/),
  };
}

export async function createTenant(token: string, slug: string, extra: Record<string, unknown> = {}) {
  const response = await call("POST", "/admin/v1/tenants", { token, body: { slug, ...extra } });
  expect(response.status, await response.clone().text()).toBe(201);
  return json(response);
}

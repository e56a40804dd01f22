// Shared set-up for the hosted-flow suites: a tenant with a user, a first-party and a
// third-party client, and helpers to run an authorization through the test browser.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { base64url, decodeJwt, type JWTPayload } from "jose";
import { expect } from "vitest";
import { BASE, basic, call, createTenant, json, operatorToken, send, tokenRequest } from "../helpers";
import { Browser, findForm } from "./browser";

export const REDIRECT = "https://app.example.com/callback";
export const OTHER_REDIRECT = "https://other.example.net/cb";
export const PASSWORD = "correct horse battery";
export const API = "https://api.acme.example";

export const issuer = (slug: string) => `${BASE}/t/${slug}`;

export interface TestClient {
  client_id: string;
  client_secret: string;
}

export interface World {
  admin: string;
  slug: string;
  user: { id: string; email: string };
  /** First-party, confidential (client_secret_basic), may refresh. */
  app: TestClient;
  /** Third-party, confidential, may refresh, may ask for the API's scopes. */
  partner: TestClient;
}

export async function createUser(admin: string, slug: string, body: Record<string, unknown>) {
  const response = await call("POST", `/admin/v1/tenants/${slug}/users`, { token: admin, body });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<{ id: string; email: string }>(response);
}

export async function createClient(admin: string, slug: string, body: Record<string, unknown>) {
  const response = await call("POST", `/admin/v1/tenants/${slug}/clients`, {
    token: admin,
    body: { redirect_uris: [REDIRECT], grant_types: ["authorization_code", "refresh_token"], ...body },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<TestClient>(response);
}

/** A tenant with one user (ana@example.com), a first-party app and a third-party partner app. */
export async function world(
  slug = "acme",
  options: { admin?: string; tenant?: Record<string, unknown>; api?: boolean } = {},
): Promise<World> {
  const admin = options.admin ?? (await operatorToken());
  await createTenant(admin, slug, options.tenant ?? {});
  if (options.api !== false) {
    const resource = await call("POST", `/admin/v1/tenants/${slug}/resources`, {
      token: admin,
      body: {
        identifier: API,
        name: "Orders API",
        scopes: [
          { value: "read:orders", description: "Read your orders" },
          { value: "write:orders", description: "Place orders for you" },
        ],
      },
    });
    expect(resource.status, await resource.clone().text()).toBe(201);
  }
  const [user, app, partner] = await Promise.all([
    createUser(admin, slug, { email: "ana@example.com", password: PASSWORD, given_name: "Ana", email_verified: true }),
    createClient(admin, slug, { client_name: "Acme app", first_party: true }),
    createClient(admin, slug, {
      client_name: "Partner app",
      first_party: false,
      redirect_uris: [OTHER_REDIRECT],
      scope: options.api === false ? "" : "read:orders write:orders",
    }),
  ]);
  return { admin, slug, user, app, partner };
}

export async function pkce() {
  const verifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url.encode(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  return { verifier, challenge };
}

export function authorizePath(slug: string, params: Record<string, string>): string {
  return `/t/${slug}/authorize?${new URLSearchParams(params)}`;
}

/** Parameters of a valid request of `client` (openid, state, nonce, no PKCE unless given). */
export function codeRequest(client: { client_id: string }, extra: Record<string, string> = {}) {
  return {
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    scope: "openid email",
    state: "st-1",
    nonce: "n-1",
    ...extra,
  };
}

/** The authorization response carried by a redirect to the client (303 with a Location off our origin). */
export function callbackOf(response: Response): URL {
  expect(response.status, `expected a redirect to the client, got ${response.status}`).toBe(303);
  const location = new URL(response.headers.get("Location")!);
  expect(location.origin).not.toBe(new URL(BASE).origin);
  return location;
}

/** Signs in on the page the browser was shown; returns the response after following our redirects. */
export async function signInOn(browser: Browser, page: string, email: string, password = PASSWORD) {
  return browser.submit(page, "/login", { email, password });
}

/** Runs an authorization that shows the sign-in page and signs in; returns the client's callback URL. */
export async function authorizeWithSignIn(
  browser: Browser,
  slug: string,
  params: Record<string, string>,
  email = "ana@example.com",
  password = PASSWORD,
): Promise<URL> {
  const page = await browser.navigate(authorizePath(slug, params));
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('name="password"');
  return callbackOf(await signInOn(browser, html, email, password));
}

export async function redeem(
  slug: string,
  client: TestClient,
  code: string,
  extra: Record<string, string> = {},
  redirectUri = REDIRECT,
) {
  const response = await tokenRequest(
    slug,
    { grant_type: "authorization_code", code, redirect_uri: redirectUri, ...extra },
    { Authorization: basic(client.client_id, client.client_secret) },
  );
  expect(response.status, await response.clone().text()).toBe(200);
  const body = await json(response);
  return { ...body, claims: decodeJwt(body.id_token as string) as JWTPayload & Record<string, any> } as {
    access_token: string;
    id_token: string;
    refresh_token?: string;
    claims: JWTPayload & Record<string, any>;
  };
}

export interface AuditEvent {
  type: string;
  user_id: string | null;
  client_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, any>;
}

/** Every audit event of a type (all pages). */
export async function auditEvents(admin: string, slug: string, type: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ type, limit: "100", ...(cursor ? { cursor } : {}) });
    const response = await call("GET", `/admin/v1/tenants/${slug}/audit-events?${query}`, { token: admin });
    expect(response.status).toBe(200);
    const body = await json<{ data: AuditEvent[]; next_cursor: string | null }>(response);
    events.push(...body.data);
    cursor = body.next_cursor;
  } while (cursor);
  return events;
}

/** The sign-in page's form, for posting to it directly. */
export function loginForm(page: string) {
  return findForm(page, "/login");
}

/** Waits until the wall clock has just entered a new second (for tests on second-granular times). */
export async function startOfSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

/** Returns at once if at least `leftMs` of the current wall-clock second remain, else at the next second. */
export async function freshSecond(leftMs = 500): Promise<void> {
  if (1000 - (Date.now() % 1000) < leftMs) await startOfSecond();
}

export async function tenantId(slug: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM tenants WHERE slug = ?").bind(slug).first<{ id: string }>();
  return row!.id;
}

type EphemeralPurpose = "interaction" | "par";

/** Reads, or changes, the stored record of an Ephemeral object (an interaction, a pushed request). */
export async function ephemeralRecord(
  slug: string,
  purpose: EphemeralPurpose,
  key: string,
  change?: (stored: { value: unknown; expiresAt: number }) => { value: unknown; expiresAt: number },
): Promise<{ value: unknown; expiresAt: number } | undefined> {
  const stub = env.EPHEMERAL.get(env.EPHEMERAL.idFromName(`${await tenantId(slug)}:${purpose}:${key}`));
  return runInDurableObject(stub, async (_instance, state) => {
    const stored = await state.storage.get<{ value: unknown; expiresAt: number }>("value");
    if (stored && change) await state.storage.put("value", change(stored));
    return stored;
  });
}

/** Makes an interaction or a pushed request look as if its lifetime had run out. */
export function expireEphemeral(slug: string, purpose: EphemeralPurpose, key: string) {
  return ephemeralRecord(slug, purpose, key, (stored) => ({ ...stored, expiresAt: Date.now() - 1000 }));
}

export function sessionCookieName(slug: string) {
  return `__Host-lk-session-${slug}`;
}

export { BASE, env, send };

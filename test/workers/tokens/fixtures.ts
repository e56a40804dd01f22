// Shared fixtures of the token-endpoint and back-channel suite: a tenant with an API, a
// user with a full profile and first-party clients of every authentication method; a
// browser signing in; client authentication (secrets and RFC 7523 assertions); direct
// access to the user's UserState Durable Object for what tests cannot wait for.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import {
  base64url,
  createLocalJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyOptions,
  type CryptoKey as JoseKey,
} from "jose";
import { expect } from "vitest";
import { Browser } from "../flows/browser";
import { BASE, basic, call, createTenant, form, json, operatorToken, send } from "../helpers";

export const API = "https://api.acme.test";
export const OTHER_API = "https://billing.acme.test";
export const REDIRECT = "https://app.example.com/callback";
export const LOGOUT_REDIRECT = "https://app.example.com/signed-out";
export const PASSWORD = "correct horse battery";
export const EMAIL = "ana@example.com";
export const PASSWORD_ACR = "urn:latchkey:loa:1fa";

export const issuerOf = (slug: string) => `${BASE}/t/${slug}`;

export type AuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt" | "none";

export interface TestClient {
  slug: string;
  client_id: string;
  client_secret?: string;
  method: AuthMethod;
  /** private_key_jwt: the key the client signs its assertions with. */
  privateKey?: JoseKey;
  kid?: string;
  publicJwk?: JWK;
}

export interface World {
  admin: string;
  slug: string;
  tenantId: string;
  userId: string;
}

export const now = () => Math.floor(Date.now() / 1000);

/** The tenant's internal id (the management API never shows it; UserState objects are named with it). */
export async function tenantIdOf(slug: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM tenants WHERE slug = ?").bind(slug).first<{ id: string }>();
  if (!row) throw new Error(`no tenant ${slug}`);
  return row.id;
}

/**
 * An imported PBKDF2 hash (one iteration) of `password`: creating users with it skips an
 * argon2id hash per test; signing in still verifies it (and upgrades it to argon2id).
 */
export async function cheapPasswordHash(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const hash = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 1 }, key, 256);
  const phc = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
  return `$pbkdf2-sha256$i=1$${phc(salt)}$${phc(new Uint8Array(hash))}`;
}

/** Creates a user; a `password` is stored as a cheap imported hash (see cheapPasswordHash). */
export async function createUser(admin: string, slug: string, profile: Record<string, unknown>): Promise<string> {
  const { password, ...rest } = profile;
  const body = typeof password === "string" ? { ...rest, password_hash: await cheapPasswordHash(password) } : rest;
  const response = await call("POST", `/admin/v1/tenants/${slug}/users`, { token: admin, body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await json<{ id: string }>(response)).id;
}

/** A tenant with an API (two scopes), a second API, and Ana, who has every kind of claim. */
export async function setupTenant(slug = "acme", admin?: string): Promise<World> {
  admin ??= await operatorToken();
  await createTenant(admin, slug);
  for (const [identifier, scopes] of [
    [API, ["read:orders", "write:orders"]],
    [OTHER_API, ["read:invoices"]],
  ] as const) {
    const resource = await call("POST", `/admin/v1/tenants/${slug}/resources`, {
      token: admin,
      body: { identifier, name: identifier, scopes: scopes.map((value) => ({ value })) },
    });
    expect(resource.status, await resource.clone().text()).toBe(201);
  }
  const userId = await createUser(admin, slug, {
    email: EMAIL,
    email_verified: true,
    password: PASSWORD,
    name: "Ana Lima",
    given_name: "Ana",
    family_name: "Lima",
    phone_number: "+14155550123",
    phone_number_verified: true,
    address: { street_address: "1 Main St", locality: "Lisbon", country: "PT" },
  });
  return { admin, slug, tenantId: await tenantIdOf(slug), userId };
}

/** Registers a first-party web client; `method` picks its authentication (keys made for private_key_jwt). */
export async function registerClient(
  world: Pick<World, "admin" | "slug">,
  method: AuthMethod = "client_secret_basic",
  extra: Record<string, unknown> = {},
): Promise<TestClient> {
  let keys: { privateKey: JoseKey; publicJwk: JWK; kid: string } | null = null;
  if (method === "private_key_jwt" && !("jwks" in extra) && !("jwks_uri" in extra)) keys = await clientKeys("ES256");
  const response = await call("POST", `/admin/v1/tenants/${world.slug}/clients`, {
    token: world.admin,
    body: {
      client_name: `app (${method})`,
      first_party: true,
      redirect_uris: [REDIRECT],
      post_logout_redirect_uris: [LOGOUT_REDIRECT],
      grant_types: ["authorization_code", "refresh_token"],
      token_endpoint_auth_method: method,
      scope: "read:orders write:orders read:invoices",
      ...(keys ? { jwks: { keys: [keys.publicJwk] } } : {}),
      ...extra,
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const created = await json<{ client_id: string; client_secret?: string }>(response);
  return {
    slug: world.slug,
    client_id: created.client_id,
    ...(created.client_secret ? { client_secret: created.client_secret } : {}),
    method,
    ...(keys ? { privateKey: keys.privateKey, kid: keys.kid, publicJwk: keys.publicJwk } : {}),
  };
}

export async function clientKeys(alg: "ES256" | "RS256" | "EdDSA" = "ES256") {
  const pair = await generateKeyPair(alg, { extractable: true });
  const kid = base64url.encode(crypto.getRandomValues(new Uint8Array(8)));
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" };
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, publicJwk, kid };
}

export interface AssertionOptions {
  aud?: string | string[];
  iss?: string;
  sub?: string;
  jti?: string;
  exp?: number;
  iat?: number;
  key?: JoseKey;
  kid?: string;
  alg?: string;
}

/** An RFC 7523 client assertion, by default valid for 60 s with aud = the token endpoint. */
export async function clientAssertion(client: TestClient, options: AssertionOptions = {}): Promise<string> {
  const key = options.key ?? client.privateKey;
  if (!key) throw new Error("the client has no private key");
  const issued = options.iat ?? now();
  return new SignJWT({})
    .setProtectedHeader({ alg: options.alg ?? "ES256", kid: options.kid ?? client.kid ?? "none" })
    .setIssuer(options.iss ?? client.client_id)
    .setSubject(options.sub ?? client.client_id)
    .setAudience(options.aud ?? `${issuerOf(client.slug)}/token`)
    .setJti(options.jti ?? crypto.randomUUID())
    .setIssuedAt(issued)
    .setExpirationTime(options.exp ?? issued + 60)
    .sign(key);
}

export const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** The parameters and headers a client authenticates with, by its registered method. */
export async function authOf(
  client: TestClient,
  _endpoint = "token",
): Promise<{ params: Record<string, string>; headers: Record<string, string> }> {
  switch (client.method) {
    case "client_secret_basic":
      return { params: {}, headers: { Authorization: basic(client.client_id, client.client_secret!) } };
    case "client_secret_post":
      return { params: { client_id: client.client_id, client_secret: client.client_secret! }, headers: {} };
    case "private_key_jwt":
      return {
        params: {
          client_assertion_type: ASSERTION_TYPE,
          // The token endpoint URL is a valid audience at every back-channel endpoint.
          client_assertion: await clientAssertion(client, { aud: `${issuerOf(client.slug)}/token` }),
        },
        headers: {},
      };
    case "none":
      return { params: { client_id: client.client_id }, headers: {} };
  }
}

/** POSTs a form to a back-channel endpoint of the tenant, as `client` (or with raw params only). */
export async function backChannel(
  slug: string,
  endpoint: "token" | "par" | "revoke" | "introspect",
  client: TestClient | null,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const auth = client ? await authOf(client, endpoint) : { params: {}, headers: {} };
  return send(
    new Request(`${BASE}/t/${slug}/${endpoint}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...auth.headers, ...headers },
      body: form({ ...auth.params, ...params }),
    }),
  );
}

export const token = (client: TestClient, params: Record<string, string>) =>
  backChannel(client.slug, "token", client, params);

export async function pkce() {
  const verifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url.encode(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  return { verifier, challenge };
}

export interface Authorized {
  code: string;
  verifier: string | null;
  state: string;
  nonce: string;
}

/**
 * Runs /authorize in `browser` for `client`, signing in when asked, and returns the code
 * from the redirect. PKCE is used unless `params.code_challenge` is "" (omitted).
 */
export async function authorize(
  browser: Browser,
  client: TestClient,
  params: Record<string, string> = {},
  credentials = { email: EMAIL, password: PASSWORD },
): Promise<Authorized> {
  const response = await startAuthorization(browser, client, params, credentials);
  const location = response.headers.get("Location");
  expect(response.status, location ?? (await response.clone().text()).slice(0, 500)).toBe(303);
  const url = new URL(location!);
  expect(url.origin + url.pathname).toBe(params.redirect_uri || REDIRECT);
  expect(url.searchParams.get("error"), url.searchParams.get("error_description") ?? "").toBeNull();
  expect(url.searchParams.get("iss")).toBe(issuerOf(client.slug));
  return {
    code: url.searchParams.get("code")!,
    verifier: response.verifier,
    state: url.searchParams.get("state")!,
    nonce: response.nonce,
  };
}

/** The response /authorize ends with (after signing in if a sign-in page came up). */
export async function startAuthorization(
  browser: Browser,
  client: TestClient,
  params: Record<string, string> = {},
  credentials = { email: EMAIL, password: PASSWORD },
): Promise<Response & { verifier: string | null; nonce: string }> {
  const { verifier, challenge } = await pkce();
  const usePkce = params.code_challenge !== "";
  const nonce = params.nonce ?? `n-${crypto.randomUUID()}`;
  const query = new URLSearchParams({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    state: `s-${crypto.randomUUID()}`,
    nonce,
    ...(usePkce ? { code_challenge: challenge, code_challenge_method: "S256" } : {}),
    ...params,
  });
  for (const [name, value] of [...query.entries()]) if (value === "") query.delete(name);
  let response = await browser.navigate(`/t/${client.slug}/authorize?${query}`);
  if (response.status === 200) {
    const page = await response.text();
    expect(page, page.slice(0, 1000)).toContain("/login");
    response = await browser.submit(page, "/login", credentials);
  }
  return Object.assign(response, { verifier: usePkce && !params.code_challenge ? verifier : null, nonce });
}

export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  id_token?: string;
  refresh_token?: string;
}

/** Exchanges a code (expecting success) with the client's registered authentication. */
export async function exchange(client: TestClient, authorized: Authorized, extra: Record<string, string> = {}) {
  const response = await token(client, {
    grant_type: "authorization_code",
    code: authorized.code,
    redirect_uri: REDIRECT,
    ...(authorized.verifier ? { code_verifier: authorized.verifier } : {}),
    ...extra,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return json<TokenSet>(response);
}

/** Signs in (or reuses the browser's session) and exchanges the code. */
export async function signIn(
  client: TestClient,
  params: Record<string, string> = {},
  browser = new Browser(),
): Promise<{ tokens: TokenSet; browser: Browser; authorized: Authorized }> {
  const authorized = await authorize(browser, client, params);
  const tokens = await exchange(client, authorized);
  return { tokens, browser, authorized };
}

export async function refresh(client: TestClient, refreshToken: string, extra: Record<string, string> = {}) {
  return token(client, { grant_type: "refresh_token", refresh_token: refreshToken, ...extra });
}

/** Asserts an OAuth error answer (RFC 6749 5.2) and returns its body. */
export async function expectOAuthError(response: Response, error: string, status = 400) {
  const text = (await response.clone().text()).slice(0, 300);
  expect(response.status, text).toBe(status);
  const body = await json<{ error: string; error_description?: string }>(response);
  expect(body.error, text).toBe(error);
  return body;
}

export async function jwksOf(slug: string): Promise<JSONWebKeySet> {
  const response = await call("GET", `/t/${slug}/jwks`);
  expect(response.status).toBe(200);
  return json<JSONWebKeySet>(response);
}

/** Verifies a JWT against the tenant's published JWKS. */
export async function verifyJwt(slug: string, jwt: string, options: JWTVerifyOptions = {}) {
  return jwtVerify(jwt, createLocalJWKSet(await jwksOf(slug)), { issuer: issuerOf(slug), ...options });
}

export async function userinfo(accessToken: string, slug = "acme"): Promise<Response> {
  return call("GET", `/t/${slug}/userinfo`, { token: accessToken });
}

export async function introspect(client: TestClient, tokenValue: string) {
  return backChannel(client.slug, "introspect", client, { token: tokenValue });
}

export async function revoke(client: TestClient, tokenValue: string) {
  return backChannel(client.slug, "revoke", client, { token: tokenValue });
}

export async function auditEvents(world: Pick<World, "admin" | "slug">, type: string) {
  const response = await call("GET", `/admin/v1/tenants/${world.slug}/audit-events?type=${encodeURIComponent(type)}`, {
    token: world.admin,
  });
  expect(response.status).toBe(200);
  return (await json<{ data: Record<string, any>[] }>(response)).data;
}

/** The session id named by the browser's SSO cookie (lks.<user>.<sid>.<secret>). */
export function sessionIdOf(browser: Browser, slug = "acme"): string | null {
  const cookie = browser.cookie(`__Host-lk-session-${slug}`);
  return cookie ? cookie.split(".")[2]! : null;
}

/** The family id a refresh token names (lkr.<user>.<fid>.<secret>). */
export const familyOf = (refreshToken: string) => refreshToken.split(".")[2]!;

export function userStateOf(world: Pick<World, "tenantId">, userId: string) {
  return env.USER_STATE.get(env.USER_STATE.idFromName(`${world.tenantId}:${userId}`));
}

/** Rewrites records of the user's UserState whose key starts with `prefix`. */
export async function editUserState<T extends Record<string, unknown>>(
  world: Pick<World, "tenantId">,
  userId: string,
  prefix: string,
  edit: (record: T, key: string) => T | null,
): Promise<number> {
  return runInDurableObject(userStateOf(world, userId), async (_instance, state) => {
    const records = await state.storage.list<T>({ prefix });
    let changed = 0;
    for (const [key, record] of records) {
      const next = edit(record, key);
      if (next) {
        await state.storage.put(key, next);
        changed++;
      }
    }
    return changed;
  });
}

export async function readUserState<T>(world: Pick<World, "tenantId">, userId: string, key: string) {
  return runInDurableObject(userStateOf(world, userId), (_instance, state) => state.storage.get<T>(key));
}

/** Blocks a user behind the management API's back: only the status column changes. */
export async function markBlocked(world: Pick<World, "tenantId">, userId: string) {
  await env.DB.prepare("UPDATE users SET status = 'blocked' WHERE tenant_id = ? AND id = ?")
    .bind(world.tenantId, userId)
    .run();
}

export async function blockUser(world: Pick<World, "admin" | "slug">, userId: string) {
  const response = await call("PATCH", `/admin/v1/tenants/${world.slug}/users/${userId}`, {
    token: world.admin,
    body: { blocked: true },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

export const claimsOf = (jwt: string) => decodeJwt(jwt) as Record<string, any>;

/** OIDC Core 3.1.3.6: at_hash of an ES256/RS256 token is the left half of SHA-256, base64url. */
export async function atHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken)));
  return base64url.encode(digest.slice(0, 16));
}

/** A JWT with `alg: none` carrying the claims of `jwt`. */
export function unsigned(jwt: string, header: Record<string, unknown> = { alg: "none", typ: "JWT" }): string {
  const encode = (value: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(value)));
  return `${encode(header)}.${encode(decodeJwt(jwt))}.`;
}

/** Re-signs the claims of `jwt` with a key of our own, under the header's kid of the original. */
export async function resignedWithForeignKey(jwt: string, kid: string, typ = "JWT"): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256");
  return new SignJWT(decodeJwt(jwt)).setProtectedHeader({ alg: "ES256", kid, typ }).sign(privateKey);
}

export { Browser };

// A relying party the way the OpenID Foundation conformance suite sets one up: a tenant
// (the OP), a user with every standard claim, and statically registered clients.
import { base64url, createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { expect } from "vitest";
import { accessTokenHash } from "../../../src/tokens";
import { BASE, basic, call, createTenant, json, operatorToken, tokenRequest } from "../helpers";
import { Browser } from "../flows/browser";

export const ISSUER = `${BASE}/t/oidc-op`;
export const REDIRECT = "https://rp.example.com/cb";
export const POST_LOGOUT = "https://rp.example.com/post_logout_redirect";
export const PASSWORD = "conformance suite password";

export interface RegisteredClient {
  client_id: string;
  client_secret: string;
  method: "basic" | "post";
}

export interface Op {
  admin: string;
  userId: string;
  client: RegisteredClient;
  /** The suite's second client: client_secret_post, and the other party of the refresh-token checks. */
  client2: RegisteredClient;
}

export async function setUpOp(): Promise<Op> {
  const admin = await operatorToken();
  await createTenant(admin, "oidc-op");
  const user = await json(
    await call("POST", "/admin/v1/tenants/oidc-op/users", {
      token: admin,
      body: {
        email: "buffy@example.com",
        email_verified: true,
        name: "Buffy Summers",
        given_name: "Buffy",
        family_name: "Summers",
        nickname: "buffy",
        birthdate: "1981-01-19",
        locale: "en-US",
        zoneinfo: "America/Los_Angeles",
        phone_number: "+14155550123",
        address: { street_address: "1630 Revello Drive", locality: "Sunnydale", country: "US" },
        password: PASSWORD,
      },
    }),
  );
  const register = async (extra: Record<string, unknown>) => {
    const response = await call("POST", "/admin/v1/tenants/oidc-op/clients", {
      token: admin,
      body: {
        first_party: true,
        redirect_uris: [REDIRECT],
        post_logout_redirect_uris: [POST_LOGOUT],
        grant_types: ["authorization_code", "refresh_token"],
        ...extra,
      },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const created = await json<{ client_id: string; client_secret: string }>(response);
    return {
      ...created,
      method: extra.token_endpoint_auth_method === "client_secret_post" ? "post" : "basic",
    } as RegisteredClient;
  };
  return {
    admin,
    userId: user.id,
    client: await register({ client_name: "RP", token_endpoint_auth_method: "client_secret_basic" }),
    client2: await register({ client_name: "RP 2", token_endpoint_auth_method: "client_secret_post" }),
  };
}

export function authorizationUrl(client: RegisteredClient, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    scope: "openid",
    state: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
    nonce: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
    ...params,
  });
  return `/t/oidc-op/authorize?${query}`;
}

/** Follows an authorization request through the sign-in page when one appears; returns the callback URL. */
export async function authorize(browser: Browser, url: string, init: RequestInit = {}): Promise<URL> {
  let response = await browser.navigate(url, init);
  if (response.status === 200) {
    const page = await response.text();
    expect(page).toContain("Sign in");
    response = await browser.submit(page, "/login", { email: "buffy@example.com", password: PASSWORD });
  }
  expect(response.status, `expected a redirect to the client, got ${response.status}`).toBe(303);
  return new URL(response.headers.get("Location")!);
}

export async function exchange(
  client: RegisteredClient,
  code: string,
  method: "basic" | "post" = client.method,
  extra: Record<string, string> = {},
) {
  const params = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, ...extra };
  return method === "basic"
    ? tokenRequest("oidc-op", params, { Authorization: basic(client.client_id, client.client_secret) })
    : tokenRequest("oidc-op", { ...params, client_id: client.client_id, client_secret: client.client_secret });
}

export async function jwks() {
  return createLocalJWKSet(await json<JSONWebKeySet>(await call("GET", "/t/oidc-op/jwks")));
}

/** The checks the suite applies to every ID token: signature, kid, iss, aud, exp, iat, nonce, at_hash. */
export async function checkIdToken(
  idToken: string,
  client: RegisteredClient,
  expected: { nonce?: string | null; accessToken?: string },
): Promise<JWTPayload> {
  const { payload, protectedHeader } = await jwtVerify(idToken, await jwks(), {
    issuer: ISSUER,
    audience: client.client_id,
  });
  expect(protectedHeader.kid).toBeTruthy();
  expect(typeof payload.sub).toBe("string");
  expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 5);
  if (expected.nonce !== undefined) expect(payload.nonce ?? null).toBe(expected.nonce);
  if (expected.accessToken) expect(payload.at_hash).toBe(await accessTokenHash(expected.accessToken));
  return payload;
}

/** The whole happy path: authorize, exchange, check the ID token. */
export async function happyPath(browser: Browser, client: RegisteredClient, params: Record<string, string> = {}) {
  const url = authorizationUrl(client, params);
  const sent = new URL(url, BASE).searchParams;
  const callback = await authorize(browser, url);
  expect(callback.origin + callback.pathname).toBe(REDIRECT);
  expect(callback.searchParams.get("state")).toBe(sent.get("state"));
  expect(callback.searchParams.get("iss")).toBe(ISSUER);
  const code = callback.searchParams.get("code")!;
  expect(code.length).toBeGreaterThanOrEqual(64);
  const response = await exchange(client, code);
  expect(response.status, await response.clone().text()).toBe(200);
  const tokens = await json(response);
  expect(tokens.token_type).toBe("Bearer");
  const claims = await checkIdToken(tokens.id_token, client, {
    nonce: sent.get("nonce"),
    accessToken: tokens.access_token,
  });
  return { code, tokens, claims };
}

export async function userinfo(accessToken: string, how: "get" | "post-header" | "post-body" = "get") {
  if (how === "get") return call("GET", "/t/oidc-op/userinfo", { token: accessToken });
  if (how === "post-header") return call("POST", "/t/oidc-op/userinfo", { token: accessToken });
  return call("POST", "/t/oidc-op/userinfo", {
    body: new URLSearchParams({ access_token: accessToken }).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

// The same flows through oauth4webapi v3, which validates strictly: `iss` in every
// authorization response (RFC 9207, advertised in discovery), the ID token's claims, the
// JSON shapes of every endpoint, RFC 9068 access tokens, PAR's 201.
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  atHash,
  Browser,
  callbackUrl,
  Management,
  oauthError,
  REDIRECT,
  rejection,
  startWorker,
  type CreatedUser,
  type Outcome,
  type RegisteredClient,
  type Worker,
} from "./support.js";

const SLUG = "interop-o4w";
const API = "https://api.interop.example";
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let worker: Worker;
let admin: Management;
let issuer: URL;
let as: oauth.AuthorizationServer;
let ana: CreatedUser;
let web: RegisteredClient;
let spa: RegisteredClient;

beforeAll(async () => {
  worker = await startWorker();
  admin = await Management.connect(worker.baseUrl);
  issuer = new URL(await admin.createTenant(SLUG));
  ana = await admin.createUser(SLUG, "ana@example.com", { given_name: "Ana" });
  const api = await admin.call("POST", `/tenants/${SLUG}/resources`, {
    identifier: API,
    name: "Interop API",
    scopes: [{ value: "things:read" }],
  });
  expect(api.status).toBe(201);
  web = await admin.createClient(SLUG, { client_name: "Web", scope: "things:read" });
  spa = await admin.createClient(SLUG, { client_name: "SPA", token_endpoint_auth_method: "none" });
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: "oidc", ...insecure }),
  );
});

afterAll(async () => {
  await worker?.close();
});

interface Pending {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

async function authorizationRequest(client: RegisteredClient, extra: Record<string, string> = {}): Promise<Pending> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  const parameters = {
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "openid profile email",
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  };
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return { url, verifier, state, nonce };
}

/** The authorization response parameters a client receives, by query or by form_post. */
function responseParameters(outcome: Outcome): URLSearchParams {
  if (outcome.kind === "form_post") return new URLSearchParams(outcome.fields);
  return callbackUrl(outcome).searchParams;
}

function authFor(client: RegisteredClient): oauth.ClientAuth {
  return client.token_endpoint_auth_method === "none" ? oauth.None() : oauth.ClientSecretBasic(client.client_secret!);
}

async function redeem(client: RegisteredClient, pending: Pending, params: URLSearchParams) {
  const c: oauth.Client = { client_id: client.client_id };
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    c,
    authFor(client),
    params,
    REDIRECT,
    pending.verifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, c, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  return { tokens, response };
}

async function signIn(client: RegisteredClient, browser: Browser, extra: Record<string, string> = {}) {
  const pending = await authorizationRequest(client, extra);
  const outcome = await browser.authorize(pending.url, ana);
  const params = oauth.validateAuthResponse(
    as,
    { client_id: client.client_id },
    responseParameters(outcome),
    pending.state,
  );
  return { ...(await redeem(client, pending, params)), outcome, pending };
}

describe("oauth4webapi", () => {
  it("discovery: the metadata passes the library's checks, by OIDC and by RFC 8414 path rules", async () => {
    expect(as.issuer).toBe(issuer.href);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.code_challenge_methods_supported).toContain("S256");
    // RFC 8414 3: /.well-known/oauth-authorization-server inserted before the issuer's path.
    const request = await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure });
    expect(new URL(request.url).pathname).toBe(`/.well-known/oauth-authorization-server/t/${SLUG}`);
    const rfc8414 = await oauth.processDiscoveryResponse(issuer, request);
    expect(rfc8414.token_endpoint).toBe(as.token_endpoint);
  });

  it("code + PKCE + nonce with client_secret_basic: iss, ID token claims and signature, at_hash", async () => {
    const browser = new Browser(worker.baseUrl);
    const { tokens, response, outcome, pending } = await signIn(web, browser);
    expect(callbackUrl(outcome).searchParams.get("iss")).toBe(issuer.href);
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({
      iss: issuer.href,
      aud: web.client_id,
      sub: ana.id,
      nonce: pending.nonce,
      email: ana.email,
      given_name: "Ana",
    });
    expect(claims.at_hash).toBe(await atHash(tokens.access_token));
    // Non-repudiation: the ID token's signature against the issuer's JWKS.
    await oauth.validateApplicationLevelSignature(as, response, insecure);
    expect(tokens.token_type).toBe("bearer");
  });

  it("a response without the iss the server advertises would be refused by the library (RFC 9207)", async () => {
    const pending = await authorizationRequest(web);
    const params = responseParameters(await new Browser(worker.baseUrl).authorize(pending.url, ana));
    params.delete("iss");
    expect(() => oauth.validateAuthResponse(as, { client_id: web.client_id }, params, pending.state)).toThrow(/"iss"/);
  });

  it("the access token is an RFC 9068 JWT the library validates, for the API and for UserInfo", async () => {
    const { tokens } = await signIn(web, new Browser(worker.baseUrl), {
      scope: "openid email things:read",
      resource: API,
    });
    expect(tokens.scope).toBe("openid email things:read");
    for (const audience of [API, `${issuer.href}/userinfo`]) {
      const request = new Request(`${API}/things`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      const claims = await oauth.validateJwtAccessToken(as, request, audience, insecure);
      expect(claims).toMatchObject({
        iss: issuer.href,
        sub: ana.id,
        client_id: web.client_id,
        scope: "openid email things:read",
      });
    }
  });

  it("a public client (None) with PKCE and response_mode=form_post", async () => {
    const browser = new Browser(worker.baseUrl);
    const { tokens, outcome } = await signIn(spa, browser, { response_mode: "form_post" });
    expect(outcome.kind).toBe("form_post");
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: ana.id, aud: spa.client_id });
    expect(tokens.refresh_token).toBeTruthy();
  });

  it("refresh rotates; the rotated-out token is invalid_grant", async () => {
    const c: oauth.Client = { client_id: web.client_id };
    const { tokens } = await signIn(web, new Browser(worker.baseUrl));
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      c,
      await oauth.refreshTokenGrantRequest(as, c, authFor(web), tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(oauth.getValidatedIdTokenClaims(refreshed)).toMatchObject({ sub: ana.id });

    const reuse = await rejection(
      oauth.processRefreshTokenResponse(
        as,
        c,
        await oauth.refreshTokenGrantRequest(as, c, authFor(web), tokens.refresh_token!, insecure),
      ),
    );
    expect(reuse).toBeInstanceOf(oauth.ResponseBodyError);
    expect(reuse).toMatchObject({ error: "invalid_grant", status: 400 });
  });

  it("userinfo, introspection and revocation", async () => {
    const c: oauth.Client = { client_id: web.client_id };
    const { tokens } = await signIn(web, new Browser(worker.baseUrl));
    const sub = oauth.getValidatedIdTokenClaims(tokens)!.sub;

    const userinfo = await oauth.processUserInfoResponse(
      as,
      c,
      sub,
      await oauth.userInfoRequest(as, c, tokens.access_token, insecure),
    );
    expect(userinfo).toMatchObject({ sub: ana.id, email: ana.email, given_name: "Ana" });

    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(as, c, await oauth.introspectionRequest(as, c, authFor(web), token, insecure));
    expect(await introspect(tokens.access_token)).toMatchObject({
      active: true,
      client_id: web.client_id,
      sub: ana.id,
      token_type: "Bearer",
    });
    expect(await introspect(tokens.refresh_token!)).toMatchObject({ active: true, client_id: web.client_id });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, c, authFor(web), tokens.access_token, insecure),
    );
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, c, authFor(web), tokens.refresh_token!, insecure),
    );
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    expect(await introspect(tokens.refresh_token!)).toEqual({ active: false });

    const refused = await rejection(
      oauth.processUserInfoResponse(as, c, sub, await oauth.userInfoRequest(as, c, tokens.access_token, insecure)),
    );
    expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect((refused as oauth.WWWAuthenticateChallengeError).cause[0]).toMatchObject({
      scheme: "bearer",
      parameters: { error: "invalid_token" },
    });
  });

  it("PAR: pushedAuthorizationRequest, then the request_uri at the authorization endpoint", async () => {
    const c: oauth.Client = { client_id: web.client_id };
    const pending = await authorizationRequest(web);
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      c,
      await oauth.pushedAuthorizationRequest(as, c, authFor(web), pending.url.searchParams, insecure),
    );
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(pushed.expires_in).toBeGreaterThan(0);

    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set("client_id", web.client_id);
    url.searchParams.set("request_uri", pushed.request_uri);
    const outcome = await new Browser(worker.baseUrl).authorize(url, ana);
    const params = oauth.validateAuthResponse(as, c, responseParameters(outcome), pending.state);
    const { tokens } = await redeem(web, pending, params);
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: ana.id, nonce: pending.nonce });

    // A pushed request with an invalid scope is refused at PAR with the JSON error.
    const bad = await rejection(
      oauth.processPushedAuthorizationResponse(
        as,
        c,
        await oauth.pushedAuthorizationRequest(
          as,
          c,
          authFor(web),
          { ...Object.fromEntries(pending.url.searchParams), scope: "openid nope" },
          insecure,
        ),
      ),
    );
    expect(await oauthError(bad)).toMatchObject({ kind: "ResponseBodyError", error: "invalid_scope", status: 400 });
  });

  it("prompt=none without a session: the library throws AuthorizationResponseError login_required", async () => {
    const pending = await authorizationRequest(web, { prompt: "none" });
    const outcome = await new Browser(worker.baseUrl).authorize(pending.url);
    const error = await rejection(
      Promise.resolve().then(() =>
        oauth.validateAuthResponse(as, { client_id: web.client_id }, responseParameters(outcome), pending.state),
      ),
    );
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect(error).toMatchObject({ error: "login_required" });
  });

  it("code reuse and a PKCE mismatch are invalid_grant", async () => {
    const browser = new Browser(worker.baseUrl);
    const pending = await authorizationRequest(web);
    const params = oauth.validateAuthResponse(
      as,
      { client_id: web.client_id },
      responseParameters(await browser.authorize(pending.url, ana)),
      pending.state,
    );
    const mismatch = await rejection(redeem(web, { ...pending, verifier: oauth.generateRandomCodeVerifier() }, params));
    expect(mismatch).toMatchObject({ error: "invalid_grant", status: 400 });
    await redeem(web, pending, params);
    const reuse = await rejection(redeem(web, pending, params));
    expect(reuse).toBeInstanceOf(oauth.ResponseBodyError);
    expect(reuse).toMatchObject({ error: "invalid_grant", status: 400 });
  });
});

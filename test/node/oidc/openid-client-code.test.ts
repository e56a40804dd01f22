// The authorization code flow driven by openid-client v6 (a certified relying-party
// library) over loopback HTTP against the production bundle: discovery, PKCE + state +
// nonce + iss (RFC 9207) checks, every client authentication method with a secret or
// none, response_mode=form_post, PAR, consent, UserInfo, revocation and introspection.
import { decodeJwt, decodeProtectedHeader } from "jose";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  atHash,
  Browser,
  callbackUrl,
  discover,
  formPostRequest,
  freshChecks,
  Management,
  oauthError,
  REDIRECT,
  rejection,
  signIn,
  startWorker,
  type CreatedUser,
  type Worker,
} from "./support.js";

const SLUG = "interop-code";
let worker: Worker;
let admin: Management;
let issuer: string;
let ana: CreatedUser;

beforeAll(async () => {
  worker = await startWorker();
  admin = await Management.connect(worker.baseUrl);
  issuer = await admin.createTenant(SLUG);
  ana = await admin.createUser(SLUG, "ana@example.com", { given_name: "Ana", family_name: "Lima", name: "Ana Lima" });
});

afterAll(async () => {
  await worker?.close();
});

describe("openid-client: authorization code flow", () => {
  it("discovers the tenant issuer with every endpoint the flows need", async () => {
    const client = await admin.createClient(SLUG, { client_name: "Discovery" });
    const config = await discover(issuer, client);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuer);
    expect(metadata).toMatchObject({
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      pushed_authorization_request_endpoint: `${issuer}/par`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      end_session_endpoint: `${issuer}/logout`,
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    expect(metadata.supportsPKCE()).toBe(true);
  });

  it("client_secret_basic: code + PKCE + nonce; state, iss, nonce, ID token signature and at_hash all check out", async () => {
    const client = await admin.createClient(SLUG, { client_name: "Basic app" });
    expect(client.token_endpoint_auth_method).toBe("client_secret_basic");
    const config = await discover(issuer, client);
    // Verify the ID token's signature against the issuer's JWKS too, not only its claims.
    oidc.enableNonRepudiationChecks(config);
    const browser = new Browser(worker.baseUrl);

    const { tokens, outcome, checks } = await signIn(config, browser, ana);
    expect(outcome.steps).toEqual(["login"]);
    const callback = callbackUrl(outcome);
    expect(callback.searchParams.get("iss")).toBe(issuer);
    expect(callback.searchParams.get("state")).toBe(checks.expectedState);

    expect(tokens.token_type).toBe("bearer");
    expect(tokens.scope).toBe("openid profile email");
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.refresh_token).toMatch(/^lkr\./);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: issuer,
      aud: client.client_id,
      azp: client.client_id,
      sub: ana.id,
      nonce: checks.expectedNonce,
      email: ana.email,
      email_verified: true,
      given_name: "Ana",
      name: "Ana Lima",
      amr: ["pwd"],
    });
    expect(typeof claims.sid).toBe("string");
    expect(Math.abs(claims.auth_time! - Date.now() / 1000)).toBeLessThan(60);
    // Neither openid-client nor oauth4webapi checks at_hash in the code flow: check it here.
    expect(claims.at_hash).toBe(await atHash(tokens.access_token));
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: "ES256", typ: "JWT" });

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, ana.id);
    expect(userinfo).toMatchObject({ sub: ana.id, email: ana.email, given_name: "Ana", family_name: "Lima" });
    // The email scope was not asked for phone or address claims.
    expect(userinfo).not.toHaveProperty("phone_number");
  });

  it("client_secret_post: the library puts the secret in the body, and the registered method is enforced", async () => {
    const client = await admin.createClient(SLUG, {
      client_name: "Post app",
      token_endpoint_auth_method: "client_secret_post",
    });
    const config = await discover(issuer, client, oidc.ClientSecretPost(client.client_secret));
    const browser = new Browser(worker.baseUrl);
    const { tokens, checks } = await signIn(config, browser, ana, { scope: "openid email" });
    expect(tokens.claims()).toMatchObject({ sub: ana.id, nonce: checks.expectedNonce, email: ana.email });
    expect(tokens.claims()).not.toHaveProperty("given_name");

    // The same secret over HTTP Basic is refused: the client registered client_secret_post.
    const basic = await discover(issuer, client, oidc.ClientSecretBasic(client.client_secret));
    const refused = await oauthError(await rejection(oidc.refreshTokenGrant(basic, tokens.refresh_token!)));
    expect(refused).toMatchObject({ error: "invalid_client", status: 401 });
    // ...and the refresh token still works with the right method.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });

  it("a public client (None) signs in with PKCE, refreshes, and cannot introspect", async () => {
    const client = await admin.createClient(SLUG, {
      client_name: "SPA",
      token_endpoint_auth_method: "none",
    });
    expect(client.client_secret).toBeUndefined();
    const config = await discover(issuer, client, oidc.None());
    const browser = new Browser(worker.baseUrl);
    const { tokens, checks } = await signIn(config, browser, ana);
    expect(tokens.claims()).toMatchObject({ aud: client.client_id, nonce: checks.expectedNonce });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // A refreshed ID token names the same user and carries no nonce (OIDC Core 12.2).
    expect(refreshed.claims()).toMatchObject({ sub: ana.id, aud: client.client_id });
    expect(refreshed.claims()).not.toHaveProperty("nonce");

    const introspect = await oauthError(await rejection(oidc.tokenIntrospection(config, refreshed.access_token)));
    expect(introspect).toMatchObject({ error: "invalid_client", status: 401 });

    // It may revoke its own refresh token (RFC 7009 allows public clients).
    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    const revoked = await oauthError(await rejection(oidc.refreshTokenGrant(config, refreshed.refresh_token!)));
    expect(revoked).toMatchObject({ error: "invalid_grant" });
  });

  it("response_mode=form_post: the auto-submitting form carries code, state and iss for the library", async () => {
    const client = await admin.createClient(SLUG, { client_name: "Form post app" });
    const config = await discover(issuer, client);
    const browser = new Browser(worker.baseUrl);
    const { tokens, outcome, checks } = await signIn(config, browser, ana, { response_mode: "form_post" });
    expect(outcome.kind).toBe("form_post");
    if (outcome.kind !== "form_post") return;
    expect(outcome.action).toBe(REDIRECT);
    expect(outcome.fields).toMatchObject({ state: checks.expectedState, iss: issuer });
    expect(outcome.fields.code).toMatch(/^lkc\./);
    expect(tokens.claims()).toMatchObject({ sub: ana.id, nonce: checks.expectedNonce });

    // Single sign-on answers by form_post as well.
    const again = await freshChecks();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: "openid",
      response_mode: "form_post",
      ...again.parameters,
    });
    const second = await browser.authorize(url);
    expect(second.steps).toEqual([]);
    const secondTokens = await oidc.authorizationCodeGrant(config, formPostRequest(second), again.checks);
    expect(secondTokens.claims()?.sub).toBe(ana.id);
  });

  it("PAR: buildAuthorizationUrlWithPAR pushes the request; the request_uri works once", async () => {
    const client = await admin.createClient(SLUG, {
      client_name: "PAR app",
      require_pushed_authorization_requests: true,
    });
    const config = await discover(issuer, client);
    const { parameters, checks } = await freshChecks();
    const request = { redirect_uri: REDIRECT, scope: "openid email", ...parameters };

    // Without PAR this client is refused (RFC 9126 require_pushed_authorization_requests).
    const direct = await new Browser(worker.baseUrl).authorize(oidc.buildAuthorizationUrl(config, request));
    const refused = await rejection(oidc.authorizationCodeGrant(config, callbackUrl(direct), checks));
    expect(await oauthError(refused)).toMatchObject({ kind: "AuthorizationResponseError", error: "invalid_request" });

    const url = await oidc.buildAuthorizationUrlWithPAR(config, request);
    expect([...url.searchParams.keys()].sort()).toEqual(["client_id", "request_uri"]);
    expect(url.searchParams.get("request_uri")).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const browser = new Browser(worker.baseUrl);
    const outcome = await browser.authorize(url, ana);
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl(outcome), checks);
    expect(tokens.claims()).toMatchObject({ sub: ana.id, nonce: checks.expectedNonce, email: ana.email });

    // The request_uri was consumed: a second use is an error page, not a redirect.
    const replay = await browser.authorize(url);
    expect(replay).toMatchObject({ kind: "page", status: 400 });
  });

  it("an RS256 client gets RS256 ID tokens that verify against the JWKS", async () => {
    const client = await admin.createClient(SLUG, { client_name: "RSA app", id_token_signed_response_alg: "RS256" });
    const config = await discover(issuer, client, undefined, { id_token_signed_response_alg: "RS256" });
    oidc.enableNonRepudiationChecks(config);
    const { tokens } = await signIn(config, new Browser(worker.baseUrl), ana);
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe("RS256");
    expect(tokens.claims()?.at_hash).toBe(await atHash(tokens.access_token));
  });

  it("a third-party client asks for consent once; a denial reaches the library as access_denied", async () => {
    const client = await admin.createClient(SLUG, { client_name: "Partner app", first_party: false });
    const config = await discover(issuer, client);
    const browser = new Browser(worker.baseUrl);
    const first = await signIn(config, browser, ana);
    expect(first.outcome.steps).toEqual(["login", "consent"]);

    // Consent remembered for these scopes: straight through.
    const second = await signIn(config, browser, ana);
    expect(second.outcome.steps).toEqual([]);

    // A wider request asks again; the user says no.
    const { parameters, checks } = await freshChecks();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: "openid profile email phone",
      ...parameters,
    });
    const denied = await browser.authorize(url, { ...ana, consent: "deny" });
    expect(denied.steps).toEqual(["consent"]);
    const error = await rejection(oidc.authorizationCodeGrant(config, callbackUrl(denied), checks));
    expect(await oauthError(error)).toMatchObject({ kind: "AuthorizationResponseError", error: "access_denied" });
  });
});

describe("openid-client: UserInfo, revocation and introspection", () => {
  it("introspects, then revokes the access token and the refresh token", async () => {
    const client = await admin.createClient(SLUG, { client_name: "Revoking app" });
    const config = await discover(issuer, client);
    const { tokens } = await signIn(config, new Browser(worker.baseUrl), ana);
    const access = decodeJwt(tokens.access_token);

    const active = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(active).toMatchObject({
      active: true,
      client_id: client.client_id,
      sub: ana.id,
      scope: "openid profile email",
      iss: issuer,
      jti: access.jti,
      exp: access.exp,
    });
    const refreshInfo = await oidc.tokenIntrospection(config, tokens.refresh_token!);
    expect(refreshInfo).toMatchObject({ active: true, client_id: client.client_id, sub: ana.id });

    // Revoke the access token: UserInfo refuses it with an RFC 6750 challenge.
    await oidc.tokenRevocation(config, tokens.access_token);
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    const userinfo = await rejection(oidc.fetchUserInfo(config, tokens.access_token, ana.id));
    expect(userinfo).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    expect((userinfo as oidc.WWWAuthenticateChallengeError).cause[0]).toMatchObject({
      scheme: "bearer",
      parameters: { error: "invalid_token" },
    });

    // Revoke the refresh token: the family is gone.
    await oidc.tokenRevocation(config, tokens.refresh_token!, { token_type_hint: "refresh_token" });
    expect(await oidc.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
    const refresh = await oauthError(await rejection(oidc.refreshTokenGrant(config, tokens.refresh_token!)));
    expect(refresh).toMatchObject({ kind: "ResponseBodyError", error: "invalid_grant", status: 400 });

    // Revoking an unknown token is not an error (RFC 7009 2.2).
    await expect(oidc.tokenRevocation(config, "not-a-token")).resolves.toBeUndefined();
  });

  it("another client can neither revoke nor see the refresh token as its own", async () => {
    const owner = await admin.createClient(SLUG, { client_name: "Owner" });
    const other = await admin.createClient(SLUG, { client_name: "Other" });
    const ownerConfig = await discover(issuer, owner);
    const otherConfig = await discover(issuer, other);
    const { tokens } = await signIn(ownerConfig, new Browser(worker.baseUrl), ana);

    await oidc.tokenRevocation(otherConfig, tokens.refresh_token!);
    // Still alive for its owner.
    const refreshed = await oidc.refreshTokenGrant(ownerConfig, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();
    const stolen = await oauthError(await rejection(oidc.refreshTokenGrant(otherConfig, refreshed.refresh_token!)));
    expect(stolen).toMatchObject({ error: "invalid_grant" });
  });
});

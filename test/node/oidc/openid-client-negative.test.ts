// What goes wrong, as openid-client v6 reports it: the provider must answer each misuse
// with the OAuth error code the RFCs name, in the place the library looks for it (the
// authorization response, or the token endpoint's JSON error body).
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Browser,
  callbackUrl,
  discover,
  formPostRequest,
  freshChecks,
  Management,
  oauthError,
  OTHER_REDIRECT,
  REDIRECT,
  rejection,
  startWorker,
  type CreatedUser,
  type Outcome,
  type RegisteredClient,
  type Worker,
} from "./support.js";

const SLUG = "interop-negative";
let worker: Worker;
let admin: Management;
let issuer: string;
let ana: CreatedUser;
let app: RegisteredClient;
let other: RegisteredClient;
let spa: RegisteredClient;
let appConfig: oidc.Configuration;
let otherConfig: oidc.Configuration;
let spaConfig: oidc.Configuration;
let browser: Browser;

beforeAll(async () => {
  worker = await startWorker();
  admin = await Management.connect(worker.baseUrl);
  issuer = await admin.createTenant(SLUG);
  ana = await admin.createUser(SLUG, "ana@example.com");
  app = await admin.createClient(SLUG, { client_name: "App", redirect_uris: [REDIRECT, OTHER_REDIRECT] });
  other = await admin.createClient(SLUG, { client_name: "Other app" });
  spa = await admin.createClient(SLUG, { client_name: "SPA", token_endpoint_auth_method: "none" });
  [appConfig, otherConfig, spaConfig] = await Promise.all([
    discover(issuer, app),
    discover(issuer, other),
    discover(issuer, spa),
  ]);
  browser = new Browser(worker.baseUrl);
});

afterAll(async () => {
  await worker?.close();
});

/** An authorization request for `config`, answered as ana; returns where the browser ended up. */
async function authorize(config: oidc.Configuration, parameters: Record<string, string>): Promise<Outcome> {
  return browser.authorize(oidc.buildAuthorizationUrl(config, { scope: "openid", ...parameters }), ana);
}

describe("openid-client: errors at the token endpoint", () => {
  it("a code is single use: the second redemption is invalid_grant and revokes what the first gave", async () => {
    const { parameters, checks } = await freshChecks();
    const callback = callbackUrl(await authorize(appConfig, { redirect_uri: REDIRECT, ...parameters }));
    const tokens = await oidc.authorizationCodeGrant(appConfig, callback, checks);
    expect(tokens.refresh_token).toBeTruthy();

    const again = await oauthError(await rejection(oidc.authorizationCodeGrant(appConfig, callback, checks)));
    expect(again).toEqual({ kind: "ResponseBodyError", error: "invalid_grant", status: 400 });
    // RFC 6749 4.1.2: the tokens issued from the code should be revoked: the refresh token...
    const refresh = await oauthError(await rejection(oidc.refreshTokenGrant(appConfig, tokens.refresh_token!)));
    expect(refresh.error).toBe("invalid_grant");
    // ...and the access token.
    expect(await oidc.tokenIntrospection(appConfig, tokens.access_token)).toEqual({ active: false });
    const userinfo = await rejection(oidc.fetchUserInfo(appConfig, tokens.access_token, ana.id));
    expect(userinfo).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    expect((userinfo as oidc.WWWAuthenticateChallengeError).cause[0]?.parameters.error).toBe("invalid_token");
  });

  it("a wrong PKCE verifier, or none when a challenge was sent, is invalid_grant", async () => {
    const { parameters, checks } = await freshChecks();
    const callback = callbackUrl(await authorize(appConfig, { redirect_uri: REDIRECT, ...parameters }));
    const wrong = await oauthError(
      await rejection(
        oidc.authorizationCodeGrant(appConfig, callback, {
          ...checks,
          pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        }),
      ),
    );
    expect(wrong).toEqual({ kind: "ResponseBodyError", error: "invalid_grant", status: 400 });
    const { pkceCodeVerifier: _omitted, ...withoutVerifier } = checks;
    const missing = await oauthError(
      await rejection(oidc.authorizationCodeGrant(appConfig, callback, withoutVerifier)),
    );
    expect(missing).toEqual({ kind: "ResponseBodyError", error: "invalid_grant", status: 400 });
    // Failed attempts did not burn the code: the right verifier still redeems it.
    const tokens = await oidc.authorizationCodeGrant(appConfig, callback, checks);
    expect(tokens.claims()?.sub).toBe(ana.id);
  });

  it("a public client without PKCE is refused at the authorization endpoint with invalid_request", async () => {
    const state = oidc.randomState();
    const outcome = await authorize(spaConfig, { redirect_uri: REDIRECT, state });
    const error = await oauthError(
      await rejection(oidc.authorizationCodeGrant(spaConfig, callbackUrl(outcome), { expectedState: state })),
    );
    expect(error).toEqual({ kind: "AuthorizationResponseError", error: "invalid_request" });
    expect(callbackUrl(outcome).searchParams.get("error_description")).toContain("PKCE");
  });

  it("redeeming with another registered redirect_uri than the request used is invalid_grant", async () => {
    const { parameters, checks } = await freshChecks();
    const callback = callbackUrl(await authorize(appConfig, { redirect_uri: REDIRECT, ...parameters }));
    // The library sends the URL it was called back at as redirect_uri: pretend it was the other one.
    const elsewhere = new URL(OTHER_REDIRECT);
    elsewhere.search = callback.search;
    const error = await oauthError(await rejection(oidc.authorizationCodeGrant(appConfig, elsewhere, checks)));
    expect(error).toEqual({ kind: "ResponseBodyError", error: "invalid_grant", status: 400 });
  });

  it("a code issued to one client is invalid_grant for another, even one authenticating correctly", async () => {
    const { parameters, checks } = await freshChecks();
    const callback = callbackUrl(await authorize(appConfig, { redirect_uri: REDIRECT, ...parameters }));
    const error = await oauthError(await rejection(oidc.authorizationCodeGrant(otherConfig, callback, checks)));
    expect(error).toEqual({ kind: "ResponseBodyError", error: "invalid_grant", status: 400 });
    // The rightful client still can.
    const tokens = await oidc.authorizationCodeGrant(appConfig, callback, checks);
    expect(tokens.claims()?.aud).toBe(app.client_id);
  });

  it("a wrong client secret is invalid_client with a Basic challenge", async () => {
    const config = await discover(issuer, app, oidc.ClientSecretBasic("not-the-secret"));
    const error = await rejection(oidc.refreshTokenGrant(config, "lkr.x.y.z"));
    expect(error).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    expect((error as oidc.WWWAuthenticateChallengeError).cause[0]?.scheme).toBe("basic");
    expect(await oauthError(error)).toMatchObject({ error: "invalid_client", status: 401 });
  });
});

describe("openid-client: errors in the authorization response", () => {
  it("an unregistered redirect_uri is never redirected to: the user gets an error page", async () => {
    const { parameters } = await freshChecks();
    const outcome = await authorize(appConfig, { redirect_uri: "https://evil.example/callback", ...parameters });
    expect(outcome.kind).toBe("page");
    if (outcome.kind !== "page") return;
    expect(outcome.status).toBe(400);
    expect(outcome.html).toContain("not registered");
    expect(outcome.html).not.toContain("evil.example");
  });

  it("an unknown scope is invalid_scope", async () => {
    const { parameters, checks } = await freshChecks();
    const outcome = await authorize(appConfig, { redirect_uri: REDIRECT, ...parameters, scope: "openid admin:all" });
    const error = await oauthError(
      await rejection(oidc.authorizationCodeGrant(appConfig, callbackUrl(outcome), checks)),
    );
    expect(error).toEqual({ kind: "AuthorizationResponseError", error: "invalid_scope" });
  });

  it("errors come by form_post too when the client asked for it", async () => {
    const { parameters, checks } = await freshChecks();
    const outcome = await authorize(appConfig, {
      redirect_uri: REDIRECT,
      ...parameters,
      scope: "openid admin:all",
      response_mode: "form_post",
    });
    expect(outcome.kind).toBe("form_post");
    const error = await oauthError(
      await rejection(oidc.authorizationCodeGrant(appConfig, formPostRequest(outcome), checks)),
    );
    expect(error).toEqual({ kind: "AuthorizationResponseError", error: "invalid_scope" });
  });

  it("response_type=token is unsupported_response_type", async () => {
    const { parameters, checks } = await freshChecks();
    const outcome = await authorize(appConfig, { redirect_uri: REDIRECT, ...parameters, response_type: "token" });
    const callback = callbackUrl(outcome);
    expect(callback.searchParams.get("iss")).toBe(issuer);
    const error = await oauthError(await rejection(oidc.authorizationCodeGrant(appConfig, callback, checks)));
    expect(error).toEqual({ kind: "AuthorizationResponseError", error: "unsupported_response_type" });
  });

  it("a plain (non-S256) PKCE method is invalid_request", async () => {
    const { parameters, checks } = await freshChecks();
    const outcome = await authorize(appConfig, {
      redirect_uri: REDIRECT,
      ...parameters,
      code_challenge: checks.pkceCodeVerifier,
      code_challenge_method: "plain",
    });
    const error = await oauthError(
      await rejection(oidc.authorizationCodeGrant(appConfig, callbackUrl(outcome), checks)),
    );
    expect(error).toEqual({ kind: "AuthorizationResponseError", error: "invalid_request" });
  });

  it("the library refuses a response whose state is not the one it sent", async () => {
    const { parameters, checks } = await freshChecks();
    const callback = callbackUrl(await authorize(appConfig, { redirect_uri: REDIRECT, ...parameters }));
    const error = await rejection(
      oidc.authorizationCodeGrant(appConfig, callback, { ...checks, expectedState: oidc.randomState() }),
    );
    expect(error).toBeInstanceOf(oidc.ClientError);
    expect((error as oidc.ClientError).code).toBe("OAUTH_INVALID_RESPONSE");
  });

  it("the library refuses an ID token whose nonce is not the one it sent", async () => {
    const { parameters, checks } = await freshChecks();
    const callback = callbackUrl(await authorize(appConfig, { redirect_uri: REDIRECT, ...parameters }));
    const error = await rejection(
      oidc.authorizationCodeGrant(appConfig, callback, { ...checks, expectedNonce: oidc.randomNonce() }),
    );
    expect(error).toBeInstanceOf(oidc.ClientError);
    expect((error as oidc.ClientError).code).toBe("OAUTH_JWT_CLAIM_COMPARISON_FAILED");
  });
});

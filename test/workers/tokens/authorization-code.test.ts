// The authorization_code grant (RFC 6749 4.1.3, RFC 7636, OIDC Core 3.1.3): every client
// authentication method, the ID token and the RFC 9068 access token it gives, and every
// way a code must be refused.
import { decodeProtectedHeader } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BASE, call, createTenant, json } from "../helpers";
import {
  API,
  atHash,
  auditEvents,
  authorize,
  Browser,
  claimsOf,
  editUserState,
  exchange,
  expectOAuthError,
  familyOf,
  issuerOf,
  jwksOf,
  PASSWORD_ACR,
  pkce,
  REDIRECT,
  refresh,
  registerClient,
  sessionIdOf,
  setupTenant,
  signIn,
  startAuthorization,
  tenantIdOf,
  token,
  userinfo,
  verifyJwt,
  type AuthMethod,
  type TestClient,
  type World,
} from "./fixtures";

let world: World;
let app: TestClient;

afterEach(() => {
  vi.useRealTimers();
});

beforeEach(async () => {
  world = await setupTenant();
  app = await registerClient(world);
});

const codeRequest = (authorized: { code: string; verifier: string | null }, extra: Record<string, string> = {}) => ({
  grant_type: "authorization_code",
  code: authorized.code,
  redirect_uri: REDIRECT,
  ...(authorized.verifier ? { code_verifier: authorized.verifier } : {}),
  ...extra,
});

describe("authorization_code: success for every client authentication method", () => {
  for (const method of ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"] as AuthMethod[]) {
    it(`redeems a code with ${method}`, async () => {
      const client = method === "client_secret_basic" ? app : await registerClient(world, method);
      const browser = new Browser();
      const authorized = await authorize(browser, client, { scope: "openid profile email offline_access" });
      expect(authorized.code).toMatch(/^lkc\.usr_/);
      const response = await token(client, codeRequest(authorized));
      expect(response.status, await response.clone().text()).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      const body = await json(response);
      expect(body).toMatchObject({
        token_type: "Bearer",
        expires_in: 3600,
        scope: "openid profile email offline_access",
      });
      expect(body.refresh_token).toMatch(/^lkr\.usr_/);
      const { payload } = await verifyJwt("acme", body.id_token, { audience: client.client_id });
      expect(payload.sub).toBe(world.userId);
      expect(payload.nonce).toBe(authorized.nonce);
      // The tokens work.
      expect((await userinfo(body.access_token)).status).toBe(200);
      expect((await refresh(client, body.refresh_token)).status).toBe(200);
      // The audit trail names the grant and the client.
      const issued = (await auditEvents(world, "token.issued")).filter(
        (e) => e.client_id === client.client_id && e.details.grant_type === "authorization_code",
      );
      expect(issued).toHaveLength(1);
      expect(issued[0]).toMatchObject({
        user_id: world.userId,
        details: { grant_type: "authorization_code", refresh_family: familyOf(body.refresh_token) },
      });
    });
  }
});

describe("authorization_code: the ID token", () => {
  it("carries every claim OIDC Core 2 and 3.1.3.6 ask for, signed ES256 by a published key", async () => {
    const before = Math.floor(Date.now() / 1000);
    const browser = new Browser();
    const authorized = await authorize(browser, app, { scope: "openid profile email phone address" });
    const tokens = await exchange(app, authorized);
    const header = decodeProtectedHeader(tokens.id_token!);
    expect(header).toMatchObject({ alg: "ES256", typ: "JWT" });
    expect((await jwksOf("acme")).keys.map((k) => k.kid)).toContain(header.kid);
    const { payload } = await verifyJwt("acme", tokens.id_token!, { audience: app.client_id, algorithms: ["ES256"] });
    expect(payload).toMatchObject({
      iss: issuerOf("acme"),
      sub: world.userId,
      aud: app.client_id,
      azp: app.client_id,
      nonce: authorized.nonce,
      acr: PASSWORD_ACR,
      amr: ["pwd"],
      sid: sessionIdOf(browser),
      at_hash: await atHash(tokens.access_token),
      email: "ana@example.com",
      email_verified: true,
      given_name: "Ana",
      family_name: "Lima",
      phone_number: "+14155550123",
      address: { street_address: "1 Main St", locality: "Lisbon", country: "PT" },
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.auth_time).toBeGreaterThanOrEqual(before);
    expect(payload.auth_time).toBeLessThanOrEqual(payload.iat!);
  });

  it("keeps auth_time of the sign-in on a later SSO authorization, and leaves claims of unasked scopes out", async () => {
    const browser = new Browser();
    const first = await signIn(app, { scope: "openid" }, browser);
    const firstClaims = claimsOf(first.tokens.id_token!);
    expect(firstClaims.email).toBeUndefined();
    expect(firstClaims.given_name).toBeUndefined();
    // Five seconds later (this isolate's clock is the worker's clock).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 5000 });
    const second = await signIn(app, { scope: "openid email" }, browser);
    const secondClaims = claimsOf(second.tokens.id_token!);
    expect(secondClaims.auth_time).toBe(firstClaims.auth_time);
    expect(secondClaims.iat).toBeGreaterThan(firstClaims.iat);
    expect(secondClaims.sid).toBe(firstClaims.sid);
    expect(secondClaims.email).toBe("ana@example.com");
    expect(secondClaims.given_name).toBeUndefined();
  });

  it("is signed RS256 for a client registered with id_token_signed_response_alg RS256", async () => {
    const rsa = await registerClient(world, "client_secret_basic", { id_token_signed_response_alg: "RS256" });
    const { tokens } = await signIn(rsa);
    const header = decodeProtectedHeader(tokens.id_token!);
    expect(header.alg).toBe("RS256");
    const published = (await jwksOf("acme")).keys.find((k) => k.kid === header.kid);
    expect(published).toMatchObject({ kty: "RSA", alg: "RS256" });
    const { payload } = await verifyJwt("acme", tokens.id_token!, { audience: rsa.client_id, algorithms: ["RS256"] });
    expect(payload.at_hash).toBe(await atHash(tokens.access_token));
    // The access token is not affected by the client's ID token preference.
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe("ES256");
  });

  it("includes claims asked for in the id_token member of the claims parameter", async () => {
    const { tokens } = await signIn(app, {
      scope: "openid",
      claims: JSON.stringify({ id_token: { phone_number: null, email: { essential: true } } }),
    });
    const claims = claimsOf(tokens.id_token!);
    expect(claims.phone_number).toBe("+14155550123");
    expect(claims.email).toBe("ana@example.com");
    expect(claims.given_name).toBeUndefined();
  });

  it("gives no ID token without the openid scope", async () => {
    const { tokens } = await signIn(app, { scope: "read:orders", resource: API });
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.scope).toBe("read:orders");
  });
});

describe("authorization_code: the RFC 9068 access token", () => {
  it("is an at+jwt for UserInfo when only OpenID scopes were asked", async () => {
    const { tokens } = await signIn(app, { scope: "openid email" });
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: "at+jwt", alg: "ES256" });
    const { payload } = await verifyJwt("acme", tokens.access_token, {
      typ: "at+jwt",
      audience: `${issuerOf("acme")}/userinfo`,
    });
    expect(payload).toMatchObject({
      iss: issuerOf("acme"),
      sub: world.userId,
      aud: `${issuerOf("acme")}/userinfo`,
      client_id: app.client_id,
      scope: "openid email",
      acr: PASSWORD_ACR,
      amr: ["pwd"],
    });
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(typeof payload.auth_time).toBe("number");
  });

  it("names the API resource and UserInfo in aud when a resource was asked with openid", async () => {
    const { tokens } = await signIn(app, { scope: "openid read:orders", resource: API });
    const { payload } = await verifyJwt("acme", tokens.access_token, { typ: "at+jwt", audience: API });
    expect(payload.aud).toEqual(expect.arrayContaining([API, `${issuerOf("acme")}/userinfo`]));
    expect((payload.aud as string[]).length).toBe(2);
    expect(payload.scope).toBe("openid read:orders");
    expect(payload.client_id).toBe(app.client_id);
  });

  it("names only the API when the resource was asked without openid", async () => {
    const { tokens } = await signIn(app, { scope: "read:orders write:orders", resource: API });
    const { payload } = await verifyJwt("acme", tokens.access_token, { typ: "at+jwt" });
    expect(payload.aud).toBe(API);
    expect(payload.scope).toBe("read:orders write:orders");
  });

  it("refuses API scopes of another resource than the one asked for", async () => {
    const response = await startAuthorization(new Browser(), app, { scope: "openid read:invoices", resource: API });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("Location")!);
    expect(location.searchParams.get("error")).toBe("invalid_scope");
  });
});

describe("authorization_code: refusals", () => {
  it("refuses a second use of a code and revokes the refresh token of the first (RFC 6749 4.1.2)", async () => {
    const authorized = await authorize(new Browser(), app, { scope: "openid offline_access" });
    const first = await exchange(app, authorized);
    const second = await token(app, codeRequest(authorized));
    const error = await expectOAuthError(second, "invalid_grant");
    expect(error.error_description).toContain("already used");
    await expectOAuthError(await refresh(app, first.refresh_token!), "invalid_grant");
    const reused = await auditEvents(world, "token.code_reused");
    expect(reused).toHaveLength(1);
    expect(reused[0]).toMatchObject({
      client_id: app.client_id,
      user_id: world.userId,
      details: { revoked_family: familyOf(first.refresh_token!) },
    });
  });

  it("lets exactly one of two concurrent redemptions of a code succeed", async () => {
    for (let round = 0; round < 3; round++) {
      const authorized = await authorize(new Browser(), app);
      const results = await Promise.all([token(app, codeRequest(authorized)), token(app, codeRequest(authorized))]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    }
  });

  it("refuses a wrong PKCE verifier, and the code still works with the right one", async () => {
    const authorized = await authorize(new Browser(), app);
    const wrong = await pkce();
    const body = await expectOAuthError(
      await token(app, codeRequest(authorized, { code_verifier: wrong.verifier })),
      "invalid_grant",
    );
    expect(body.error_description).toContain("code_verifier");
    expect((await token(app, codeRequest(authorized))).status).toBe(200);
  });

  it("refuses a verifier that is not RFC 7636 syntax", async () => {
    const authorized = await authorize(new Browser(), app);
    await expectOAuthError(await token(app, codeRequest(authorized, { code_verifier: "short" })), "invalid_grant");
  });

  it("requires the verifier when the authorization request had a challenge", async () => {
    const authorized = await authorize(new Browser(), app);
    const body = await expectOAuthError(
      await token(app, codeRequest({ code: authorized.code, verifier: null })),
      "invalid_grant",
    );
    expect(body.error_description).toContain("code_verifier is required");
  });

  it("refuses a verifier when the authorization request had no challenge", async () => {
    const authorized = await authorize(new Browser(), app, { code_challenge: "" });
    expect(authorized.verifier).toBeNull();
    const stray = await pkce();
    await expectOAuthError(
      await token(app, codeRequest(authorized, { code_verifier: stray.verifier })),
      "invalid_grant",
    );
    // Without a verifier, a confidential client may redeem it.
    expect((await token(app, codeRequest(authorized))).status).toBe(200);
  });

  it("refuses a public client without PKCE at /authorize", async () => {
    const spa = await registerClient(world, "none");
    const response = await startAuthorization(new Browser(), spa, { code_challenge: "" });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toContain("PKCE");
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("refuses a code_challenge_method other than S256", async () => {
    const { challenge } = await pkce();
    const response = await startAuthorization(new Browser(), app, {
      code_challenge: challenge,
      code_challenge_method: "plain",
    });
    expect(new URL(response.headers.get("Location")!).searchParams.get("error")).toBe("invalid_request");
  });

  it("refuses a redirect_uri that differs from the authorization request's", async () => {
    const other = "https://app.example.com/other";
    const client = await registerClient(world, "client_secret_basic", { redirect_uris: [REDIRECT, other] });
    const authorized = await authorize(new Browser(), client);
    await expectOAuthError(await token(client, codeRequest(authorized, { redirect_uri: other })), "invalid_grant");
    const missing = { ...codeRequest(authorized) } as Record<string, string>;
    delete missing.redirect_uri;
    await expectOAuthError(await token(client, missing), "invalid_grant");
    expect((await token(client, codeRequest(authorized))).status).toBe(200);
  });

  it("needs no redirect_uri at the token endpoint when the authorization request had none (RFC 6749 4.1.3)", async () => {
    // OAuth (not OpenID) lets a client with a single registered URI leave redirect_uri out.
    const authorized = await authorize(new Browser(), app, { scope: "read:orders", resource: API, redirect_uri: "" });
    const request = codeRequest(authorized) as Record<string, string>;
    delete request.redirect_uri;
    const response = await token(app, request);
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("refuses a code presented by another client, even with that client's valid credentials", async () => {
    const authorized = await authorize(new Browser(), app);
    const intruder = await registerClient(world);
    const body = await expectOAuthError(await token(intruder, codeRequest(authorized)), "invalid_grant");
    expect(body.error_description).toContain("another client");
  });

  it("refuses an expired code", async () => {
    const authorized = await authorize(new Browser(), app);
    const changed = await editUserState<{ expiresAt: number }>(world, world.userId, "code:", (code) => ({
      ...code,
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    }));
    expect(changed).toBe(1);
    const body = await expectOAuthError(await token(app, codeRequest(authorized)), "invalid_grant");
    expect(body.error_description).toContain("expired");
  });

  it("refuses malformed codes and a forged secret, without burning the real code", async () => {
    const authorized = await authorize(new Browser(), app);
    const [prefix, user, record, secret] = authorized.code.split(".");
    const forged = `${prefix}.${user}.${record}.${secret!.slice(0, -1)}${secret!.endsWith("A") ? "B" : "A"}`;
    for (const code of [
      "garbage",
      `lkr.${user}.${record}.${secret}`,
      `${prefix}.${user}.${record}`,
      `${authorized.code}x`,
      forged,
    ]) {
      await expectOAuthError(await token(app, codeRequest({ ...authorized, code })), "invalid_grant");
    }
    await expectOAuthError(
      await token(app, { grant_type: "authorization_code", redirect_uri: REDIRECT }),
      "invalid_request",
    );
    expect((await token(app, codeRequest(authorized))).status).toBe(200);
  });

  it("refuses a code of another tenant, at a same-named client of that tenant", async () => {
    const authorized = await authorize(new Browser(), app);
    await createTenant(world.admin, "globex");
    const twin = await call("POST", "/admin/v1/tenants/globex/clients", {
      token: world.admin,
      body: {
        client_id: app.client_id,
        first_party: true,
        redirect_uris: [REDIRECT],
        grant_types: ["authorization_code", "refresh_token"],
      },
    });
    expect(twin.status, await twin.clone().text()).toBe(201);
    const globexClient: TestClient = {
      slug: "globex",
      client_id: app.client_id,
      client_secret: (await json(twin)).client_secret,
      method: "client_secret_basic",
    };
    expect(await tenantIdOf("globex")).not.toBe(world.tenantId);
    await expectOAuthError(await token(globexClient, codeRequest(authorized)), "invalid_grant");
    // Still good where it belongs.
    expect((await token(app, codeRequest(authorized))).status).toBe(200);
  });

  it("refuses a client not registered for the grant", async () => {
    const machine = await call("POST", "/admin/v1/tenants/acme/clients", {
      token: world.admin,
      body: { grant_types: ["client_credentials"], scope: "read:orders" },
    });
    const created = await json(machine);
    const client: TestClient = { ...app, client_id: created.client_id, client_secret: created.client_secret };
    const authorized = await authorize(new Browser(), app);
    await expectOAuthError(await token(client, codeRequest(authorized)), "unauthorized_client");
  });

  it("refuses a wrong client secret with 401 invalid_client", async () => {
    const authorized = await authorize(new Browser(), app);
    const wrong: TestClient = { ...app, client_secret: "lksec_wrong" };
    const response = await token(wrong, codeRequest(authorized));
    await expectOAuthError(response, "invalid_client", 401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Basic realm=/);
    expect((await token(app, codeRequest(authorized))).status).toBe(200);
  });

  it("issues the code with iss and state, and the issuer in discovery matches", async () => {
    const discovery = await json(await call("GET", "/t/acme/.well-known/openid-configuration"));
    expect(discovery.issuer).toBe(`${BASE}/t/acme`);
    expect(discovery.token_endpoint).toBe(`${BASE}/t/acme/token`);
    const authorized = await authorize(new Browser(), app, { state: "xyz" });
    expect(authorized.state).toBe("xyz");
  });
});

// The OpenID Foundation's Basic OP certification plan (oidcc-basic-certification-test-plan),
// one test per module, named after it, checking what the module checks (statically
// registered clients; see docs/conformance.md for the modules that do not apply).
import { decodeJwt, decodeProtectedHeader } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, basic, json, tokenRequest } from "../helpers";
import { Browser } from "../flows/browser";
import {
  authorizationUrl,
  authorize,
  exchange,
  happyPath,
  ISSUER,
  REDIRECT,
  setUpOp,
  userinfo,
  type Op,
} from "./fixture";

let op: Op;
let browser: Browser;

beforeEach(async () => {
  op = await setUpOp();
  browser = new Browser();
});

async function scopeClaims(scope: string) {
  const { tokens } = await happyPath(browser, op.client, { scope });
  const response = await userinfo(tokens.access_token);
  expect(response.status).toBe(200);
  return json(response);
}

describe("oidcc-basic-certification-test-plan", () => {
  it("oidcc-server", async () => {
    const { tokens, claims } = await happyPath(browser, op.client);
    expect(claims.name).toBeUndefined(); // scope openid alone releases no profile claims
    const info = await json(await userinfo(tokens.access_token));
    expect(info.sub).toBe(claims.sub);
  });

  it("oidcc-response-type-missing", async () => {
    const url = new URL(authorizationUrl(op.client), BASE);
    url.searchParams.delete("response_type");
    const response = await browser.navigate(url.pathname + url.search);
    expect(response.status).toBe(303);
    const callback = new URL(response.headers.get("Location")!);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("iss")).toBe(ISSUER);
  });

  it("oidcc-userinfo-get", async () => {
    const { tokens, claims } = await happyPath(browser, op.client);
    const response = await userinfo(tokens.access_token, "get");
    expect(response.status).toBe(200);
    expect((await json(response)).sub).toBe(claims.sub);
  });

  it("oidcc-userinfo-post-header", async () => {
    const { tokens, claims } = await happyPath(browser, op.client);
    const response = await userinfo(tokens.access_token, "post-header");
    expect(response.status).toBe(200);
    expect((await json(response)).sub).toBe(claims.sub);
  });

  it("oidcc-userinfo-post-body", async () => {
    const { tokens, claims } = await happyPath(browser, op.client);
    const response = await userinfo(tokens.access_token, "post-body");
    expect(response.status).toBe(200);
    expect((await json(response)).sub).toBe(claims.sub);
  });

  it("oidcc-ensure-request-without-nonce-succeeds-for-code-flow", async () => {
    const url = new URL(authorizationUrl(op.client), BASE);
    url.searchParams.delete("nonce");
    const callback = await authorize(browser, url.pathname + url.search);
    const tokens = await json(await exchange(op.client, callback.searchParams.get("code")!));
    expect(decodeJwt(tokens.id_token).nonce).toBeUndefined();
  });

  it("oidcc-scope-profile", async () => {
    const claims = await scopeClaims("openid profile");
    expect(claims).toMatchObject({
      name: "Buffy Summers",
      given_name: "Buffy",
      family_name: "Summers",
      birthdate: "1981-01-19",
    });
    expect(claims.email).toBeUndefined();
  });

  it("oidcc-scope-email", async () => {
    const claims = await scopeClaims("openid email");
    expect(claims).toMatchObject({ email: "buffy@example.com", email_verified: true });
    expect(claims.name).toBeUndefined();
  });

  it("oidcc-scope-address", async () => {
    const claims = await scopeClaims("openid address");
    expect(claims.address).toMatchObject({ locality: "Sunnydale", country: "US" });
  });

  it("oidcc-scope-phone", async () => {
    const claims = await scopeClaims("openid phone");
    expect(claims).toMatchObject({ phone_number: "+14155550123", phone_number_verified: false });
  });

  it("oidcc-scope-all", async () => {
    const claims = await scopeClaims("openid address email phone profile");
    for (const name of ["address", "email", "phone_number", "name"]) expect(claims).toHaveProperty(name);
  });

  it("oidcc-ensure-other-scope-order-succeeds", async () => {
    const claims = await scopeClaims("email openid");
    expect(claims.email).toBe("buffy@example.com");
  });

  it("oidcc-alternate-happy-flow", async () => {
    // Reversed scope order and reordered query parameters.
    const url = new URL(authorizationUrl(op.client, { scope: "email openid" }), BASE);
    const reordered = new URLSearchParams([...url.searchParams.entries()].reverse());
    const callback = await authorize(browser, `${url.pathname}?${reordered}`);
    const tokens = await json(await exchange(op.client, callback.searchParams.get("code")!));
    expect((await json(await userinfo(tokens.access_token))).email).toBe("buffy@example.com");
  });

  it("oidcc-display-page", async () => {
    await happyPath(browser, op.client, { display: "page" });
  });

  it("oidcc-display-popup", async () => {
    await happyPath(browser, op.client, { display: "popup" });
  });

  it("oidcc-prompt-login", async () => {
    const first = await happyPath(browser, op.client);
    // The suite asks for a second sign-in; the page must appear although a session exists.
    const response = await browser.navigate(authorizationUrl(op.client, { prompt: "login" }));
    expect(response.status).toBe(200);
    expect(await response.clone().text()).toContain("Sign in");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const page = await response.text();
    const done = await browser.submit(page, "/login", {
      email: "buffy@example.com",
      password: "conformance suite password",
    });
    const tokens = await json(
      await exchange(op.client, new URL(done.headers.get("Location")!).searchParams.get("code")!),
    );
    const second = decodeJwt(tokens.id_token);
    expect(second.sub).toBe(first.claims.sub);
    expect(second.auth_time as number).toBeGreaterThan(first.claims.auth_time as number);
  });

  it("oidcc-prompt-none-not-logged-in", async () => {
    const state = "s".repeat(128);
    const response = await browser.navigate(authorizationUrl(op.client, { prompt: "none", state }));
    expect(response.status).toBe(303);
    const callback = new URL(response.headers.get("Location")!);
    expect(callback.searchParams.get("error")).toBe("login_required");
    expect(callback.searchParams.get("state")).toBe(state);
  });

  it("oidcc-prompt-none-logged-in", async () => {
    const first = await happyPath(browser, op.client);
    const response = await browser.navigate(authorizationUrl(op.client, { prompt: "none" }));
    expect(response.status).toBe(303);
    const code = new URL(response.headers.get("Location")!).searchParams.get("code")!;
    const second = decodeJwt((await json(await exchange(op.client, code))).id_token);
    expect(second.sub).toBe(first.claims.sub);
    expect(second.auth_time).toBe(first.claims.auth_time);
  });

  it("oidcc-max-age-1", async () => {
    const first = await happyPath(browser, op.client);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await browser.navigate(authorizationUrl(op.client, { max_age: "1" }));
    expect(response.status).toBe(200); // signing in again is required
    const done = await browser.submit(await response.text(), "/login", {
      email: "buffy@example.com",
      password: "conformance suite password",
    });
    const code = new URL(done.headers.get("Location")!).searchParams.get("code")!;
    const second = decodeJwt((await json(await exchange(op.client, code))).id_token);
    expect(second.auth_time as number).toBeGreaterThan(first.claims.auth_time as number);
  });

  it("oidcc-max-age-10000", async () => {
    const first = await happyPath(browser, op.client, { max_age: "15000" });
    const callback = await authorize(browser, authorizationUrl(op.client, { max_age: "10000" }));
    const second = decodeJwt((await json(await exchange(op.client, callback.searchParams.get("code")!))).id_token);
    expect(first.claims.auth_time).toBeTypeOf("number");
    expect(second.auth_time).toBe(first.claims.auth_time);
    expect(second.sub).toBe(first.claims.sub);
  });

  it("oidcc-ensure-request-with-unknown-parameter-succeeds", async () => {
    await happyPath(browser, op.client, { extra: "foobar" });
  });

  it("oidcc-id-token-hint", async () => {
    const first = await happyPath(browser, op.client);
    const response = await browser.navigate(
      authorizationUrl(op.client, { prompt: "none", id_token_hint: first.tokens.id_token }),
    );
    const code = new URL(response.headers.get("Location")!).searchParams.get("code")!;
    expect(decodeJwt((await json(await exchange(op.client, code))).id_token).sub).toBe(first.claims.sub);
  });

  it("oidcc-login-hint", async () => {
    const response = await browser.navigate(authorizationUrl(op.client, { login_hint: "buffy@example.com" }));
    expect(await response.text()).toContain('value="buffy@example.com"');
  });

  it("oidcc-ui-locales", async () => {
    await happyPath(browser, op.client, { ui_locales: "se" });
  });

  it("oidcc-claims-locales", async () => {
    await happyPath(browser, op.client, { claims_locales: "se" });
  });

  it("oidcc-ensure-request-with-acr-values-succeeds", async () => {
    const discovered = await json(await browser.fetch("/t/oidc-op/.well-known/openid-configuration"));
    const { claims } = await happyPath(browser, op.client, { acr_values: discovered.acr_values_supported.join(" ") });
    expect(discovered.acr_values_supported).toContain(claims.acr);
  });

  it("oidcc-codereuse", async () => {
    const { code } = await happyPath(browser, op.client);
    const again = await exchange(op.client, code);
    expect(again.status).toBe(400);
    expect((await json(again)).error).toBe("invalid_grant");
  });

  it("oidcc-codereuse-30seconds", async () => {
    // The 30 seconds do not matter to the OP's logic; what matters is that the first
    // access token is revoked once the code comes back (checked at UserInfo).
    const { code, tokens } = await happyPath(browser, op.client);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    const again = await exchange(op.client, code);
    expect((await json(again)).error).toBe("invalid_grant");
    expect((await userinfo(tokens.access_token)).status).toBe(401);
  });

  it("oidcc-ensure-registered-redirect-uri", async () => {
    const response = await browser.navigate(
      authorizationUrl(op.client, { redirect_uri: `https://rp.example.com/${crypto.randomUUID()}` }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(await response.text()).toContain("not registered");
  });

  it("oidcc-ensure-post-request-succeeds", async () => {
    const url = new URL(authorizationUrl(op.client), BASE);
    const callback = await authorize(browser, url.pathname, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: url.searchParams.toString(),
    });
    expect(callback.searchParams.get("code")).toBeTruthy();
  });

  it("oidcc-server-client-secret-post", async () => {
    const url = authorizationUrl(op.client2);
    const callback = await authorize(browser, url);
    const response = await exchange(op.client2, callback.searchParams.get("code")!, "post");
    expect(response.status).toBe(200);
    expect(decodeJwt((await json(response)).id_token).aud).toBe(op.client2.client_id);
  });

  it("oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported", async () => {
    const response = await browser.navigate(authorizationUrl(op.client, { request: "eyJhbGciOiJub25lIn0.e30." }));
    const callback = new URL(response.headers.get("Location")!);
    expect(callback.searchParams.get("error")).toBe("request_not_supported");
  });

  it("oidcc-claims-essential", async () => {
    const claims = JSON.stringify({ userinfo: { name: { essential: true } } });
    const { tokens } = await happyPath(browser, op.client, { claims });
    expect((await json(await userinfo(tokens.access_token))).name).toBe("Buffy Summers");
  });

  it("oidcc-refresh-token", async () => {
    const { tokens, claims } = await happyPath(browser, op.client, { scope: "openid offline_access" });
    expect(tokens.refresh_token).toMatch(/^[\x20-\x7E]+$/);
    const refreshed = await tokenRequest(
      "oidc-op",
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token },
      { Authorization: basic(op.client.client_id, op.client.client_secret) },
    );
    expect(refreshed.status).toBe(200);
    const fresh = decodeJwt((await json(refreshed)).id_token);
    expect(fresh).toMatchObject({
      iss: ISSUER,
      sub: claims.sub,
      aud: op.client.client_id,
      auth_time: claims.auth_time,
    });
    // The other client cannot use this client's refresh token.
    const other = new Browser();
    const second = await happyPath(other, op.client2, { scope: "openid offline_access" });
    const stolen = await tokenRequest(
      "oidc-op",
      { grant_type: "refresh_token", refresh_token: second.tokens.refresh_token },
      { Authorization: basic(op.client.client_id, op.client.client_secret) },
    );
    expect((await json(stolen)).error).toBe("invalid_grant");
  });

  it("oidcc-ensure-request-with-valid-pkce-succeeds", async () => {
    const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const callback = await authorize(
      browser,
      authorizationUrl(op.client, { code_challenge: challenge, code_challenge_method: "S256" }),
    );
    const response = await exchange(op.client, callback.searchParams.get("code")!, undefined, {
      code_verifier: verifier,
    });
    expect(response.status).toBe(200);
    expect(decodeProtectedHeader((await json(response)).id_token).alg).toBe("ES256");
  });

  it("redirects carry no credentials to an unregistered address (oidcc-ensure-registered-redirect-uri, with a query)", async () => {
    const response = await browser.navigate(authorizationUrl(op.client, { redirect_uri: `${REDIRECT}?x=1` }));
    expect(response.status).toBe(400);
  });
});

// The authorization code flow end to end inside workerd, a test browser playing the user.
import { base64url } from "jose";
import { decodeJwt } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, basic, call, createTenant, json, operatorToken, tokenRequest } from "../helpers";
import { Browser } from "./browser";

const REDIRECT = "https://app.example.com/callback";
let admin: string;
let app: { client_id: string; client_secret: string };

async function pkce() {
  const verifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url.encode(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  return { verifier, challenge };
}

beforeEach(async () => {
  admin = await operatorToken();
  await createTenant(admin, "acme");
  const user = await call("POST", "/admin/v1/tenants/acme/users", {
    token: admin,
    body: { email: "ana@example.com", password: "correct horse battery", given_name: "Ana", email_verified: true },
  });
  expect(user.status).toBe(201);
  const created = await call("POST", "/admin/v1/tenants/acme/clients", {
    token: admin,
    body: {
      client_name: "Acme app",
      first_party: true,
      redirect_uris: [REDIRECT],
      grant_types: ["authorization_code", "refresh_token"],
    },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  app = await json(created);
});

describe("authorization code flow", () => {
  it("signs in, redeems the code and calls userinfo", async () => {
    const browser = new Browser();
    const { verifier, challenge } = await pkce();
    const query = new URLSearchParams({
      response_type: "code",
      client_id: app.client_id,
      redirect_uri: REDIRECT,
      scope: "openid profile email offline_access",
      state: "s1",
      nonce: "n1",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const login = await browser.navigate(`/t/acme/authorize?${query}`);
    expect(login.status).toBe(200);
    const page = await login.text();
    expect(page).toContain("Sign in");
    const done = await browser.submit(page, "/login", { email: "ana@example.com", password: "correct horse battery" });
    expect(done.status).toBe(303);
    const location = new URL(done.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("s1");
    expect(location.searchParams.get("iss")).toBe(`${BASE}/t/acme`);
    const code = location.searchParams.get("code")!;

    const tokens = await tokenRequest(
      "acme",
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier },
      { Authorization: basic(app.client_id, app.client_secret) },
    );
    expect(tokens.status, await tokens.clone().text()).toBe(200);
    const body = await json(tokens);
    const idToken = decodeJwt(body.id_token);
    expect(idToken).toMatchObject({
      iss: `${BASE}/t/acme`,
      aud: app.client_id,
      nonce: "n1",
      email: "ana@example.com",
      given_name: "Ana",
    });
    expect(body.refresh_token).toMatch(/^lkr\./);

    const info = await call("GET", "/t/acme/userinfo", { token: body.access_token });
    expect(info.status).toBe(200);
    expect(await json(info)).toMatchObject({ sub: idToken.sub, email: "ana@example.com" });

    const refreshed = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: body.refresh_token },
      { Authorization: basic(app.client_id, app.client_secret) },
    );
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);

    // Single sign-on: a second authorization needs no credentials.
    const again = await browser.navigate(`/t/acme/authorize?${query}`);
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get("Location")!).searchParams.get("code")).toBeTruthy();
  });
});

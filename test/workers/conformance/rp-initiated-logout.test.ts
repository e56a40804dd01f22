// The RP-Initiated Logout OP plan (oidcc-rp-initiated-logout-certification-test-plan), one
// test per module. After each successful logout, prompt=none must fail: the session ended.
import { base64url, SignJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, call, json } from "../helpers";
import { Browser, findForm } from "../flows/browser";
import { authorizationUrl, happyPath, POST_LOGOUT, setUpOp, type Op } from "./fixture";

let op: Op;
let browser: Browser;
let idToken: string;

beforeEach(async () => {
  op = await setUpOp();
  browser = new Browser();
  idToken = (await happyPath(browser, op.client)).tokens.id_token;
});

const endSession = (params: Record<string, string>) =>
  browser.navigate(`/t/oidc-op/logout?${new URLSearchParams(params)}`);

async function expectSignedOut() {
  const response = await browser.navigate(authorizationUrl(op.client, { prompt: "none" }));
  expect(new URL(response.headers.get("Location")!).searchParams.get("error")).toBe("login_required");
}

async function expectStillSignedIn() {
  const response = await browser.navigate(authorizationUrl(op.client, { prompt: "none" }));
  expect(new URL(response.headers.get("Location")!).searchParams.get("code")).toBeTruthy();
}

/** The OP did not redirect: it asked for confirmation (or showed an error); confirming signs out. */
async function expectNoRedirectThenConfirm(response: Response) {
  expect(response.headers.get("Location")).toBeNull();
  const page = await response.text();
  await expectStillSignedIn();
  const form = findForm(page, "/logout");
  const confirmed = await browser.submit(page, form.action, { confirm: "yes" });
  expect(confirmed.status).toBe(200);
  expect(confirmed.headers.get("Location")).toBeNull();
  expect(await confirmed.text()).toContain("signed out");
  await expectSignedOut();
}

describe("oidcc-rp-initiated-logout-certification-test-plan", () => {
  it("oidcc-rp-initiated-logout-discovery-endpoint-verification", async () => {
    const document = await json(await call("GET", "/t/oidc-op/.well-known/openid-configuration"));
    expect(document.end_session_endpoint).toBe(`${BASE}/t/oidc-op/logout`);
    expect(document.end_session_endpoint).toMatch(/^https:\/\//);
  });

  it("oidcc-rp-initiated-logout", async () => {
    const state = "x".repeat(128);
    const response = await endSession({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT, state });
    expect(response.status).toBe(303);
    const target = new URL(response.headers.get("Location")!);
    expect(target.origin + target.pathname).toBe(POST_LOGOUT);
    expect([...target.searchParams.entries()]).toEqual([["state", state]]);
    await expectSignedOut();
  });

  it("oidcc-rp-initiated-logout-bad-post-logout-redirect-uri", async () => {
    const response = await endSession({
      id_token_hint: idToken,
      post_logout_redirect_uri: "https://rp.example.com/not-registered",
      state: "s",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Location")).toBeNull();
    expect(await response.text()).toContain("not registered");
  });

  it("oidcc-rp-initiated-logout-modified-id-token-hint", async () => {
    const [, payload, signature] = idToken.split(".");
    const unsigned = `${base64url.encode(JSON.stringify({ alg: "none" }))}.${payload}.${signature}`;
    await expectNoRedirectThenConfirm(
      await endSession({ id_token_hint: unsigned, post_logout_redirect_uri: POST_LOGOUT, state: "s" }),
    );
  });

  it("oidcc-rp-initiated-logout-no-id-token-hint", async () => {
    await expectNoRedirectThenConfirm(await endSession({ post_logout_redirect_uri: POST_LOGOUT, state: "s" }));
  });

  it("oidcc-rp-initiated-logout-no-params", async () => {
    await expectNoRedirectThenConfirm(await endSession({}));
  });

  it("oidcc-rp-initiated-logout-no-post-logout-redirect-uri", async () => {
    const response = await endSession({ id_token_hint: idToken });
    expect(response.status).toBe(200);
    expect(response.headers.get("Location")).toBeNull();
    expect(await response.text()).toContain("signed out");
    await expectSignedOut();
  });

  it("oidcc-rp-initiated-logout-no-state", async () => {
    const response = await endSession({ id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(POST_LOGOUT);
    await expectSignedOut();
  });

  it("oidcc-rp-initiated-logout-only-state", async () => {
    await expectNoRedirectThenConfirm(await endSession({ state: "only" }));
  });

  it("oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri", async () => {
    const response = await endSession({
      id_token_hint: idToken,
      post_logout_redirect_uri: `${POST_LOGOUT}?foo=bar`,
      state: "s",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Location")).toBeNull();
  });

  it("oidcc-rp-initiated-logout-bad-id-token-hint", async () => {
    const key = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(idToken.split(".")[1]!)));
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: "suite-key" })
      .sign(key.privateKey);
    await expectNoRedirectThenConfirm(
      await endSession({ id_token_hint: forged, post_logout_redirect_uri: POST_LOGOUT, state: "s" }),
    );
  });
});

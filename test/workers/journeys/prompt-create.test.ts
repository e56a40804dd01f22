// prompt=create (Initiating User Registration via OpenID Connect 1.0): advertised and
// accepted only where customers may sign up, straight to the sign-up page, and the
// authorization completes normally afterwards (consent for third-party apps).
import { beforeEach, describe, expect, it } from "vitest";
import { call, json } from "../helpers";
import { Browser } from "../flows/browser";
import {
  API,
  authorizePath,
  callbackOf,
  codeRequest,
  OTHER_REDIRECT,
  PASSWORD,
  REDIRECT,
  redeem,
  type World,
} from "../flows/fixtures";
import { codeIn, goodForm, lastEmailTo, patchTenant, signUpWorld, usersWithEmail } from "./sign-up-helpers";

let w: World;

beforeEach(async () => {
  w = await signUpWorld();
});

async function discovery(slug = "acme") {
  const response = await call("GET", `/t/${slug}/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return json<{ prompt_values_supported: string[] }>(response);
}

/** Follows prompt=create to the sign-up page; returns its HTML. */
async function createPage(browser: Browser, params: Record<string, string>) {
  const first = await browser.fetch(authorizePath("acme", params));
  expect(first.status).toBe(303);
  expect(first.headers.get("Location")).toMatch(/^\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}\/sign-up$/);
  const page = await browser.navigate(first.headers.get("Location")!);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("<h1>Create your account</h1>");
  return html;
}

/** Fills the sign-up form and the emailed code; returns the response after our redirects. */
async function signUp(browser: Browser, html: string, email: string) {
  const code = await browser.submit(html, "/sign-up", goodForm(email));
  expect(code.status).toBe(200);
  return browser.submit(await code.text(), "/sign-up/code", { code: codeIn(await lastEmailTo(email)) });
}

describe("discovery", () => {
  it("advertises create only while self sign-up is on", async () => {
    expect((await discovery()).prompt_values_supported).toEqual([
      "none",
      "login",
      "consent",
      "select_account",
      "create",
    ]);
    await patchTenant(w.admin, "acme", { self_sign_up_enabled: false });
    expect((await discovery()).prompt_values_supported).toEqual(["none", "login", "consent", "select_account"]);
  });
});

describe("the authorization request", () => {
  it("prompt=create goes straight to the sign-up page, then back to the app with a code", async () => {
    const browser = new Browser();
    const html = await createPage(browser, codeRequest(w.app, { prompt: "create" }));
    const callback = callbackOf(await signUp(browser, html, "bea@example.com"));
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get("state")).toBe("st-1");
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims).toMatchObject({ email: "bea@example.com", email_verified: true, nonce: "n-1" });
  });

  it("a third-party app still asks for consent after the sign-up", async () => {
    const browser = new Browser();
    const html = await createPage(
      browser,
      codeRequest(w.partner, {
        redirect_uri: OTHER_REDIRECT,
        scope: "openid email read:orders",
        resource: API,
        prompt: "create",
      }),
    );
    const consent = await signUp(browser, html, "bea@example.com");
    expect(consent.status).toBe(200);
    const page = await consent.text();
    expect(page).toMatch(/wants to access your account/);
    const callback = callbackOf(await browser.submit(page, "/consent", { decision: "allow" }));
    expect(callback.origin + callback.pathname).toBe(OTHER_REDIRECT);
    expect(callback.searchParams.get("code")).toBeTruthy();
  });

  it("with self sign-up off, prompt=create is an invalid_request sent back to the app", async () => {
    await patchTenant(w.admin, "acme", { self_sign_up_enabled: false });
    const response = await new Browser().fetch(authorizePath("acme", codeRequest(w.app, { prompt: "create" })));
    const callback = callbackOf(response);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("error_description")).toContain("create");
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("prompt=create with none is an invalid_request", async () => {
    const response = await new Browser().fetch(authorizePath("acme", codeRequest(w.app, { prompt: "none create" })));
    const callback = callbackOf(response);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("works through a pushed authorization request too", async () => {
    const pushed = await call("POST", "/t/acme/par", {
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`${w.app.client_id}:${w.app.client_secret}`)}`,
      },
      body: new URLSearchParams(codeRequest(w.app, { prompt: "create" })).toString(),
    });
    expect(pushed.status, await pushed.clone().text()).toBe(201);
    const { request_uri } = await json<{ request_uri: string }>(pushed);
    const browser = new Browser();
    const html = await createPage(browser, { client_id: w.app.client_id, request_uri });
    callbackOf(await signUp(browser, html, "bea@example.com"));
  });
});

describe("a browser that is already signed in", () => {
  it("still sees the sign-up page; signing up replaces the session with the new account", async () => {
    const browser = new Browser();
    const signIn = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    callbackOf(await browser.submit(await signIn.text(), "/login", { email: "ana@example.com", password: PASSWORD }));
    const html = await createPage(browser, codeRequest(w.app, { prompt: "create" }));
    const callback = callbackOf(await signUp(browser, html, "bea@example.com"));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims.email).toBe("bea@example.com");
    expect(tokens.claims.sub).not.toBe(w.user.id);
  });

  it("'sign in' on the sign-up page leaves prompt=create for the sign-in form", async () => {
    const browser = new Browser();
    const html = await createPage(browser, codeRequest(w.app, { prompt: "create" }));
    const signIn = await browser.submit(html, "/sign-up/sign-in", {});
    expect(signIn.status).toBe(200);
    const page = await signIn.text();
    expect(page).toContain('name="password"');
    const callback = callbackOf(await browser.submit(page, "/login", { email: "ana@example.com", password: PASSWORD }));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims.sub).toBe(w.user.id);
    expect(await usersWithEmail("bea@example.com")).toBe(0);
  });
});

// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): a valid id_token_hint ends
// the session at once and may send the user back to a registered URI; anything less asks
// the user to confirm (CSRF-protected) and never redirects.
import { decodeProtectedHeader } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call, json } from "../helpers";
import { findForm } from "../flows/browser";
import {
  auditEvents,
  Browser,
  claimsOf,
  createUser,
  expectOAuthError,
  LOGOUT_REDIRECT,
  PASSWORD,
  REDIRECT,
  refresh,
  registerClient,
  resignedWithForeignKey,
  sessionIdOf,
  setupTenant,
  signIn,
  authorize,
  exchange,
  unsigned,
  type TestClient,
  type World,
} from "./fixtures";

let world: World;
let app: TestClient;

beforeEach(async () => {
  world = await setupTenant();
  app = await registerClient(world);
});

afterEach(() => {
  vi.useRealTimers();
});

const logoutUrl = (params: Record<string, string>) => `/t/acme/logout?${new URLSearchParams(params)}`;

async function sessions(userId = world.userId) {
  const response = await call("GET", `/admin/v1/tenants/acme/users/${userId}/sessions`, { token: world.admin });
  expect(response.status).toBe(200);
  return (await json<{ data: unknown[] }>(response)).data;
}

/** The browser's next authorization: the sign-in page (200) when it has no session, a code (303) when it has. */
async function nextAuthorization(browser: Browser) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    scope: "openid",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
  });
  return browser.navigate(`/t/acme/authorize?${query}`);
}

async function expectSignInNeeded(browser: Browser) {
  const response = await nextAuthorization(browser);
  expect(response.status).toBe(200);
  expect(await response.text()).toContain("/login");
}

async function expectStillSignedIn(browser: Browser) {
  expect(sessionIdOf(browser)).not.toBeNull();
  const response = await nextAuthorization(browser);
  expect(response.status).toBe(303);
  expect(new URL(response.headers.get("Location")!).searchParams.get("code")).toMatch(/^lkc\./);
}

async function expectNoRedirect(response: Response, text: string) {
  expect(response.status).toBe(200);
  expect(response.headers.get("Location")).toBeNull();
  const page = await response.text();
  expect(page).toContain(text);
  return page;
}

describe("logout with a valid id_token_hint", () => {
  it("ends the session, revokes its session-bound refresh tokens, and returns to the registered URI with state", async () => {
    const browser = new Browser();
    const offline = await signIn(app, { scope: "openid offline_access" }, browser);
    const bound = await signIn(app, { scope: "openid" }, browser);
    const sid = sessionIdOf(browser)!;
    expect(await sessions()).toHaveLength(1);

    const response = await browser.fetch(
      logoutUrl({
        id_token_hint: bound.tokens.id_token!,
        post_logout_redirect_uri: LOGOUT_REDIRECT,
        state: "bye-1",
        client_id: app.client_id,
      }),
    );
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(LOGOUT_REDIRECT);
    expect(location.searchParams.get("state")).toBe("bye-1");
    expect(response.headers.get("Cache-Control")).toBe("no-store");

    expect(await sessions()).toHaveLength(0);
    await expectSignInNeeded(browser);
    await expectOAuthError(await refresh(app, bound.tokens.refresh_token!), "invalid_grant");
    expect((await refresh(app, offline.tokens.refresh_token!)).status).toBe(200);

    const events = await auditEvents(world, "user.signed_out");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      user_id: world.userId,
      client_id: app.client_id,
      details: { sid, via: "rp_initiated_logout", clients: [app.client_id] },
    });
  });

  it("clears the session cookie on the redirect too", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    const response = await browser.fetch(
      logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie().join("\n")).toMatch(/__Host-lk-session-acme=;.*Max-Age=0/i);
    expect(sessionIdOf(browser)).toBeNull();
  });

  it("works by POST as well, and without state", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    const response = await browser.fetch("/t/acme/logout", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(LOGOUT_REDIRECT);
    await expectSignInNeeded(browser);
  });

  it("accepts an expired ID token as hint", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((claimsOf(tokens.id_token!).exp + 60) * 1000);
    // The session outlives the ID token (7 days against 1 hour).
    const response = await browser.fetch(
      logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT }),
    );
    expect(response.status).toBe(303);
    vi.useRealTimers();
    expect(await sessions()).toHaveLength(0);
  });

  it("redirects even when the browser has no session any more", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    const stranger = new Browser();
    const response = await stranger.fetch(
      logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT, state: "s" }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${LOGOUT_REDIRECT}?state=s`);
    // The other browser's session was not this request's to end.
    await expectStillSignedIn(browser);
  });

  it("signs out but does not redirect to an unregistered post_logout_redirect_uri", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    const response = await browser.fetch(
      logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: "https://evil.example/landing" }),
    );
    const page = await expectNoRedirect(response, "You are signed out");
    expect(page).toContain("not registered");
    expect(page).not.toContain("evil.example");
    await expectSignInNeeded(browser);
  });

  it("does not redirect to a registered URI with a query added, nor to its redirect_uri", async () => {
    const browser = new Browser();
    for (const uri of [`${LOGOUT_REDIRECT}?next=https://evil.example`, `${LOGOUT_REDIRECT}/`, REDIRECT]) {
      // Signs in again each round: the previous round's valid hint ended the session.
      const { tokens } = await signIn(app, { scope: "openid" }, browser);
      expect(await sessions()).toHaveLength(1);
      const response = await browser.fetch(
        logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: uri }),
      );
      const page = await expectNoRedirect(response, "You are signed out");
      expect(page).toContain("not registered");
      expect(await sessions()).toHaveLength(0);
    }
  });

  it("shows an error page when client_id is not an audience of the hint", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    const other = await registerClient(world);
    const response = await browser.fetch(
      logoutUrl({
        id_token_hint: tokens.id_token!,
        client_id: other.client_id,
        post_logout_redirect_uri: LOGOUT_REDIRECT,
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(await response.text()).toContain("not issued to this application");
    await expectStillSignedIn(browser);
  });
});

describe("logout without a usable hint asks the user", () => {
  async function confirmationPage(response: Response) {
    const page = await expectNoRedirect(response, "Sign out?");
    const form = findForm(page, "/t/acme/logout");
    expect(form.fields.csrf).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(form.fields.logout_id).toBeTruthy();
    return page;
  }

  it("without id_token_hint: shows a CSRF-protected confirmation; confirming signs out, without redirect", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    const page = await confirmationPage(
      await browser.fetch(logoutUrl({ post_logout_redirect_uri: LOGOUT_REDIRECT, state: "s" })),
    );
    // Nothing ended yet.
    expect(await sessions()).toHaveLength(1);
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);

    const confirmed = await browser.submit(page, "/t/acme/logout", { confirm: "yes" });
    await expectNoRedirect(confirmed, "You are signed out");
    expect(await sessions()).toHaveLength(0);
    await expectSignInNeeded(browser);
    expect(await auditEvents(world, "user.signed_out")).toHaveLength(1);
  });

  it("refuses a confirmation with a wrong CSRF token, from another site, or a second time", async () => {
    const browser = new Browser();
    await signIn(app, { scope: "openid" }, browser);
    const page = await confirmationPage(await browser.fetch("/t/acme/logout"));
    const { fields } = findForm(page, "/t/acme/logout");

    const crossSite = await browser.fetch("/t/acme/logout", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: new URLSearchParams({ ...fields, confirm: "yes" }),
    });
    expect(crossSite.status).toBe(403);

    const wrong = await browser.submit(page, "/t/acme/logout", { confirm: "yes", csrf: "A".repeat(43) });
    expect(wrong.status).toBe(400);
    await expectStillSignedIn(browser);

    // The failed attempt used up that confirmation: a fresh page is needed.
    const replay = await browser.submit(page, "/t/acme/logout", { confirm: "yes" });
    expect(replay.status).toBe(400);
    await expectStillSignedIn(browser);

    const fresh = await confirmationPage(await browser.fetch("/t/acme/logout"));
    const confirmed = await browser.submit(fresh, "/t/acme/logout", { confirm: "yes" });
    expect(confirmed.status).toBe(200);
    await expectSignInNeeded(browser);
  });

  it("shows the signed-out page (no redirect) when there is neither hint nor session", async () => {
    const response = await new Browser().fetch(logoutUrl({ post_logout_redirect_uri: LOGOUT_REDIRECT }));
    const page = await expectNoRedirect(response, "You are signed out");
    expect(page).toContain("could not be verified");
  });

  it("treats a hint re-encoded with alg none as no hint", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    for (const header of [
      { alg: "none", typ: "JWT" },
      { alg: "none", typ: "JWT", kid: decodeProtectedHeader(tokens.id_token!).kid },
    ]) {
      const response = await browser.fetch(
        logoutUrl({ id_token_hint: unsigned(tokens.id_token!, header), post_logout_redirect_uri: LOGOUT_REDIRECT }),
      );
      await confirmationPage(response);
    }
    await expectStillSignedIn(browser);
  });

  it("treats a hint signed by another key, or an access token, as no hint", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    const forged = await resignedWithForeignKey(tokens.id_token!, decodeProtectedHeader(tokens.id_token!).kid!);
    await confirmationPage(
      await browser.fetch(logoutUrl({ id_token_hint: forged, post_logout_redirect_uri: LOGOUT_REDIRECT })),
    );
    await confirmationPage(
      await browser.fetch(logoutUrl({ id_token_hint: tokens.access_token, post_logout_redirect_uri: LOGOUT_REDIRECT })),
    );
    await expectStillSignedIn(browser);
  });

  it("asks for confirmation when the hint names another user than the session's", async () => {
    const boId = await createUser(world.admin, "acme", { email: "bo@example.com", password: PASSWORD });
    const boBrowser = new Browser();
    const bo = await exchange(
      app,
      await authorize(boBrowser, app, { scope: "openid" }, { email: "bo@example.com", password: PASSWORD }),
    );
    expect(claimsOf(bo.id_token!).sub).toBe(boId);

    const anaBrowser = new Browser();
    await signIn(app, { scope: "openid" }, anaBrowser);
    const page = await confirmationPage(
      await anaBrowser.fetch(logoutUrl({ id_token_hint: bo.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT })),
    );
    await expectStillSignedIn(anaBrowser);
    expect(await sessions(boId)).toHaveLength(1);
    // Confirming ends Ana's session here, not Bo's elsewhere.
    await anaBrowser.submit(page, "/t/acme/logout", { confirm: "yes" });
    await expectSignInNeeded(anaBrowser);
    expect(await sessions(boId)).toHaveLength(1);
  });
});

// Single sign-on sessions: the cookie, reuse across the tenant's clients, isolation
// between tenants, and ending sessions from the management API.
import { beforeEach, describe, expect, it } from "vitest";
import { basic, call, json, tokenRequest } from "../helpers";
import { Browser } from "./browser";
import {
  auditEvents,
  authorizePath,
  authorizeWithSignIn,
  callbackOf,
  codeRequest,
  createClient,
  createUser,
  PASSWORD,
  redeem,
  sessionCookieName,
  signInOn,
  world,
  type World,
} from "./fixtures";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false });
});

async function signedIn(browser = new Browser(), email = "ana@example.com") {
  const callback = await authorizeWithSignIn(browser, "acme", codeRequest(w.app), email);
  return { browser, code: callback.searchParams.get("code")! };
}

/** What the browser gets from a plain authorization request: a code (SSO) or the sign-in page. */
async function outcome(browser: Browser, slug = "acme", client = w.app, extra: Record<string, string> = {}) {
  const response = await browser.navigate(authorizePath(slug, codeRequest(client, extra)));
  if (response.status === 200) {
    const html = await response.text();
    expect(html).toContain('name="password"');
    return "sign-in" as const;
  }
  const callback = callbackOf(response);
  return callback.searchParams.get("code") ? ("code" as const) : callback.searchParams.get("error")!;
}

async function sessionsOf(userId: string) {
  const response = await call("GET", `/admin/v1/tenants/acme/users/${userId}/sessions`, { token: w.admin });
  expect(response.status).toBe(200);
  return (await json<{ data: Record<string, any>[] }>(response)).data;
}

describe("single sign-on", () => {
  it("a second client of the tenant gets a code without credentials, for the same user and session", async () => {
    const second = await createClient(w.admin, "acme", { client_name: "Second app", first_party: true });
    const { browser, code } = await signedIn();
    const first = await redeem("acme", w.app, code);
    const response = await browser.fetch(authorizePath("acme", codeRequest(second)));
    const callback = callbackOf(response);
    const tokens = await redeem("acme", second, callback.searchParams.get("code")!);
    expect(tokens.claims.sub).toBe(w.user.id);
    expect(tokens.claims.aud).toBe(second.client_id);
    expect(tokens.claims.sid).toBe(first.claims.sid);
    expect(tokens.claims.auth_time).toBe(first.claims.auth_time);
    expect(await auditEvents(w.admin, "acme", "user.signed_in")).toHaveLength(1);
    const [session] = await sessionsOf(w.user.id);
    expect(new Set(session!.clients)).toEqual(new Set([w.app.client_id, second.client_id]));
  });

  it("the session cookie is __Host-lk-session-{slug}, HttpOnly, Secure, SameSite=Lax, Path=/, host-only", async () => {
    const browser = new Browser();
    const page = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    const done = await browser.post(await page.text(), "/login", { email: "ana@example.com", password: PASSWORD });
    expect(done.status).toBe(303);
    const cookie = done.headers.getSetCookie().find((c) => c.startsWith("__Host-lk-session-acme="));
    expect(cookie).toBeDefined();
    const attributes = cookie!.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("secure");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
    const maxAge = attributes.find((a) => a.startsWith("max-age="));
    expect(Number(maxAge?.slice("max-age=".length))).toBeGreaterThan(0);
    expect(cookie).not.toContain(PASSWORD);
  });

  it("a session lists where and with what it was started", async () => {
    const browser = new Browser();
    browser.ip = "198.51.100.40";
    browser.userAgent = "Session-Agent/2.0";
    await signedIn(browser);
    const [session, ...rest] = await sessionsOf(w.user.id);
    expect(rest).toHaveLength(0);
    expect(session).toMatchObject({
      ip: "198.51.100.40",
      user_agent: "Session-Agent/2.0",
      amr: ["pwd"],
      clients: [w.app.client_id],
    });
  });

  it("a forged or altered session cookie is no session", async () => {
    const { browser } = await signedIn();
    const genuine = browser.cookie(sessionCookieName("acme"))!;
    const altered = genuine.slice(0, -2) + (genuine.endsWith("AA") ? "BB" : "AA");
    const forger = new Browser();
    forger.setCookie(sessionCookieName("acme"), altered);
    expect(await outcome(forger)).toBe("sign-in");
    expect(await outcome(forger, "acme", w.app, { prompt: "none" })).toBe("login_required");
    // The genuine cookie still works.
    expect(await outcome(browser)).toBe("code");
  });

  it("signing in again replaces the session: the old cookie stops working (no fixation)", async () => {
    const { browser } = await signedIn();
    const before = browser.cookie(sessionCookieName("acme"))!;
    const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "login" })));
    callbackOf(await signInOn(browser, await page.text(), "ana@example.com"));
    const after = browser.cookie(sessionCookieName("acme"))!;
    expect(after).not.toBe(before);
    expect(await sessionsOf(w.user.id)).toHaveLength(1);
    const stale = new Browser();
    stale.setCookie(sessionCookieName("acme"), before);
    expect(await outcome(stale, "acme", w.app, { prompt: "none" })).toBe("login_required");
    expect(await outcome(browser, "acme", w.app, { prompt: "none" })).toBe("code");
  });

  it("signing in as someone else in the same browser ends the previous session", async () => {
    const bob = await createUser(w.admin, "acme", { email: "bob@example.com", password: PASSWORD });
    const { browser } = await signedIn();
    expect(await sessionsOf(w.user.id)).toHaveLength(1);
    const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "login" })));
    const callback = callbackOf(await signInOn(browser, await page.text(), "bob@example.com"));
    expect((await redeem("acme", w.app, callback.searchParams.get("code")!)).claims.sub).toBe(bob.id);
    expect(await sessionsOf(w.user.id)).toHaveLength(0);
    expect(await sessionsOf(bob.id)).toHaveLength(1);
  });
});

describe("tenant isolation", () => {
  it("a session of one tenant does not sign anyone in at another", async () => {
    const beta = await world("beta", { admin: w.admin, api: false });
    const { browser } = await signedIn();
    expect(await outcome(browser, "beta", beta.app)).toBe("sign-in");
    expect(await outcome(browser, "beta", beta.app, { prompt: "none" })).toBe("login_required");

    // Even the same cookie value under the other tenant's name is nothing there.
    const value = browser.cookie(sessionCookieName("acme"))!;
    const smuggler = new Browser();
    smuggler.setCookie(sessionCookieName("beta"), value);
    expect(await outcome(smuggler, "beta", beta.app, { prompt: "none" })).toBe("login_required");
    expect(await outcome(smuggler, "beta", beta.app)).toBe("sign-in");
    // ... while at its own tenant it still works.
    expect(await outcome(browser, "acme", w.app, { prompt: "none" })).toBe("code");
  });

  it("an acme client cannot be used through the beta issuer", async () => {
    await world("beta", { admin: w.admin, api: false });
    const response = await new Browser().fetch(authorizePath("beta", codeRequest(w.app)));
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
  });
});

describe("ending sessions", () => {
  it("blocking a user ends their session: the next authorization asks for login", async () => {
    const { browser, code } = await signedIn();
    const tokens = await redeem("acme", w.app, code);
    expect(tokens.refresh_token).toBeTruthy();
    const blocked = await call("PATCH", `/admin/v1/tenants/acme/users/${w.user.id}`, {
      token: w.admin,
      body: { blocked: true },
    });
    expect(blocked.status).toBe(200);
    expect(await outcome(browser, "acme", w.app, { prompt: "none" })).toBe("login_required");
    expect(await outcome(browser)).toBe("sign-in");
    expect(await sessionsOf(w.user.id)).toHaveLength(0);
    const refreshed = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token! },
      { Authorization: basic(w.app.client_id, w.app.client_secret) },
    );
    expect(refreshed.status).toBe(400);
    expect((await json(refreshed)).error).toBe("invalid_grant");

    // Unblocking does not bring the session back.
    await call("PATCH", `/admin/v1/tenants/acme/users/${w.user.id}`, { token: w.admin, body: { blocked: false } });
    expect(await outcome(browser, "acme", w.app, { prompt: "none" })).toBe("login_required");
  });

  it("a new password ends the user's sessions", async () => {
    const { browser } = await signedIn();
    const changed = await call("PATCH", `/admin/v1/tenants/acme/users/${w.user.id}`, {
      token: w.admin,
      body: { password: "a brand new password" },
    });
    expect(changed.status).toBe(200);
    expect(await outcome(browser, "acme", w.app, { prompt: "none" })).toBe("login_required");
  });

  it("DELETE .../sessions signs the user out everywhere, and only that user", async () => {
    const bob = await createUser(w.admin, "acme", { email: "bob@example.com", password: PASSWORD });
    const laptop = await signedIn();
    const phone = await signedIn();
    const bobs = await signedIn(new Browser(), "bob@example.com");
    const tokens = await redeem("acme", w.app, phone.code);
    const listed = await sessionsOf(w.user.id);
    expect(listed).toHaveLength(2);
    expect(new Set(listed.map((s) => s.id)).size).toBe(2);

    const ended = await call("DELETE", `/admin/v1/tenants/acme/users/${w.user.id}/sessions`, { token: w.admin });
    expect(ended.status).toBe(204);
    expect(await sessionsOf(w.user.id)).toHaveLength(0);
    expect(await outcome(laptop.browser, "acme", w.app, { prompt: "none" })).toBe("login_required");
    expect(await outcome(phone.browser)).toBe("sign-in");
    const refreshed = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token! },
      { Authorization: basic(w.app.client_id, w.app.client_secret) },
    );
    expect((await json(refreshed)).error).toBe("invalid_grant");
    const [event] = await auditEvents(w.admin, "acme", "user.signed_out_everywhere");
    expect(event).toMatchObject({ user_id: w.user.id, details: { sessions: 2 } });

    // Bob was not touched.
    expect(await sessionsOf(bob.id)).toHaveLength(1);
    expect(await outcome(bobs.browser, "acme", w.app, { prompt: "none" })).toBe("code");
  });
});

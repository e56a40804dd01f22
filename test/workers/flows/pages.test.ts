// The hosted pages: security headers on every page, browser binding, CSRF and origin
// checks on every form, and pages that work without JavaScript and with assistive tech.
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, call, send } from "../helpers";
import { Browser, findForm } from "./browser";
import {
  auditEvents,
  authorizePath,
  authorizeWithSignIn,
  callbackOf,
  codeRequest,
  ephemeralRecord,
  expireEphemeral,
  OTHER_REDIRECT,
  PASSWORD,
  REDIRECT,
  sessionCookieName,
  world,
  type World,
} from "./fixtures";

let w: World;

beforeEach(async () => {
  w = await world();
});

/** `script`: the page loads the passkey script (the sign-in page), from our origin only. */
function expectPageHeaders(response: Response, what: string, script = false) {
  expect(response.headers.get("Content-Type"), what).toMatch(/^text\/html/);
  const csp = response.headers.get("Content-Security-Policy") ?? "";
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("default-src 'none'");
  expect(csp, what).toContain(script ? "script-src 'self';" : "script-src 'none'");
  if (script) expect(csp, what).toContain("connect-src 'self';");
  expect(csp, what).toContain("form-action 'self'");
  expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(response.headers.get("X-Frame-Options"), what).toBe("DENY");
  expect(response.headers.get("Referrer-Policy"), what).toBe("no-referrer");
  expect(response.headers.get("Cache-Control"), what).toBe("no-store");
  expect(response.headers.get("X-Content-Type-Options"), what).toBe("nosniff");
}

/** A browser on the sign-in page of a new interaction. */
async function onSignInPage(params = codeRequest(w.app)) {
  const browser = new Browser();
  const started = await browser.fetch(authorizePath("acme", params));
  expect(started.status).toBe(303);
  const interactionUrl = started.headers.get("Location")!;
  const response = await browser.fetch(interactionUrl);
  expect(response.status).toBe(200);
  return { browser, interactionUrl, response, page: await response.text() };
}

describe("security headers", () => {
  it("lets an interaction's forms end at its app's origin and nowhere else; other pages post to this origin only", async () => {
    const formAction = (response: Response) =>
      (response.headers.get("Content-Security-Policy") ?? "").match(/form-action ([^;]*)/)?.[1];
    const signIn = await onSignInPage();
    // The sign-in ends with a 303 to the app, which Chromium checks against form-action.
    expect(formAction(signIn.response)).toBe(`'self' ${new URL(REDIRECT).origin}`);
    const signUp = await signIn.browser.fetch(`${signIn.interactionUrl}/sign-up`);
    expect(signUp.status).toBe(200);
    expect(formAction(signUp)).toBe(`'self' ${new URL(REDIRECT).origin}`);
    const other = await onSignInPage(codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT }));
    expect(formAction(other.response)).toBe(`'self' ${new URL(OTHER_REDIRECT).origin}`);
    for (const path of ["/t/acme/password-reset", "/t/acme/account"]) {
      const response = await new Browser().navigate(path);
      expect(response.status, path).toBe(200);
      // The account page's sign-in returns to the account page: this origin.
      expect(formAction(response), path).toMatch(/^'self'( https:\/\/latchkey\.test)?$/);
    }
  });

  it("every page sends CSP with frame-ancestors 'none', X-Frame-Options, Referrer-Policy and no-store", async () => {
    const signIn = await onSignInPage();
    expectPageHeaders(signIn.response, "sign-in page", true);

    const failed = await signIn.browser.post(signIn.page, "/login", {
      email: "ana@example.com",
      password: "nope nope",
    });
    expect(failed.status).toBe(401);
    expectPageHeaders(failed, "sign-in page after a failure", true);

    const refused = await signIn.browser.post(signIn.page, "/login", { csrf: "wrong" });
    expect(refused.status).toBe(403);
    expectPageHeaders(refused, "CSRF refusal");

    const error = await new Browser().fetch(authorizePath("acme", codeRequest({ client_id: "unknown-client" })));
    expect(error.status).toBe(400);
    expectPageHeaders(error, "authorization error page");

    const expired = await new Browser().fetch(signIn.interactionUrl);
    expect(expired.status).toBe(400);
    expectPageHeaders(expired, "expired interaction page");

    // Signed in: the select-account and consent pages.
    const browser = new Browser();
    await authorizeWithSignIn(browser, "acme", codeRequest(w.app));
    const chooser = await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "select_account" })));
    expect(await chooser.clone().text()).toContain("Choose an account");
    expectPageHeaders(chooser, "select-account page");
    const consent = await browser.navigate(
      authorizePath("acme", codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT })),
    );
    expect(await consent.clone().text()).toMatch(/wants to access your account/);
    expectPageHeaders(consent, "consent page");
  });

  it("the interaction cookie is Secure, HttpOnly, SameSite=Lax and scoped to its interaction", async () => {
    const browser = new Browser();
    const started = await browser.fetch(authorizePath("acme", codeRequest(w.app)));
    const location = started.headers.get("Location")!;
    const cookie = started.headers.getSetCookie().find((c) => c.startsWith("__Secure-lk-interaction="));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toContain(`Path=${location}`);
    expect(cookie).toMatch(/Max-Age=900\b/);
  });
});

describe("forms", () => {
  it("a successful sign-in answers 303 back to the interaction, which then redirects to the client", async () => {
    const { browser, interactionUrl, page } = await onSignInPage();
    const posted = await browser.post(page, "/login", { email: "ana@example.com", password: PASSWORD });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("Location")).toBe(interactionUrl);
    expect(posted.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookieName("acme")}=`))).toBe(true);
    const done = await browser.fetch(interactionUrl);
    const callback = callbackOf(done);
    expect(callback.searchParams.get("code")).toBeTruthy();
    // The interaction is over: it cannot be used again.
    const again = await browser.fetch(interactionUrl);
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/expired/);
  });

  it("completing the interaction clears its binding cookie", async () => {
    const { browser, interactionUrl, page } = await onSignInPage();
    await browser.post(page, "/login", { email: "ana@example.com", password: PASSWORD });
    const done = await browser.fetch(interactionUrl);
    expect(callbackOf(done).searchParams.get("code")).toBeTruthy();
    const cleared = done.headers
      .getSetCookie()
      .find((c) => c.startsWith("__Secure-lk-interaction=") && /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c));
    expect(cleared, "finishInteraction's clearCookie must reach the redirect to the client").toBeDefined();
    expect(browser.cookieNames()).not.toContain("__Secure-lk-interaction");
  });

  it("select-account and consent posts answer 303 too", async () => {
    const browser = new Browser();
    await authorizeWithSignIn(browser, "acme", codeRequest(w.app));
    const chooser = await (
      await browser.navigate(
        authorizePath("acme", codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT, prompt: "select_account" })),
      )
    ).text();
    const chosen = await browser.post(chooser, "/select-account", { choice: "current" });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get("Location")).toMatch(/^\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}$/);
    const consent = await (await browser.navigate(chosen.headers.get("Location")!)).text();
    const allowed = await browser.post(consent, "/consent", { decision: "allow" });
    expect(allowed.status).toBe(303);
    expect(allowed.headers.get("Location")).toBe(chosen.headers.get("Location"));
  });

  it("a POST without a CSRF token, or with a wrong one, is refused (403) and signs nobody in", async () => {
    const { browser, page, interactionUrl } = await onSignInPage();
    const credentials = { email: "ana@example.com", password: PASSWORD };
    const missing = await browser.post(page, "/login", credentials, { omit: ["csrf"] });
    expect(missing.status).toBe(403);
    const wrong = await browser.post(page, "/login", { ...credentials, csrf: "A".repeat(43) });
    expect(wrong.status).toBe(403);
    const empty = await browser.post(page, "/login", { ...credentials, csrf: "" });
    expect(empty.status).toBe(403);
    for (const response of [missing, wrong, empty]) {
      expect(response.headers.getSetCookie().some((c) => c.startsWith(sessionCookieName("acme")))).toBe(false);
      expect(await response.text()).not.toContain(PASSWORD);
    }
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    expect(await auditEvents(w.admin, "acme", "user.signed_in")).toHaveLength(0);
    expect(await auditEvents(w.admin, "acme", "user.sign_in_failed")).toHaveLength(0);
    // The genuine form still works.
    const ok = await browser.post(page, "/login", credentials);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("Location")).toBe(interactionUrl);
  });

  it("two sign-ins started in two tabs of one browser both complete", async () => {
    const browser = new Browser();
    const tab = async (state: string) => {
      const response = await browser.navigate(authorizePath("acme", codeRequest(w.app, { state })));
      return response.text();
    };
    const first = await tab("tab-1");
    const second = await tab("tab-2");
    expect(findForm(first, "/login").action).not.toBe(findForm(second, "/login").action);
    const done2 = callbackOf(await browser.submit(second, "/login", { email: "ana@example.com", password: PASSWORD }));
    expect(done2.searchParams.get("state")).toBe("tab-2");
    // The first tab's interaction is still bound to this browser; the session now exists.
    const done1 = callbackOf(await browser.submit(first, "/login", { email: "ana@example.com", password: PASSWORD }));
    expect(done1.searchParams.get("state")).toBe("tab-1");
    expect(done1.searchParams.get("code")).toBeTruthy();
  });

  it("the CSRF token of one interaction does not work for another", async () => {
    const first = await onSignInPage();
    const second = await onSignInPage();
    const csrf = findForm(first.page, "/login").fields.csrf!;
    expect(findForm(second.page, "/login").fields.csrf).not.toBe(csrf);
    const response = await second.browser.post(second.page, "/login", {
      email: "ana@example.com",
      password: PASSWORD,
      csrf,
    });
    expect(response.status).toBe(403);
  });

  it("a POST from another origin is refused even with the right token", async () => {
    const { browser, page } = await onSignInPage();
    const credentials = { email: "ana@example.com", password: PASSWORD };
    const foreign = await browser.post(page, "/login", credentials, { headers: { Origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    const lookalike = await browser.post(page, "/login", credentials, {
      headers: { Origin: "https://latchkey.test.evil.example" },
    });
    expect(lookalike.status).toBe(403);
    const httpOrigin = await browser.post(page, "/login", credentials, { headers: { Origin: "http://latchkey.test" } });
    expect(httpOrigin.status).toBe(403);
    const crossSite = await browser.post(page, "/login", credentials, {
      headers: { Origin: "", "Sec-Fetch-Site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    expect(await auditEvents(w.admin, "acme", "user.signed_in")).toHaveLength(0);
  });

  it("select-account and consent forms check the token and the origin too", async () => {
    const browser = new Browser();
    await authorizeWithSignIn(browser, "acme", codeRequest(w.app));
    const consent = await (
      await browser.navigate(authorizePath("acme", codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT })))
    ).text();
    expect((await browser.post(consent, "/consent", { decision: "allow" }, { omit: ["csrf"] })).status).toBe(403);
    expect(
      (await browser.post(consent, "/consent", { decision: "allow" }, { headers: { Origin: "https://evil.example" } }))
        .status,
    ).toBe(403);
    const chooser = await (
      await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "select_account" })))
    ).text();
    expect((await browser.post(chooser, "/select-account", { choice: "current", csrf: "x" })).status).toBe(403);
    // Nothing was granted by the refused posts.
    const list = await call("GET", `/admin/v1/tenants/acme/users/${w.user.id}/consents`, { token: w.admin });
    expect((await list.json<{ data: unknown[] }>()).data).toHaveLength(0);
  });

  it("another browser cannot use the interaction, even with its URL and CSRF token", async () => {
    const { page, interactionUrl } = await onSignInPage();
    const thief = new Browser();
    const shown = await thief.fetch(interactionUrl);
    expect(shown.status).toBe(400);
    expectPageHeaders(shown, "interaction seen by another browser");
    const posted = await thief.post(page, "/login", { email: "ana@example.com", password: PASSWORD });
    expect(posted.status).toBe(400);
    expect(posted.headers.get("Location")).toBeNull();
    expect(thief.cookie(sessionCookieName("acme"))).toBeUndefined();
    // A forged binding cookie does not help either.
    thief.setCookie("__Secure-lk-interaction", "A".repeat(43), interactionUrl);
    expect((await thief.fetch(interactionUrl)).status).toBe(400);
    expect(await auditEvents(w.admin, "acme", "user.signed_in")).toHaveLength(0);
  });

  it("an unknown or malformed interaction id shows an error page", async () => {
    for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "short", "..%2F..%2Fjwks"]) {
      const response = await new Browser().fetch(`/t/acme/interaction/${id}`);
      expect(response.status, id).toBe(400);
      expectPageHeaders(response, id);
      expect(await response.text()).toMatch(/expired/);
    }
    const posted = await new Browser().fetch("/t/acme/interaction/AAAAAAAAAAAAAAAAAAAAAA/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
      body: new URLSearchParams({ email: "ana@example.com", password: PASSWORD, csrf: "x" }),
    });
    expect(posted.status).toBe(400);
  });

  it("an interaction lives 15 minutes; an expired one shows an error page and cannot sign in", async () => {
    const { browser, page, interactionUrl } = await onSignInPage();
    const id = interactionUrl.split("/").pop()!;
    const stored = await ephemeralRecord("acme", "interaction", id);
    expect(Math.round((stored!.expiresAt - Date.now()) / 1000)).toBeGreaterThan(890);
    expect(Math.round((stored!.expiresAt - Date.now()) / 1000)).toBeLessThanOrEqual(900);

    await expireEphemeral("acme", "interaction", id);
    const shown = await browser.fetch(interactionUrl);
    expect(shown.status).toBe(400);
    expectPageHeaders(shown, "expired interaction");
    expect(await shown.text()).toMatch(/expired/);
    const posted = await browser.post(page, "/login", { email: "ana@example.com", password: PASSWORD });
    expect(posted.status).toBe(400);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    expect(await auditEvents(w.admin, "acme", "user.signed_in")).toHaveLength(0);
  });

  it("an oversized form is refused before any password hashing, and nothing huge is echoed", async () => {
    // /authorize reads at most 32 KiB and /token 16 KiB; the sign-in form must be bounded too,
    // or any visitor can push megabytes through argon2id (whose memory never shrinks).
    const { browser, page } = await onSignInPage();
    const huge = "x".repeat(256 * 1024);
    const response = await browser.post(page, "/login", { email: `${huge}@example.com`, password: huge });
    expect([400, 413]).toContain(response.status);
    expect((await response.text()).length).toBeLessThan(64 * 1024);
    expect(await auditEvents(w.admin, "acme", "user.sign_in_failed")).toHaveLength(0);
  });

  it("a POST that is not a form is refused", async () => {
    const { browser, page } = await onSignInPage();
    const form = findForm(page, "/login");
    const response = await browser.fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: BASE },
      body: JSON.stringify({ ...form.fields, email: "ana@example.com", password: PASSWORD }),
    });
    expect(response.status).toBe(400);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
  });
});

describe("without JavaScript, with assistive technology", () => {
  it("the sign-in page is a plain form with labelled fields", async () => {
    const { page } = await onSignInPage();
    // One same-origin script, for passkeys only: the forms work without it.
    expect([...page.matchAll(/<script[^>]*>/gi)].map((m) => m[0])).toEqual([
      '<script src="/assets/passkeys-v1.js" defer="">',
    ]);
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toMatch(/<form[^>]*method="post"[^>]*action="\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}\/login"/);
    expect(page).toMatch(/<button type="submit"/);
    for (const field of ["email", "password"]) {
      expect(page).toContain(`<label for="${field}">`);
      expect(page).toMatch(new RegExp(`<input[^>]*id="${field}"[^>]*name="${field}"`));
    }
    expect(page).toMatch(/<input[^>]*name="password"[^>]*type="password"/);
    expect(page).toMatch(/<input[^>]*name="email"[^>]*autocomplete="username webauthn"/);
    expect(page).not.toContain("aria-invalid");
    // No error shown; the passkey script's status line waits hidden.
    const alerts = [...page.matchAll(/<[^>]*role="alert"[^>]*>/g)].map((m) => m[0]);
    expect(alerts.every((tag) => / hidden=""/.test(tag))).toBe(true);
  });

  it("a failed sign-in shows the error as an alert, marks the fields invalid, keeps the email, never the password", async () => {
    const { browser, page } = await onSignInPage();
    const secret = "my very secret attempt";
    const failed = await browser.post(page, "/login", { email: "ana@example.com", password: secret });
    expect(failed.status).toBe(401);
    const html = await failed.text();
    const alert = /<p[^>]*id="([^"]+)"[^>]*role="alert"[^>]*>([^<]*)<\/p>/.exec(html);
    expect(alert?.[2]).toBe("Incorrect email or password.");
    const email = /<input[^>]*id="email"[^>]*>/.exec(html)![0];
    const password = /<input[^>]*id="password"[^>]*>/.exec(html)![0];
    for (const input of [email, password]) {
      expect(input).toContain('aria-invalid="true"');
      expect(input).toContain(`aria-describedby="${alert![1]}"`);
    }
    expect(email).toContain('value="ana@example.com"');
    expect(password).not.toContain("value=");
    expect(html).not.toContain(secret);
    // The page keeps working: the same form signs in.
    const ok = await browser.submit(html, "/login", { email: "ana@example.com", password: PASSWORD });
    expect(callbackOf(ok).searchParams.get("code")).toBeTruthy();
  });

  it("what was typed is escaped", async () => {
    const { browser, page } = await onSignInPage();
    const typed = '"><script>alert(1)</script><x y="';
    const failed = await browser.post(page, "/login", { email: typed, password: "whatever it is" });
    expect(failed.status).toBe(401);
    const html = await failed.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;");
  });

  it("an empty field is an error too", async () => {
    const { browser, page } = await onSignInPage();
    const failed = await browser.post(page, "/login", { email: "ana@example.com", password: "" });
    expect(failed.status).toBe(400);
    const html = await failed.text();
    expect(html).toMatch(/role="alert"/);
    expect(html).toContain('value="ana@example.com"');
    expect(await auditEvents(w.admin, "acme", "user.sign_in_failed")).toHaveLength(0);
  });

  it("the consent and select-account pages are plain forms without scripts", async () => {
    const browser = new Browser();
    await authorizeWithSignIn(browser, "acme", codeRequest(w.app));
    const chooser = await (
      await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "select_account" })))
    ).text();
    const consent = await (
      await browser.navigate(authorizePath("acme", codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT })))
    ).text();
    for (const page of [chooser, consent]) {
      expect(page).not.toMatch(/<script/i);
      expect(page).toMatch(/<form[^>]*method="post"/);
      expect(page).toMatch(/<button type="submit"/);
    }
    expect(chooser).toMatch(/<button type="submit" name="choice" value="current"/);
    expect(chooser).toMatch(/<button type="submit" name="choice" value="other"/);
    expect(consent).toMatch(/<button type="submit" name="decision" value="allow"/);
    expect(consent).toMatch(/<button type="submit" name="decision" value="deny"/);
  });

  it("the page's stylesheet is served from our origin", async () => {
    const { page } = await onSignInPage();
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page)?.[1];
    expect(href).toMatch(/^\/assets\//);
    const css = await send(new Request(`${BASE}${href}`));
    expect(css.status).toBe(200);
    expect(css.headers.get("Content-Type")).toMatch(/^text\/css/);
  });
});

// Password reset (docs/journeys/password-reset.md): the same answer for every address,
// a single-use, short-lived, attempt-limited code, the NIST password rules with what was
// typed kept (never a password), and a reset that ends every session and refresh token.
import { beforeEach, describe, expect, it } from "vitest";
import { basic, call, json, tokenRequest } from "../helpers";
import { Browser } from "../flows/browser";
import {
  auditEvents,
  authorizePath,
  authorizeWithSignIn,
  callbackOf,
  codeRequest,
  createUser,
  PASSWORD,
  redeem,
  signInOn,
  world,
  type World,
} from "../flows/fixtures";
import {
  alertOf,
  codeIn,
  emailsTo,
  expireChallenge,
  fieldErrorOf,
  flowIdOf,
  getUser,
  lastEmailTo,
  linkIn,
  outboxSize,
  patchUser,
  valueOf,
} from "./journey-helpers";

const NEW_PASSWORD = "a brand new passphrase";
let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false });
});

/** The reset request page (optionally for an interaction) and a function asking for a code. */
async function requestPage(browser = new Browser(), query = "") {
  const response = await browser.fetch(`/t/acme/password-reset${query}`);
  expect(response.status).toBe(200);
  const page = await response.text();
  return { browser, page, request: (email: string) => browser.post(page, "/password-reset", { email }) };
}

/** Asks for a reset of `email`; returns the code page's location and HTML. */
async function askForCode(email: string, browser = new Browser()) {
  const { request } = await requestPage(browser);
  const response = await request(email);
  expect(response.status).toBe(303);
  const location = response.headers.get("Location")!;
  const page = await browser.fetch(location);
  expect(page.status).toBe(200);
  return { browser, location, flowId: flowIdOf(location), html: await page.text() };
}

function choose(browser: Browser, html: string, values: Record<string, string>) {
  return browser.post(html, "/password-reset/", values);
}

describe("asking for a code", () => {
  it("the sign-in page links to the reset, which returns to that sign-in once done", async () => {
    const browser = new Browser();
    const signIn = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    const signInHtml = await signIn.text();
    const link = /href="(\/t\/acme\/password-reset\?interaction=([A-Za-z0-9_-]{22}))"/.exec(signInHtml);
    expect(link).not.toBeNull();
    const interactionId = link![2]!;

    const { page, request } = await requestPage(browser, `?interaction=${interactionId}`);
    expect(page).toContain(`action="/t/acme/password-reset?interaction=${interactionId}"`);
    const asked = await request("Ana@Example.com");
    expect(asked.status).toBe(303);
    const codePage = await (await browser.fetch(asked.headers.get("Location")!)).text();
    expect(codePage).toContain("If an account exists for ana@example.com, we have sent a code to it.");

    const email = await lastEmailTo("ana@example.com");
    expect(email.subject).toMatch(/^Reset your .+ password$/);
    const code = codeIn(email);
    const done = await choose(browser, codePage, { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.headers.get("Location")).toBe(`/t/acme/password-reset/done?interaction=${interactionId}`);
    const donePage = await (await browser.fetch(done.headers.get("Location")!)).text();
    expect(donePage).toContain("Password changed");
    expect(donePage).toContain(`href="/t/acme/interaction/${interactionId}"`);

    // Back at the sign-in: the old password is refused, the new one completes the authorization.
    const again = await browser.navigate(`/t/acme/interaction/${interactionId}`);
    const againHtml = await again.text();
    expect((await signInOn(browser, againHtml, "ana@example.com", PASSWORD)).status).toBe(401);
    callbackOf(await signInOn(browser, againHtml, "ana@example.com", NEW_PASSWORD));
  });

  it("an unknown address gets the same answer and page, and no email goes out", async () => {
    const known = await askForCode("ana@example.com");
    const before = await outboxSize();
    const unknown = await askForCode("nobody@example.com");
    expect(await outboxSize()).toBe(before);
    expect(await emailsTo("nobody@example.com")).toHaveLength(0);
    const strip = (html: string, email: string, flowId: string) =>
      html
        .replaceAll(email, "EMAIL")
        .replaceAll(flowId, "FLOW")
        .replace(/name="csrf" value="[^"]*"/, "");
    expect(strip(unknown.html, "nobody@example.com", unknown.flowId)).toBe(
      strip(known.html, "ana@example.com", known.flowId),
    );
    // Whatever is typed there, it is only ever a wrong code.
    const response = await choose(unknown.browser, unknown.html, {
      code: "123456",
      password: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    expect(response.status).toBe(400);
    expect(fieldErrorOf(await response.text(), "code")).toBe("This code is not right. Attempts left: 4.");
  });

  it("blocked users get no email and no different page", async () => {
    const blocked = await createUser(w.admin, "acme", { email: "bo@example.com", password: PASSWORD });
    await patchUser(w.admin, "acme", blocked.id, { blocked: true });
    const { html, flowId } = await askForCode("bo@example.com");
    expect(html).toContain("If an account exists for bo@example.com");
    expect(flowId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await emailsTo("bo@example.com")).toHaveLength(0);

    // A deleted account is an unknown address: the same page, no email.
    const gone = await createUser(w.admin, "acme", { email: "gone@example.com", password: PASSWORD });
    expect((await call("DELETE", `/admin/v1/tenants/acme/users/${gone.id}`, { token: w.admin })).status).toBe(204);
    expect((await askForCode("gone@example.com")).html).toContain("If an account exists for gone@example.com");
    expect(await emailsTo("gone@example.com")).toHaveLength(0);
  });

  it("refuses a missing or malformed address with the typed value kept, 400", async () => {
    const { request } = await requestPage();
    const empty = await request("  ");
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expect(fieldErrorOf(emptyHtml, "email")).toBe("Enter your email address.");
    expect(alertOf(emptyHtml)).toBe("Please correct the fields marked below.");
    expect(emptyHtml).toMatch(/id="email"[^>]*aria-invalid="true"/);

    const bad = await request("ana@<example>");
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(fieldErrorOf(badHtml, "email")).toBe("Enter a valid email address, like name@example.com.");
    expect(valueOf(badHtml, "email")).toBe("ana@&lt;example&gt;");
    expect(await outboxSize()).toBe(0);
  });

  it("refuses forms without the CSRF token or from another site", async () => {
    const { browser, page } = await requestPage();
    const noToken = await browser.post(page, "/password-reset", { email: "ana@example.com" }, { omit: ["csrf"] });
    expect(noToken.status).toBe(403);
    const wrongToken = await browser.post(page, "/password-reset", { email: "ana@example.com", csrf: "x".repeat(43) });
    expect(wrongToken.status).toBe(403);
    const crossSite = await browser.post(
      page,
      "/password-reset",
      { email: "ana@example.com" },
      { headers: { Origin: "https://evil.example" } },
    );
    expect(crossSite.status).toBe(403);
    const notAForm = await browser.fetch("/t/acme/password-reset", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://latchkey.test" },
      body: "{}",
    });
    expect(notAForm.status).toBe(400);
    expect(await outboxSize()).toBe(0);
  });

  it("never links back anywhere but an interaction of this tenant", async () => {
    for (const query of ["?interaction=https://evil.example", "?interaction=..%2F..%2Fevil", "?interaction=a"]) {
      const { page } = await requestPage(new Browser(), query);
      expect(page).toContain('action="/t/acme/password-reset"');
      const done = await new Browser().fetch(`/t/acme/password-reset/done${query}`);
      expect(done.status).toBe(200);
      const html = await done.text();
      expect(html).not.toContain("evil");
      expect(html).not.toContain("/interaction/");
    }
  });

  it("limits requests per address and per network", async () => {
    const browser = new Browser();
    for (let i = 0; i < 5; i++)
      expect((await (await requestPage(browser)).request("ana@example.com")).status).toBe(303);
    const refused = await (await requestPage(browser)).request("ana@example.com");
    expect(refused.status).toBe(429);
    const html = await refused.text();
    expect(alertOf(html)).toMatch(/^Too many requests\. Wait \d+ seconds, then try again\.$/);
    expect(valueOf(html, "email")).toBe("ana@example.com");
    expect(await emailsTo("ana@example.com")).toHaveLength(5);

    // One network asking for many addresses (the same budget, known or not).
    const other = new Browser();
    other.ip = "198.51.100.20";
    let status = 0;
    for (let i = 0; i < 31 && status !== 429; i++)
      status = (await (await requestPage(other)).request(`someone${i}@example.com`)).status;
    expect(status).toBe(429);
  });
});

describe("choosing the new password", () => {
  it("the email's link shows the form with the code filled in and acts only on submit", async () => {
    await askForCode("ana@example.com");
    const link = linkIn(await lastEmailTo("ana@example.com"));
    expect(link.pathname).toMatch(/^\/t\/acme\/password-reset\/[A-Za-z0-9_-]{22}$/);
    const browser = new Browser();
    const first = await browser.fetch(link.pathname + link.search);
    const second = await browser.fetch(link.pathname + link.search);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const html = await second.text();
    expect(valueOf(html, "code")).toBe(link.searchParams.get("code"));
    // (The test browser sends only hidden fields by itself: the filled-in code is sent as shown.)
    const done = await choose(browser, html, {
      code: valueOf(html, "code"),
      password: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("Location")).toBe("/t/acme/password-reset/done");
  });

  it("refuses each bad input with a specific message, keeps the code, never a password, and spends no attempt", async () => {
    const { browser, html } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    const cases: [Record<string, string>, string, string][] = [
      [{ code: "", password: NEW_PASSWORD, confirm: NEW_PASSWORD }, "code", "Enter the 6-digit code from the email."],
      [{ code: "12ab56", password: NEW_PASSWORD, confirm: NEW_PASSWORD }, "code", "The code has exactly 6 digits."],
      [{ code: "1234567", password: NEW_PASSWORD, confirm: NEW_PASSWORD }, "code", "The code has exactly 6 digits."],
      [{ code, password: "", confirm: "" }, "password", "Choose a new password."],
      [{ code, password: "short1", confirm: "short1" }, "password", "The password must have at least 8 characters."],
      [
        { code, password: "x".repeat(257), confirm: "x".repeat(257) },
        "password",
        "The password must have at most 256 characters.",
      ],
      [{ code, password: "x".repeat(5000), confirm: "" }, "password", "The password must have at most 256 characters."],
      [
        { code, password: "Password1", confirm: "Password1" },
        "password",
        "This password is too common and easy to guess. Choose another one.",
      ],
      [{ code, password: NEW_PASSWORD, confirm: "" }, "confirm", "Repeat the new password."],
      [{ code, password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}!` }, "confirm", "The two passwords are not the same."],
    ];
    for (const [values, field, message] of cases) {
      const response = await choose(browser, html, values);
      expect(response.status, `${field}: ${message}`).toBe(400);
      const page = await response.text();
      expect(fieldErrorOf(page, field)).toBe(message);
      expect(alertOf(page)).toBe("Please correct the fields marked below.");
      expect(page).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      expect(valueOf(page, "code")).toBe(values.code!.replace(/&/g, "&amp;"));
      expect(valueOf(page, "password")).toBe("");
      expect(valueOf(page, "confirm")).toBe("");
      if (values.password) expect(page).not.toContain(values.password.slice(0, 200));
    }
    // Ten refusals later the code still works: none of them was an attempt.
    const done = await choose(browser, html, { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).toBe(303);
  });

  it("sets the password, verifies the address, audits, and tells the user", async () => {
    const unverified = await createUser(w.admin, "acme", { email: "uli@example.com", password: PASSWORD });
    expect((await getUser(w.admin, "acme", unverified.id)).email_verified).toBe(false);
    const { browser, html } = await askForCode("uli@example.com");
    const code = codeIn(await lastEmailTo("uli@example.com"));
    expect((await choose(browser, html, { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(303);
    expect((await getUser(w.admin, "acme", unverified.id)).email_verified).toBe(true);
    const [changed] = await emailsTo("uli@example.com");
    expect(changed!.subject).toMatch(/password was changed$/);
    const audit = await auditEvents(w.admin, "acme", "user.password_reset");
    expect(audit).toHaveLength(1);
    expect(audit[0]!.user_id).toBe(unverified.id);
    expect(JSON.stringify(audit[0])).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(audit[0])).not.toContain(code);
  });

  it("ends every session and refresh token issued before", async () => {
    const browser = new Browser();
    const callback = await authorizeWithSignIn(browser, "acme", codeRequest(w.app));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.refresh_token).toBeTruthy();
    const refresh = () =>
      tokenRequest(
        "acme",
        { grant_type: "refresh_token", refresh_token: tokens.refresh_token! },
        { Authorization: basic(w.app.client_id, w.app.client_secret) },
      );
    // Before the reset, the session and the refresh token work (the refresh rotates it, so check once).
    const silent = await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "none" })));
    expect(callbackOf(silent).searchParams.get("code")).toBeTruthy();

    const other = new Browser();
    const { html } = await askForCode("ana@example.com", other);
    const code = codeIn(await lastEmailTo("ana@example.com"));
    expect((await choose(other, html, { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(303);

    const refreshed = await refresh();
    expect(refreshed.status).toBe(400);
    expect((await json(refreshed)).error).toBe("invalid_grant");
    const afterwards = await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "none" })));
    expect(callbackOf(afterwards).searchParams.get("error")).toBe("login_required");
  });
});

describe("the code", () => {
  it("is single-use", async () => {
    const { browser, html } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    expect((await choose(browser, html, { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(303);
    const again = await choose(browser, html, {
      code,
      password: "yet another passphrase",
      confirm: "yet another passphrase",
    });
    expect(again.status).toBe(400);
    expect(alertOf(await again.text())).toBe(
      "This code has expired or was entered wrongly too often. Ask for a new code.",
    );
    // The first new password stands.
    const fresh = new Browser();
    const signIn = await fresh.navigate(authorizePath("acme", codeRequest(w.app)));
    callbackOf(await signInOn(fresh, await signIn.text(), "ana@example.com", NEW_PASSWORD));
  });

  it("expires after ten minutes", async () => {
    const { browser, html, flowId } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    await expireChallenge("acme", "password-reset", flowId);
    const response = await choose(browser, html, { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(alertOf(page)).toBe("This code has expired or was entered wrongly too often. Ask for a new code.");
    expect(page).toContain('href="/t/acme/password-reset"');
    expect((await browser.fetch(`/t/acme/password-reset/${flowId}`)).status).toBe(400);
  });

  it("allows five wrong attempts, then not even the right code works", async () => {
    const { browser, html } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    const wrong = code === "000000" ? "111111" : "000000";
    for (let left = 4; left >= 1; left--) {
      const response = await choose(browser, html, { code: wrong, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      expect(response.status).toBe(400);
      const page = await response.text();
      expect(fieldErrorOf(page, "code")).toBe(`This code is not right. Attempts left: ${left}.`);
      expect(valueOf(page, "password")).toBe("");
    }
    const fifth = await choose(browser, html, { code: wrong, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(fifth.status).toBe(400);
    const right = await choose(browser, html, { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(right.status).toBe(400);
    expect(alertOf(await right.text())).toBe(
      "This code has expired or was entered wrongly too often. Ask for a new code.",
    );
    expect(await auditEvents(w.admin, "acme", "user.password_reset")).toHaveLength(0);
  });

  it("an unknown flow id shows the expired page, never a 500", async () => {
    for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "not-a-flow", "%00", "x".repeat(300)]) {
      const response = await new Browser().fetch(`/t/acme/password-reset/${id}`);
      expect(response.status).toBe(400);
    }
  });
});

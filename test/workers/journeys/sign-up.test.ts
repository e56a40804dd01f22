// Sign-up on the hosted pages: custom attributes, legal and marketing consents, verify
// before create, every bad input, no account enumeration, nothing half-saved, codes
// single-use and attempt-limited, rate limits, and self sign-up switched off.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, json } from "../helpers";
import { Browser, findForm } from "../flows/browser";
import {
  auditEvents,
  authorizePath,
  callbackOf,
  codeRequest,
  createUser,
  redeem,
  sessionCookieName,
  type World,
} from "../flows/fixtures";
import {
  alertOf,
  changeChallengeData,
  codeIn,
  countRows,
  emailsTo,
  expireChallenge,
  fieldErrorOf,
  goodForm,
  inputOf,
  interactionIdOf,
  lastEmailTo,
  linkIn,
  NEW_PASSWORD,
  openSignUp,
  patchTenant,
  pendingOf,
  PRIVACY,
  signUpWorld,
  TERMS,
  usersWithEmail,
  valueOf,
} from "./sign-up-helpers";

let w: World;

beforeEach(async () => {
  w = await signUpWorld();
});

const PROFILE = { scope: "openid email profile" };

/** Posts the form and opens the code page it leads to. */
async function submitForm(browser: Browser, page: string, values: Record<string, string>) {
  const posted = await browser.post(page, "/sign-up", values);
  expect(posted.status, await posted.clone().text()).toBe(303);
  const location = posted.headers.get("Location")!;
  expect(location).toMatch(/\/interaction\/[A-Za-z0-9_-]{22}\/sign-up\/code$/);
  const codePage = await browser.navigate(location);
  expect(codePage.status).toBe(200);
  return { location, html: await codePage.text() };
}

describe("the form", () => {
  it("shows email, password, the tenant's attributes, the legal documents and the marketing opt-in", async () => {
    const html = await openSignUp(new Browser(), "acme", w.app);
    expect(inputOf(html, "email")).toContain('autocomplete="email"');
    expect(inputOf(html, "password")).toContain('autocomplete="new-password"');
    expect(inputOf(html, "password")).not.toContain("value=");
    expect(html).toContain(">First name</label>");
    expect(html).toContain(">Member code</label>");
    expect(html).toContain("Plan (optional)");
    expect(inputOf(html, "attr-plan")).toMatch(/^<select/);
    expect(html).toContain(`href="${TERMS}"`);
    expect(html).toContain(`href="${PRIVACY}"`);
    expect(html).toContain("I accept the terms of service and the privacy policy");
    expect(inputOf(html, "legal")).toContain("required");
    expect(inputOf(html, "marketing")).not.toContain("required");
    expect(inputOf(html, "marketing")).not.toContain("checked");
  });

  it("speaks the language the app asks for, custom labels included", async () => {
    const html = await openSignUp(new Browser(), "acme", w.app, { ui_locales: "de" });
    expect(html).toContain("<h1>Konto erstellen</h1>");
    expect(html).toContain(">Mitgliedsnummer</label>");
    expect(html).toContain("Ich akzeptiere die Nutzungsbedingungen und die Datenschutzerklärung");
  });

  it("asks only for what the tenant set: no legal checkbox, no marketing without their settings", async () => {
    await patchTenant(w.admin, "acme", {
      terms_url: null,
      terms_version: null,
      privacy_url: null,
      privacy_version: null,
      marketing_consent_version: null,
      sign_up_attributes: [],
    });
    const browser = new Browser();
    const html = await openSignUp(browser, "acme", w.app);
    expect(html).not.toContain('id="legal"');
    expect(html).not.toContain('id="marketing"');
    expect(html).not.toContain("attr-");
    await submitForm(browser, html, { email: "bea@example.com", password: NEW_PASSWORD });
    const done = await browser.submit(
      await browser.navigate(`/t/acme/interaction/${interactionIdOf(html)}/sign-up/code`).then((r) => r.text()),
      "/sign-up/code",
      { code: codeIn(await lastEmailTo("bea@example.com")) },
    );
    callbackOf(done);
    expect(await countRows("SELECT count(*) AS n FROM consent_records")).toBe(0);
  });
});

describe("verify before create", () => {
  it("creates the user, its consent records and the audit event only when the code comes back", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app, PROFILE);
    const { html: codePage } = await submitForm(browser, page, goodForm("Bea@Example.com"));
    expect(codePage).toContain("Bea@Example.com");
    expect(codePage).not.toContain(NEW_PASSWORD);

    // Nothing exists yet: no user, no consent record, no audit event.
    expect(await usersWithEmail("bea@example.com")).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM consent_records")).toBe(0);
    expect(await auditEvents(w.admin, "acme", "user.signed_up")).toHaveLength(0);

    const email = await lastEmailTo("bea@example.com");
    expect(email.subject).toBe("Finish creating your acme account");
    expect(email.text).not.toContain(NEW_PASSWORD);
    const code = codeIn(email);
    expect(linkIn(email).toString()).toContain(`/sign-up/code?code=${code}`);

    const done = await browser.submit(codePage, "/sign-up/code", { code });
    const callback = callbackOf(done);
    expect(browser.cookie(sessionCookieName("acme"))).toBeDefined();
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims).toMatchObject({ email: "Bea@Example.com", email_verified: true, given_name: "Bea" });
    expect(tokens.claims.amr).toEqual(["pwd"]);

    const user = await env.DB.prepare(
      "SELECT id, email_verified, given_name, custom_attributes, sign_in_count FROM users WHERE email_normalized = ?",
    )
      .bind("bea@example.com")
      .first<{
        id: string;
        email_verified: number;
        given_name: string;
        custom_attributes: string;
        sign_in_count: number;
      }>();
    expect(user).toMatchObject({ email_verified: 1, given_name: "Bea", sign_in_count: 1 });
    expect(JSON.parse(user!.custom_attributes)).toEqual({ member_code: "ABC-1234", plan: "premium", bio: "Likes tea" });
    expect(tokens.claims.sub).toBe(user!.id);

    const { results: consents } = await env.DB.prepare(
      "SELECT purpose, policy_version, granted, source FROM consent_records WHERE user_id = ? ORDER BY purpose",
    )
      .bind(user!.id)
      .all();
    expect(consents).toEqual([
      { purpose: "marketing", policy_version: "m1", granted: 1, source: "sign_up" },
      { purpose: "privacy", policy_version: "v3", granted: 1, source: "sign_up" },
      { purpose: "terms", policy_version: "2026-01", granted: 1, source: "sign_up" },
    ]);
    const [event] = await auditEvents(w.admin, "acme", "user.signed_up");
    expect(event).toMatchObject({ user_id: user!.id, client_id: w.app.client_id, ip: "203.0.113.7" });
    expect(JSON.stringify(event)).not.toContain(NEW_PASSWORD);

    // The password chosen at sign-up signs in.
    const again = new Browser();
    const signIn = await again.navigate(authorizePath("acme", codeRequest(w.app)));
    callbackOf(await again.submit(await signIn.text(), "/login", { email: "bea@example.com", password: NEW_PASSWORD }));
  });

  it("is all or nothing: when the consent records cannot be written, neither is the user nor the audit event", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const { html, location } = await submitForm(browser, page, goodForm("bea@example.com"));
    const { signUp } = await pendingOf("acme", interactionIdOf(location));
    // The last statement of the batch (a consent record) now breaks a NOT NULL constraint.
    await changeChallengeData("acme", "sign-up", signUp!.flowId, (data) => ({
      ...data,
      consents: [...data.consents, { purpose: "marketing", policyVersion: null, granted: true, source: "sign_up" }],
    }));
    const response = await browser.post(html, "/sign-up/code", { code: codeIn(await lastEmailTo("bea@example.com")) });
    expect(response.status).toBe(500);
    expect(await usersWithEmail("bea@example.com")).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM password_credentials")).toBe(1); // Ana's only
    expect(await countRows("SELECT count(*) AS n FROM consent_records")).toBe(0);
    expect(await auditEvents(w.admin, "acme", "user.signed_up")).toHaveLength(0);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
  });

  it("records a declined marketing opt-in as not granted", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const form = goodForm("bea@example.com");
    delete form.marketing;
    const { html } = await submitForm(browser, page, form);
    callbackOf(await browser.submit(html, "/sign-up/code", { code: codeIn(await lastEmailTo("bea@example.com")) }));
    const row = await env.DB.prepare("SELECT granted FROM consent_records WHERE purpose = 'marketing'").first();
    expect(row).toEqual({ granted: 0 });
  });

  it("the emailed link opens the code page with the code filled in, and acts only on POST", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    await submitForm(browser, page, goodForm("bea@example.com"));
    const email = await lastEmailTo("bea@example.com");
    const link = linkIn(email);
    const opened = await browser.navigate(`${link.pathname}${link.search}`);
    expect(opened.status).toBe(200);
    const html = await opened.text();
    expect(valueOf(html, "code")).toBe(codeIn(email));
    expect(await usersWithEmail("bea@example.com")).toBe(0);
    // The test browser sends hidden fields only: post what the page prefilled.
    callbackOf(await browser.submit(html, "/sign-up/code", { code: valueOf(html, "code") }));
    expect(await usersWithEmail("bea@example.com")).toBe(1);
  });

  it("a code is single-use: the flow is gone after the account exists", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const { html } = await submitForm(browser, page, goodForm("bea@example.com"));
    const code = codeIn(await lastEmailTo("bea@example.com"));
    callbackOf(await browser.submit(html, "/sign-up/code", { code }));
    // The interaction is finished: replaying the form finds nothing to act on.
    const replay = await browser.post(html, "/sign-up/code", { code });
    expect(replay.status).toBe(400);
    expect(await usersWithEmail("bea@example.com")).toBe(1);
  });
});

describe("every bad input on the form", () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ["missing email", { email: "" }, "email", "Enter your email address."],
    ["invalid email", { email: "bea@" }, "email", "Enter a valid email address, such as name@example.com."],
    ["missing password", { password: "" }, "password", "Choose a password."],
    ["short password", { password: "short1" }, "password", "Use at least 8 characters."],
    [
      "common password",
      { password: "baseball" },
      "password",
      "This password is too common and easy to guess. Choose another one.",
    ],
    ["too long password", { password: "long ".repeat(60) }, "password", "Use at most 256 characters."],
    ["missing required built-in attribute", { given_name: "" }, "attr-given_name", "This field is required."],
    ["missing required custom attribute", { member_code: "" }, "attr-member_code", "This field is required."],
    ["pattern violation", { member_code: "abc-12" }, "attr-member_code", "This value is not in the expected format."],
    ["enum violation", { plan: "gold" }, "attr-plan", "Choose one of the options."],
    ["too short", { bio: "abc" }, "attr-bio", "Use at least 5 characters."],
    ["too long", { bio: "x".repeat(21) }, "attr-bio", "Use at most 20 characters."],
    ["terms not accepted", { legal: "" }, "legal", "You must accept these to create an account."],
  ];

  it.each(cases)(
    "%s: 400, the field's message, typed values kept, never the password",
    async (_name, change, field, message) => {
      const browser = new Browser();
      const page = await openSignUp(browser, "acme", w.app);
      const values = goodForm("bea@example.com", change);
      const omit = Object.entries(change)
        .filter(([, v]) => v === "")
        .map(([k]) => k);
      for (const name of omit) delete values[name];
      const response = await browser.post(page, "/sign-up", values, { omit });
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(alertOf(html)).toBe("Your account was not created yet. Check the fields marked below.");
      expect(fieldErrorOf(html, field)).toBe(message);
      expect(inputOf(html, field)).toContain('aria-invalid="true"');
      expect(inputOf(html, field)).toContain(`${field}-error`);
      // What was typed comes back, the password never does.
      if (field !== "email") expect(valueOf(html, "email")).toBe("bea@example.com");
      if (field !== "attr-member_code") expect(valueOf(html, "attr-member_code")).toBe("ABC-1234");
      if (field !== "attr-bio") expect(valueOf(html, "attr-bio")).toBe("Likes tea");
      if (field === "attr-member_code" && change.member_code)
        expect(valueOf(html, "attr-member_code")).toBe(change.member_code);
      expect(inputOf(html, "marketing")).toContain("checked");
      expect(inputOf(html, "password")).not.toContain("value=");
      if (values.password) expect(html).not.toContain(values.password.trim());
      // Nothing saved, nothing sent.
      expect(await countRows("SELECT count(*) AS n FROM users WHERE email_normalized <> 'ana@example.com'")).toBe(0);
      expect(await emailsTo("bea@example.com")).toHaveLength(0);
      // The form still works with the mistake fixed.
      await submitForm(browser, html, { ...goodForm("bea@example.com"), password: NEW_PASSWORD });
    },
  );

  it("several mistakes at once are all marked", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const response = await browser.post(page, "/sign-up", { email: "nope", password: "short", member_code: "x" }, {});
    expect(response.status).toBe(400);
    const html = await response.text();
    for (const field of ["email", "password", "attr-given_name", "attr-member_code", "legal"])
      expect(fieldErrorOf(html, field), field).toBeDefined();
  });

  it("without the CSRF token: 403, nothing saved or sent", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const response = await browser.post(page, "/sign-up", goodForm("bea@example.com"), { omit: ["csrf"] });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("This form has expired");
    expect(await emailsTo("bea@example.com")).toHaveLength(0);
  });

  it("a cross-site POST: 403, nothing saved or sent", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const response = await browser.post(page, "/sign-up", goodForm("bea@example.com"), {
      headers: { Origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("This form was sent from another site.");
    expect(await emailsTo("bea@example.com")).toHaveLength(0);
  });

  it("another browser (no interaction cookie): the expired page, nothing sent", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const response = await new Browser().post(page, "/sign-up", goodForm("bea@example.com"));
    expect(response.status).toBe(400);
    expect(await emailsTo("bea@example.com")).toHaveLength(0);
  });

  it("a form that is not urlencoded is refused without a 500", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const { action } = findForm(page, "/sign-up");
    const response = await browser.fetch(action, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(goodForm("bea@example.com")),
    });
    expect(response.status).toBeLessThan(500);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});

describe("no account enumeration", () => {
  it("an existing address gets the same answer and pages; its owner gets a notice, no account is created", async () => {
    const strip = (html: string, email: string) =>
      html
        .replaceAll(email, "EMAIL")
        .replace(/\/interaction\/[A-Za-z0-9_-]{22}/g, "/interaction/ID")
        .replace(/name="csrf" value="[^"]*"/g, 'name="csrf"');
    const known = new Browser();
    const unknown = new Browser();
    const knownPage = await openSignUp(known, "acme", w.app);
    const unknownPage = await openSignUp(unknown, "acme", w.app);
    const knownPost = await known.post(knownPage, "/sign-up", goodForm("ana@example.com"));
    const unknownPost = await unknown.post(unknownPage, "/sign-up", goodForm("new@example.com"));
    expect(knownPost.status).toBe(303);
    expect(unknownPost.status).toBe(303);
    const idless = (location: string) => location.replace(/\/interaction\/[A-Za-z0-9_-]{22}/, "/interaction/ID");
    expect(idless(knownPost.headers.get("Location")!)).toBe(idless(unknownPost.headers.get("Location")!));
    const knownCode = await (await known.navigate(knownPost.headers.get("Location")!)).text();
    const unknownCode = await (await unknown.navigate(unknownPost.headers.get("Location")!)).text();
    expect(strip(knownCode, "ana@example.com")).toBe(strip(unknownCode, "new@example.com"));

    const notice = await lastEmailTo("ana@example.com");
    expect(notice.subject).toBe("Someone tried to create a acme account with your email");
    expect(notice.text).not.toMatch(/^\s+\d{6}$/m);
    expect(linkIn(notice).pathname).toBe("/t/acme/password-reset");
    expect(await lastEmailTo("new@example.com")).toBeDefined();

    // A guessed code is just wrong, like any wrong code; nothing is created or changed.
    const wrong = await known.post(knownCode, "/sign-up/code", { code: "000000" });
    expect(wrong.status).toBe(400);
    expect(alertOf(await wrong.text())).toBe("This code is not right. Attempts left: 4.");
    expect(await usersWithEmail("ana@example.com")).toBe(1);
    expect(await auditEvents(w.admin, "acme", "user.signed_up")).toHaveLength(0);
  });

  it("the address taken between the form and the code: a clear message, no 500, no second account", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const { html } = await submitForm(browser, page, goodForm("bea@example.com"));
    await createUser(w.admin, "acme", { email: "bea@example.com", password: "another password 1" });
    const response = await browser.post(html, "/sign-up/code", { code: codeIn(await lastEmailTo("bea@example.com")) });
    expect(response.status).toBe(409);
    const body = await response.text();
    expect(alertOf(body)).toBe(
      "An account with this email address already exists. Sign in instead, or reset your password if you forgot it.",
    );
    expect(await usersWithEmail("bea@example.com")).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM consent_records")).toBe(0);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
  });
});

describe("the code", () => {
  async function atCodePage() {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const { html, location } = await submitForm(browser, page, goodForm("bea@example.com"));
    return { browser, html, location, code: codeIn(await lastEmailTo("bea@example.com")) };
  }
  const other = (code: string) => (code === "999999" ? "999998" : "999999");

  it("missing: asked for, no attempt spent", async () => {
    const { browser, html, code } = await atCodePage();
    const empty = await browser.post(html, "/sign-up/code", { code: "" });
    expect(empty.status).toBe(400);
    const body = await empty.text();
    expect(alertOf(body)).toBe("Enter the 6-digit code from the email.");
    expect(inputOf(body, "code")).toContain('aria-invalid="true"');
    const wrong = await browser.post(html, "/sign-up/code", { code: other(code) });
    expect(alertOf(await wrong.text())).toBe("This code is not right. Attempts left: 4.");
  });

  it("wrong: attempts count down; after five the code is spent and the form asks to start over", async () => {
    const { browser, html, code } = await atCodePage();
    for (const left of [4, 3, 2, 1]) {
      const wrong = await browser.post(html, "/sign-up/code", { code: other(code) });
      expect(wrong.status).toBe(400);
      expect(alertOf(await wrong.text())).toBe(`This code is not right. Attempts left: ${left}.`);
    }
    const fifth = await browser.post(html, "/sign-up/code", { code: "12ab" });
    expect(fifth.status).toBe(400);
    const form = await fifth.text();
    expect(alertOf(form)).toBe(
      "This code has expired or was entered wrongly too many times. Fill in the form again to get a new code.",
    );
    expect(valueOf(form, "email")).toBe("bea@example.com");
    // Even the right code no longer works.
    const late = await browser.post(html, "/sign-up/code", { code });
    expect(late.status).toBe(303);
    expect(late.headers.get("Location")).toMatch(/\/sign-up$/);
    expect(await usersWithEmail("bea@example.com")).toBe(0);
  });

  it("expired: the form asks to start over, nothing is created", async () => {
    const { browser, html, location, code } = await atCodePage();
    const { signUp } = await pendingOf("acme", interactionIdOf(location));
    await expireChallenge("acme", "sign-up", signUp!.flowId);
    const response = await browser.post(html, "/sign-up/code", { code });
    expect(response.status).toBe(400);
    expect(alertOf(await response.text())).toContain("This code has expired");
    expect(await usersWithEmail("bea@example.com")).toBe(0);
  });

  it("send a new code: the old one stops working, the new one works", async () => {
    const { browser, html, code } = await atCodePage();
    const resent = await browser.submit(html, "/sign-up/resend", {});
    expect(resent.status).toBe(200);
    const page = await resent.text();
    expect(page).toContain("We sent a new code to bea@example.com.");
    const emails = await emailsTo("bea@example.com");
    expect(emails).toHaveLength(2);
    const fresh = codeIn(emails[0]!);
    if (fresh !== code) {
      const old = await browser.post(page, "/sign-up/code", { code });
      expect(old.status).toBe(400);
    }
    callbackOf(await browser.submit(page, "/sign-up/code", { code: fresh }));
    expect(await usersWithEmail("bea@example.com")).toBe(1);
  });

  it("new codes are rate-limited per address", async () => {
    const { browser, html } = await atCodePage();
    for (let i = 0; i < 4; i++) expect((await browser.post(html, "/sign-up/resend", {})).status).toBe(303);
    const refused = await browser.post(html, "/sign-up/resend", {});
    expect(refused.status).toBe(429);
    expect(alertOf(await refused.text())).toMatch(/^Too many attempts\. Wait \d+ seconds/);
    expect(await emailsTo("bea@example.com")).toHaveLength(5);
  });

  it("resend and code without the CSRF token: 403", async () => {
    const { browser, html, code } = await atCodePage();
    expect((await browser.post(html, "/sign-up/resend", {}, { omit: ["csrf"] })).status).toBe(403);
    expect((await browser.post(html, "/sign-up/code", { code }, { omit: ["csrf"] })).status).toBe(403);
    expect(await emailsTo("bea@example.com")).toHaveLength(1);
    expect(await usersWithEmail("bea@example.com")).toBe(0);
  });
});

describe("rate limits", () => {
  it("sign-up submissions are limited per network", async () => {
    const browser = new Browser();
    let page = await openSignUp(browser, "acme", w.app);
    for (let i = 0; i < 30; i++) {
      const response = await browser.post(page, "/sign-up", goodForm(`user${i}@example.com`));
      expect(response.status, `submission ${i}`).toBe(303);
    }
    const refused = await browser.post(page, "/sign-up", goodForm("late@example.com"));
    expect(refused.status).toBe(429);
    page = await refused.text();
    expect(alertOf(page)).toMatch(/^Too many attempts\. Wait/);
    expect(valueOf(page, "email")).toBe("late@example.com");
    expect(page).not.toContain(NEW_PASSWORD);
    expect(await emailsTo("late@example.com")).toHaveLength(0);
    // Another network is not affected.
    const elsewhere = new Browser();
    elsewhere.ip = "198.51.100.9";
    const other = await openSignUp(elsewhere, "acme", w.app);
    expect((await elsewhere.post(other, "/sign-up", goodForm("late@example.com"))).status).toBe(303);
  });
});

describe("self sign-up switched off", () => {
  it("hides the link and answers 403 on every sign-up route", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    await patchTenant(w.admin, "acme", { self_sign_up_enabled: false });
    const signIn = await new Browser().navigate(authorizePath("acme", codeRequest(w.app)));
    expect(await signIn.text()).not.toContain("/sign-up");
    const id = interactionIdOf(findForm(page, "/sign-up").action);
    const get = await browser.navigate(`/t/acme/interaction/${id}/sign-up`);
    expect(get.status).toBe(403);
    expect(await get.text()).toContain("Sign-up is not available");
    const post = await browser.post(page, "/sign-up", goodForm("bea@example.com"));
    expect(post.status).toBe(403);
    expect((await browser.navigate(`/t/acme/interaction/${id}/sign-up/code`)).status).toBe(403);
    expect(await emailsTo("bea@example.com")).toHaveLength(0);
    expect(await usersWithEmail("bea@example.com")).toBe(0);
  });
});

describe("already have an account", () => {
  it("the sign-in button leads to the sign-in page of the same authorization", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const signIn = await browser.submit(page, "/sign-up/sign-in", {});
    expect(signIn.status).toBe(200);
    const html = await signIn.text();
    expect(html).toContain('name="password"');
    callbackOf(await browser.submit(html, "/login", { email: "ana@example.com", password: "correct horse battery" }));
  });
});

describe("management view", () => {
  it("the new user is an ordinary user of the tenant", async () => {
    const browser = new Browser();
    const page = await openSignUp(browser, "acme", w.app);
    const { html } = await submitForm(browser, page, goodForm("bea@example.com"));
    callbackOf(await browser.submit(html, "/sign-up/code", { code: codeIn(await lastEmailTo("bea@example.com")) }));
    const list = await call("GET", "/admin/v1/tenants/acme/users?email=bea@example.com", { token: w.admin });
    const body = await json<{ data: Record<string, unknown>[] }>(list);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ email: "bea@example.com", email_verified: true, given_name: "Bea" });
  });
});

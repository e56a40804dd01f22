// Email verification during sign-in when the tenant requires a verified address: a code
// sent once per interaction, resend with a rate limit, wrong/expired/exhausted codes,
// the emailed link (a GET never acts), and no tokens before the address is verified.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Browser } from "../flows/browser";
import {
  auditEvents,
  authorizePath,
  callbackOf,
  codeRequest,
  createUser,
  PASSWORD,
  redeem,
  type World,
  world,
} from "../flows/fixtures";
import { call } from "../helpers";
import {
  alertOf,
  codeIn,
  emailsTo,
  expireChallenge,
  inputOf,
  interactionIdOf,
  lastEmailTo,
  linkIn,
  patchTenant,
  pendingOf,
} from "./sign-up-helpers";

const CY = "cy@example.com";
let w: World;
let cy: { id: string };

beforeEach(async () => {
  w = await world("acme", { api: false });
  await patchTenant(w.admin, "acme", { require_verified_email: true });
  cy = await createUser(w.admin, "acme", { email: CY, password: PASSWORD, email_verified: false });
});

async function verified(userId: string): Promise<boolean> {
  const row = await env.DB.prepare("SELECT email_verified FROM users WHERE id = ?")
    .bind(userId)
    .first<{ email_verified: number }>();
  return row!.email_verified === 1;
}

/** Signs in as Cy; returns the browser on the verification page. */
async function atVerifyPage(extra: Record<string, string> = {}) {
  const browser = new Browser();
  const signIn = await browser.navigate(authorizePath("acme", codeRequest(w.app, extra)));
  const posted = await browser.post(await signIn.text(), "/login", { email: CY, password: PASSWORD });
  expect(posted.status).toBe(303);
  const toStep = await browser.fetch(posted.headers.get("Location")!);
  expect(toStep.status).toBe(303);
  const location = toStep.headers.get("Location")!;
  expect(location).toMatch(/^\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}\/verify-email$/);
  const page = await browser.navigate(location);
  expect(page.status).toBe(200);
  return { browser, html: await page.text(), location, interactionId: interactionIdOf(location) };
}

describe("the verification step", () => {
  it("sends one code per interaction, refuses a wrong code, and continues with the right one", async () => {
    const { browser, html, location } = await atVerifyPage();
    expect(html).toContain("<h1>Verify your email address</h1>");
    expect(html).toContain(`We sent a 6-digit code to ${CY}.`);
    expect(inputOf(html, "code")).toContain('autocomplete="one-time-code"');
    const email = await lastEmailTo(CY);
    expect(email.subject).toBe("Verify your email address");
    // Reloading the page sends nothing more.
    expect((await browser.navigate(location)).status).toBe(200);
    expect(await emailsTo(CY)).toHaveLength(1);

    const code = codeIn(email);
    const wrong = await browser.post(html, "/verify-email", { code: code === "111111" ? "222222" : "111111" });
    expect(wrong.status).toBe(400);
    const wrongPage = await wrong.text();
    expect(alertOf(wrongPage)).toBe("This code is not right. Attempts left: 4.");
    expect(inputOf(wrongPage, "code")).toContain('aria-invalid="true"');
    expect(await verified(cy.id)).toBe(false);

    const callback = callbackOf(await browser.submit(html, "/verify-email", { code }));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims).toMatchObject({ sub: cy.id, email: CY, email_verified: true });
    expect(await verified(cy.id)).toBe(true);
    const [event] = await auditEvents(w.admin, "acme", "user.email_verified");
    expect(event).toMatchObject({ user_id: cy.id, details: { via: "code" } });
  });

  it("issues no code or token before the address is verified, not even by single sign-on or prompt=none", async () => {
    const { browser } = await atVerifyPage();
    // The session exists, but every authorization stops at the verification step.
    const again = await browser.fetch(authorizePath("acme", codeRequest(w.app)));
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get("Location")!, "https://latchkey.test").origin).toBe("https://latchkey.test");
    const silent = callbackOf(await browser.fetch(authorizePath("acme", codeRequest(w.app, { prompt: "none" }))));
    expect(silent.searchParams.get("error")).toBe("interaction_required");
    expect(silent.searchParams.get("code")).toBeNull();
  });

  it("an unverified user of a tenant that does not require verification is not asked", async () => {
    await patchTenant(w.admin, "acme", { require_verified_email: false });
    const browser = new Browser();
    const signIn = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    const done = await browser.submit(await signIn.text(), "/login", { email: CY, password: PASSWORD });
    callbackOf(done);
    expect(await emailsTo(CY)).toHaveLength(0);
  });

  it("a verified user is not asked", async () => {
    const browser = new Browser();
    const signIn = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    callbackOf(await browser.submit(await signIn.text(), "/login", { email: "ana@example.com", password: PASSWORD }));
    expect(await emailsTo("ana@example.com")).toHaveLength(0);
  });

  it("the page without anything to verify sends the browser back to the sign-in", async () => {
    const browser = new Browser();
    const signIn = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    const id = interactionIdOf((await signIn.text()).match(/action="([^"]*\/login)"/)![1]!);
    const response = await browser.fetch(`/t/acme/interaction/${id}/verify-email`);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/t/acme/interaction/${id}`);
    expect(await emailsTo(CY)).toHaveLength(0);
  });
});

describe("bad input on the code form", () => {
  it("a missing code is asked for without spending an attempt", async () => {
    const { browser, html } = await atVerifyPage();
    const empty = await browser.post(html, "/verify-email", { code: "" });
    expect(empty.status).toBe(400);
    expect(alertOf(await empty.text())).toBe("Enter the 6-digit code from the email.");
    const wrong = await browser.post(html, "/verify-email", { code: "abc" });
    expect(alertOf(await wrong.text())).toBe("This code is not right. Attempts left: 4.");
  });

  it("five wrong codes spend the code; a new one can be sent and works", async () => {
    const { browser, html } = await atVerifyPage();
    const code = codeIn(await lastEmailTo(CY));
    const other = code === "999999" ? "999998" : "999999";
    for (let i = 0; i < 4; i++) expect((await browser.post(html, "/verify-email", { code: other })).status).toBe(400);
    const fifth = await browser.post(html, "/verify-email", { code: other });
    expect(alertOf(await fifth.text())).toBe(
      "This code has expired or was entered wrongly too many times. Send a new code.",
    );
    const late = await browser.post(html, "/verify-email", { code });
    expect(late.status).toBe(400);
    expect(await verified(cy.id)).toBe(false);

    const resent = await browser.submit(html, "/verify-email/resend", {});
    expect(resent.status).toBe(200);
    const page = await resent.text();
    expect(page).toContain(`We sent a new code to ${CY}.`);
    callbackOf(await browser.submit(page, "/verify-email", { code: codeIn(await lastEmailTo(CY)) }));
    expect(await verified(cy.id)).toBe(true);
  });

  it("an expired code is refused", async () => {
    const { browser, html, interactionId } = await atVerifyPage();
    const { verifyEmail } = await pendingOf("acme", interactionId);
    await expireChallenge("acme", "verify-email", verifyEmail!.flowId);
    const response = await browser.post(html, "/verify-email", { code: codeIn(await lastEmailTo(CY)) });
    expect(response.status).toBe(400);
    expect(alertOf(await response.text())).toContain("This code has expired");
    expect(await verified(cy.id)).toBe(false);
  });

  it("a code sent to an address the user no longer has proves nothing", async () => {
    const { browser, html } = await atVerifyPage();
    const code = codeIn(await lastEmailTo(CY));
    const patched = await call("PATCH", `/admin/v1/tenants/acme/users/${cy.id}`, {
      token: w.admin,
      body: { email: "cy.new@example.com" },
    });
    expect(patched.status).toBe(200);
    const response = await browser.post(html, "/verify-email", { code });
    expect(response.status).toBe(400);
    expect(alertOf(await response.text())).toContain("This code has expired");
    expect(await verified(cy.id)).toBe(false);
  });

  it("new codes are rate-limited per address", async () => {
    const { browser, html } = await atVerifyPage();
    for (let i = 0; i < 4; i++) expect((await browser.post(html, "/verify-email/resend", {})).status).toBe(303);
    const refused = await browser.post(html, "/verify-email/resend", {});
    expect(refused.status).toBe(429);
    expect(alertOf(await refused.text())).toMatch(/^Too many codes were sent\. Wait \d+ seconds/);
    expect(await emailsTo(CY)).toHaveLength(5);
  });

  it("without the CSRF token or from another site: 403, nothing verified or sent", async () => {
    const { browser, html } = await atVerifyPage();
    const code = codeIn(await lastEmailTo(CY));
    expect((await browser.post(html, "/verify-email", { code }, { omit: ["csrf"] })).status).toBe(403);
    const crossSite = await browser.post(
      html,
      "/verify-email",
      { code },
      { headers: { Origin: "https://evil.example" } },
    );
    expect(crossSite.status).toBe(403);
    expect((await browser.post(html, "/verify-email/resend", {}, { omit: ["csrf"] })).status).toBe(403);
    expect(await verified(cy.id)).toBe(false);
    expect(await emailsTo(CY)).toHaveLength(1);
  });
});

describe("the emailed link", () => {
  it("shows a confirm button on GET, verifies on POST, in a browser without the interaction", async () => {
    const { browser, interactionId } = await atVerifyPage();
    const link = linkIn(await lastEmailTo(CY));
    expect(link.pathname).toMatch(/^\/t\/acme\/verify-email\/[A-Za-z0-9_-]{22}$/);
    const phone = new Browser();
    const opened = await phone.navigate(`${link.pathname}${link.search}`);
    expect(opened.status).toBe(200);
    const page = await opened.text();
    expect(page).toContain(`Confirm that ${CY} is your email address.`);
    // Opening the link (as a mail scanner would) changes nothing.
    await phone.navigate(`${link.pathname}${link.search}`);
    expect(await verified(cy.id)).toBe(false);

    const confirmed = await phone.post(page, link.pathname, {});
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("Location")).toBe("/t/acme/verify-email/done");
    const done = await phone.navigate(confirmed.headers.get("Location")!);
    expect(await done.text()).toContain("Email address verified");
    expect(await verified(cy.id)).toBe(true);
    const [event] = await auditEvents(w.admin, "acme", "user.email_verified");
    expect(event).toMatchObject({ user_id: cy.id, details: { via: "link" } });

    // The sign-in waiting in the first browser continues.
    const callback = callbackOf(await browser.navigate(`/t/acme/interaction/${interactionId}`));
    expect(callback.searchParams.get("code")).toBeTruthy();
  });

  it("is single-use, refuses a wrong code, and needs the CSRF token and our own site", async () => {
    await atVerifyPage();
    const link = linkIn(await lastEmailTo(CY));
    const code = link.searchParams.get("code")!;
    const phone = new Browser();
    const page = await (await phone.navigate(`${link.pathname}${link.search}`)).text();
    expect((await phone.post(page, link.pathname, {}, { omit: ["csrf"] })).status).toBe(403);
    expect((await phone.post(page, link.pathname, {}, { headers: { Origin: "https://evil.example" } })).status).toBe(
      403,
    );
    const wrong = await phone.post(page, link.pathname, { code: code === "000000" ? "000001" : "000000" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("This link is not valid.");
    expect(await verified(cy.id)).toBe(false);
    expect((await phone.post(page, link.pathname, {})).status).toBe(303);
    const reused = await phone.post(page, link.pathname, {});
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("This link has expired or was already used.");
    const reopened = await phone.navigate(`${link.pathname}${link.search}`);
    expect(reopened.status).toBe(400);
  });

  it("a link without a well-formed code, or with an unknown flow, is a clear 400", async () => {
    await atVerifyPage();
    const link = linkIn(await lastEmailTo(CY));
    const phone = new Browser();
    expect((await phone.navigate(`${link.pathname}?code=abc`)).status).toBe(400);
    expect((await phone.navigate(`${link.pathname}`)).status).toBe(400);
    expect((await phone.navigate(`/t/acme/verify-email/${"A".repeat(22)}?code=123456`)).status).toBe(400);
    expect((await phone.navigate(`/t/acme/verify-email/short?code=123456`)).status).toBe(400);
  });
});

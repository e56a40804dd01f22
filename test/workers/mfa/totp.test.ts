// Authenticator apps (src/mfa/totp): codes agree with an independent implementation
// (otpauth); enrollment from the account page (QR code, secret in text, first code,
// recovery codes once, secret sealed in D1); the app as second factor at sign-in, with
// replay refused, one step of skew either way and no more, wrong codes throttled;
// renaming, and removing only after a recent sign-in.
import { env } from "cloudflare:workers";
import * as OTPAuth from "otpauth";
import { beforeEach, describe, expect, it } from "vitest";
import { base32Decode, base32Encode, hotp, otpauthUri } from "../../../src/mfa/totp/totp";
import { browserWithSessionOf, open, signedInBrowser, TWO_FACTORS } from "../account/account-helpers";
import { Browser } from "../flows/browser";
import { auditEvents, callbackOf, redeem, world, type World } from "../flows/fixtures";
import { expectNotices, FIREFOX_ON_WINDOWS } from "./notification-helpers";
import { awayFromStepBoundary, codeAt, factorsOf, seedApp, textOf, toSecondFactor } from "./totp-helpers";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false });
});

describe("codes", () => {
  it("are the ones otpauth computes, for any counter; the URI carries issuer, label and secret", async () => {
    const secret = crypto.getRandomValues(new Uint8Array(20));
    const b32 = base32Encode(secret);
    expect(base32Decode(b32)).toEqual(secret);
    expect(base32Decode(b32.toLowerCase().replace(/(.{4})/g, "$1 "))).toEqual(secret);
    for (const counter of [0, 1, 59, 1_111_111_109, 2_000_000_000]) {
      const theirs = OTPAuth.HOTP.generate({ secret: OTPAuth.Secret.fromBase32(b32), counter, digits: 6 });
      expect(await hotp(secret, counter)).toBe(theirs);
    }
    // RFC 6238 appendix B (SHA-1, 8 digits there; the last 6 here): T = 59 s.
    const rfc = new TextEncoder().encode("12345678901234567890");
    expect(await hotp(rfc, 1)).toBe("287082");

    const parsed = OTPAuth.URI.parse(otpauthUri("Acme & Co", "ana@example.com", secret)) as OTPAuth.TOTP;
    expect(parsed.issuer).toBe("Acme & Co");
    expect(parsed.label).toBe("ana@example.com");
    expect(parsed.secret.base32).toBe(b32);
    expect(parsed.digits).toBe(6);
    expect(parsed.period).toBe(30);
  });
});

/** Adds an app on the account page and returns the set-up page and the secret it shows. */
async function startSetup(browser: Browser, name = "My phone") {
  const overview = await open(browser, "mfa");
  const started = await browser.post(overview, "/account/mfa/apps", { name });
  expect(started.status).toBe(303);
  const setupUrl = started.headers.get("Location")!;
  expect(setupUrl).toMatch(/\/t\/acme\/account\/mfa\?setup=totp_/);
  const setup = await (await browser.fetch(setupUrl)).text();
  const secret = textOf(setup, "totp-secret")!;
  expect(secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  return { setup, secret };
}

describe("enrollment on the account page", () => {
  it("shows a QR code and the secret; the first code confirms; recovery codes follow once; the secret is sealed", async () => {
    const browser = await signedInBrowser();
    const { setup, secret } = await startSetup(browser);
    expect(setup).toMatch(/<svg[^>]*role="img"[^>]*aria-label="QR code/);
    expect(setup).toContain('<path d="M');

    // A wrong code is refused with a message; the app stays unconfirmed.
    const wrong = await browser.post(setup, "/account/mfa/apps/confirm", {
      code: "000000" === codeAt(secret) ? "111111" : "000000",
    });
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('role="alert"');
    expect(wrongHtml).toContain('aria-invalid="true"');
    expect(await (await factorsOf()).factors.summary(w.user.id)).toMatchObject({ totp: 0 });

    await awayFromStepBoundary();
    const confirmed = await browser.post(setup, "/account/mfa/apps/confirm", { code: codeAt(secret) });
    expect(confirmed.status).toBe(303);
    const codesUrl = confirmed.headers.get("Location")!;
    expect(codesUrl).toMatch(/\?codes=/);
    const codesPage = await (await browser.fetch(codesUrl)).text();
    const codes = [...codesPage.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/);
    expect(codesPage).toContain('download="recovery-codes.txt"');
    // Shown once: the same address later shows nothing.
    expect((await browser.fetch(codesUrl)).status).toBe(404);

    const summary = await (await factorsOf()).factors.summary(w.user.id);
    expect(summary).toEqual({ passkeys: 0, totp: 1, recoveryCodes: 10 });
    const row = await env.DB.prepare("SELECT * FROM totp_authenticators WHERE user_id = ?")
      .bind(w.user.id)
      .first<Record<string, unknown>>();
    const plain = secret.replace(/ /g, "");
    const raw = base32Decode(plain)!;
    const hex = [...raw].map((b) => b.toString(16).padStart(2, "0")).join("");
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(plain);
    expect(stored.toLowerCase()).not.toContain(hex);
    expect(stored).not.toContain(btoa(String.fromCharCode(...raw)).replace(/=+$/, ""));
    expect(row!.name).toBe("My phone");
    expect(row!.confirmed_at).not.toBeNull();
    const events = await auditEvents(w.admin, "acme", "totp.enrolled");
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0])).not.toContain(plain);

    // One notice (the first set of recovery codes comes with the app, not as news of its own),
    // with neither the secret nor a code.
    await expectNotices("ana@example.com", ["authenticatorAdded"], { section: "mfa", secrets: [plain, ...codes] });

    const overview = await open(browser, "mfa");
    expect(overview).toContain("My phone");
    expect(textOf(overview, "codes-remaining")).toContain("10");
  });

  it("drops an app whose set-up was abandoned and refuses its set-up page", async () => {
    const browser = await signedInBrowser();
    await startSetup(browser);
    await env.DB.prepare("UPDATE totp_authenticators SET created_at = created_at - 3600").run();
    const again = await startSetup(browser, "Second try");
    const rows = await env.DB.prepare("SELECT name FROM totp_authenticators WHERE user_id = ?").bind(w.user.id).all();
    expect(rows.results.map((r) => r.name)).toEqual(["Second try"]);
    expect(again.secret).toBeTruthy();
  });
});

describe("as the second factor", () => {
  it("signs in with the app's code (amr pwd otp mfa, acr mfa); the same code again is refused", async () => {
    const app = await seedApp(w.user.id);
    await awayFromStepBoundary();
    const code = codeAt(app.secret);

    const first = await toSecondFactor(w.app);
    expect(first.url.pathname).toMatch(/\/mfa\/totp$/);
    expect(first.html).toContain('autocomplete="one-time-code"');
    expect(first.html).toContain("?all"); // try another way
    const callback = callbackOf(await first.browser.submit(first.html, "/mfa/totp", { code }));
    const { claims } = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect([...(claims.amr as string[])].sort()).toEqual(["mfa", "otp", "pwd"]);
    expect(claims.acr).toBe("urn:latchkey:loa:mfa");

    // Another browser, the same code: a replay.
    const second = await toSecondFactor(w.app);
    const replay = await second.browser.submit(second.html, "/mfa/totp", { code });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("That code was used already");
  });

  it("accepts the step before and the step after, refuses two steps off", async () => {
    const app = await seedApp(w.user.id);
    await awayFromStepBoundary();
    const { browser, html } = await toSecondFactor(w.app);
    for (const steps of [-2, 2]) {
      const refused = await browser.submit(html, "/mfa/totp", { code: codeAt(app.secret, steps) });
      expect(refused.status, `${steps} steps`).toBe(400);
      expect(await refused.text()).toContain("That code is not right");
    }
    callbackOf(await browser.submit(html, "/mfa/totp", { code: codeAt(app.secret, -1) }));

    await awayFromStepBoundary();
    const next = await toSecondFactor(w.app);
    callbackOf(await next.browser.submit(next.html, "/mfa/totp", { code: codeAt(app.secret, 1) }));
    // The step before the last used one is spent too: codes only move forward.
    const back = await toSecondFactor(w.app);
    expect((await back.browser.submit(back.html, "/mfa/totp", { code: codeAt(app.secret, 0) })).status).toBe(400);
  });

  it("checks the code's format before spending an attempt, then throttles wrong codes (429 with the wait)", async () => {
    const app = await seedApp(w.user.id);
    const { browser, html } = await toSecondFactor(w.app);
    const malformed = await browser.submit(html, "/mfa/totp", { code: "12ab" });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain("The code has 6 digits.");

    const right = codeAt(app.secret);
    const wrongCode = right === "000000" ? "111111" : "000000";
    let status = 0;
    let attempts = 0;
    let text = "";
    while (attempts < 12) {
      const response = await browser.submit(html, "/mfa/totp", { code: wrongCode });
      attempts++;
      status = response.status;
      text = await response.text();
      if (status === 429) break;
      expect(status).toBe(400);
    }
    expect(status).toBe(429);
    expect(attempts).toBeLessThanOrEqual(11);
    expect(text).toMatch(/Too many wrong codes\. Try again in \d+ seconds\./);
    // While throttled, even the right code is not looked at.
    expect((await browser.submit(html, "/mfa/totp", { code: right })).status).toBe(429);
    expect((await auditEvents(w.admin, "acme", "user.second_factor_failed")).length).toBeGreaterThanOrEqual(3);
  });
});

/** A two-factor session of `userId` that started `ago` seconds ago. */
const browserSignedInAgo = (userId: string, ago: number) => browserWithSessionOf(userId, { ...TWO_FACTORS, ago });

describe("managing apps on the account page", () => {
  it("renames an app; an empty name is refused", async () => {
    const app = await seedApp(w.user.id);
    const browser = await browserSignedInAgo(w.user.id, 60);
    const page = await open(browser, "mfa");
    const empty = await browser.post(page, "/account/mfa/apps/rename", { id: app.id, name: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Enter a name.");
    const renamed = await browser.post(page, "/account/mfa/apps/rename", { id: app.id, name: "Work <phone>" });
    expect(renamed.headers.get("Location")).toBe("/t/acme/account/mfa?done=app-renamed");
    const after = await (await browser.fetch(renamed.headers.get("Location")!)).text();
    expect(after).toContain("Work &lt;phone&gt;");
    expect(after).toContain('role="status"');
  });

  it("adds an app only after a recent sign-in: a borrowed session cannot add its own factor", async () => {
    const stale = await browserSignedInAgo(w.user.id, 11 * 60);
    const refused = await stale.post(await open(stale, "mfa"), "/account/mfa/apps", { name: "Attacker" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("sign in again first");
    const { results } = await env.DB.prepare("SELECT id FROM totp_authenticators WHERE user_id = ?")
      .bind(w.user.id)
      .all();
    expect(results).toEqual([]);
  });

  it("removes an app only after a recent sign-in, and offers to sign in again", async () => {
    const app = await seedApp(w.user.id);
    const stale = await browserSignedInAgo(w.user.id, 11 * 60);
    const page = await open(stale, "mfa");
    const refused = await stale.post(page, "/account/mfa/apps/remove", { id: app.id });
    expect(refused.status).toBe(403);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain("sign in again first");
    expect(await (await factorsOf()).factors.summary(w.user.id)).toMatchObject({ totp: 1 });
    // Signing in again starts an interaction that asks for credentials.
    const reauth = await stale.post(refusedHtml, "/account/mfa/reauthenticate", {});
    expect(reauth.status).toBe(303);
    expect(reauth.headers.get("Location")).toMatch(/\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}$/);
    const signIn = await (await stale.navigate(reauth.headers.get("Location")!)).text();
    expect(signIn).toContain('name="password"');

    const fresh = await browserSignedInAgo(w.user.id, 60);
    fresh.userAgent = FIREFOX_ON_WINDOWS;
    await expectNotices("ana@example.com", []);
    const withApp = await open(fresh, "mfa");
    const removed = await fresh.post(withApp, "/account/mfa/apps/remove", { id: app.id });
    expect(removed.headers.get("Location")).toBe("/t/acme/account/mfa?done=app-removed");
    expect(await (await factorsOf()).factors.summary(w.user.id)).toMatchObject({ totp: 0 });
    const events = await auditEvents(w.admin, "acme", "totp.removed");
    expect(events).toHaveLength(1);
    expect(events[0]!.user_id).toBe(w.user.id);
    const notice = await expectNotices("ana@example.com", ["authenticatorRemoved"], { section: "mfa" });
    expect(notice!.text).toContain("Browser or device: Windows (Firefox).");
    // A set-up never finished was no sign-in method: removing it is no news.
    const pending = await (await factorsOf()).factors.totp.add(w.user.id, "Half done", "sealed");
    const dropped = await fresh.post(withApp, "/account/mfa/apps/remove", { id: pending.id });
    expect(dropped.headers.get("Location")).toBe("/t/acme/account/mfa?done=app-removed");
    await expectNotices("ana@example.com", ["authenticatorRemoved"]);
  });
});

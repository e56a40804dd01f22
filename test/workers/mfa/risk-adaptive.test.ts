// The adaptive policy end to end: password sign-ins through the hosted pages with
// request.cf set as Cloudflare's edge would, showing when a second factor is asked for
// (a new device, alone or in a new country, impossible travel, deny-listed network or
// range, recent failures) and when not (known device, same place), each decision audited
// with its reasons; and that a password alone never makes a browser known.
import { beforeEach, describe, expect, it } from "vitest";
import { Browser, findForm } from "../flows/browser";
import {
  auditEvents,
  startOfSecond,
  authorizePath,
  BASE,
  callbackOf,
  codeRequest,
  PASSWORD,
  world,
  type World,
} from "../flows/fixtures";
import { codeIn, emailsTo, patchClient, patchTenant } from "../journeys/journey-helpers";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false, tenant: { mfa_policy: "adaptive" } });
});

interface Cf {
  country?: string;
  asn?: number;
  latitude?: string;
  longitude?: string;
  city?: string;
}

// Cloudflare gives coordinates as strings.
const BERLIN: Cf = { country: "DE", asn: 3320, latitude: "52.52000", longitude: "13.40500", city: "Berlin" };
const POTSDAM: Cf = { country: "DE", asn: 3320, latitude: "52.39000", longitude: "13.06000", city: "Potsdam" };
// About 130 km from Berlin, across the border: a new country without impossible travel.
const SZCZECIN: Cf = { country: "PL", asn: 5617, latitude: "53.42850", longitude: "14.55280", city: "Szczecin" };
const PARIS: Cf = { country: "FR", asn: 3215, latitude: "48.85660", longitude: "2.35220", city: "Paris" };
const NEW_YORK: Cf = { country: "US", asn: 7922, latitude: "40.71280", longitude: "-74.00600", city: "New York" };

/** Posts the page's form as `browser` would, with request.cf as Cloudflare's edge sets it. */
function postFrom(browser: Browser, page: string, actionPart: string, values: Record<string, string>, cf: Cf | null) {
  const form = findForm(page, actionPart);
  return browser.fetch(form.action, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(BASE).origin },
    body: new URLSearchParams({ ...form.fields, ...values }),
    ...(cf ? { cf } : {}),
  } as RequestInit);
}

/**
 * Opens the sign-in page (prompt=login, so a signed-in browser sees it too) and posts the
 * password from `cf`; returns where the POST sends the browser.
 */
async function signIn(
  browser: Browser,
  cf: Cf | null,
  password = PASSWORD,
): Promise<{ location: string; response: Response }> {
  const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "login" })));
  expect(page.status).toBe(200);
  const response = await postFrom(browser, await page.text(), "/login", { email: "ana@example.com", password }, cf);
  return { location: response.headers.get("Location") ?? "", response };
}

const steppedUp = (location: string) =>
  /\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}\/mfa$/.test(new URL(location, BASE).pathname);
const completed = (location: string) =>
  /\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}$/.test(new URL(location, BASE).pathname);

/**
 * Passes the emailed second factor (the customer has no other) on the step `location`
 * leads to, from `cf`; returns where the code's POST sends the browser.
 */
async function passEmailedCode(browser: Browser, location: string, cf: Cf | null) {
  const emailPage = await browser.navigate(location);
  expect(browser.lastUrl).toMatch(/\/mfa\/email$/);
  const codePage = await (await browser.submit(await emailPage.text(), "/mfa/email/send", {})).text();
  const code = codeIn((await emailsTo("ana@example.com"))[0]!);
  const done = await postFrom(browser, codePage, "/mfa/email/code", { code }, cf);
  expect(done.status).toBe(303);
  return done.headers.get("Location")!;
}

/**
 * Signs in and follows through to the app, passing the emailed second factor when the
 * risk asks for it (a new device always does): the sign-in completes, and the browser and
 * place become known.
 */
async function signInCompletely(browser: Browser, cf: Cf | null) {
  const { location } = await signIn(browser, cf);
  callbackOf(await browser.navigate(steppedUp(location) ? await passEmailedCode(browser, location, cf) : location));
}

async function decisions() {
  return auditEvents(w.admin, "acme", "risk.assessed");
}

async function lastDecision() {
  const all = await decisions();
  expect(all.length).toBeGreaterThan(0);
  return all.at(-1)!;
}

describe("adaptive MFA", () => {
  it("learns nothing from a password sign-in at an app whose own policy asks for less", async () => {
    const patched = await patchClient(w.admin, "acme", w.partner.client_id, { mfa_policy: "off" });
    expect(patched.mfa_policy).toBe("off");
    const thief = new Browser();
    // The password alone, at the partner app: signed in, nothing scored.
    const page = await thief.navigate(
      authorizePath("acme", codeRequest(w.partner, { prompt: "login", redirect_uri: "https://other.example.net/cb" })),
    );
    const posted = await postFrom(
      thief,
      await page.text(),
      "/login",
      { email: "ana@example.com", password: PASSWORD },
      BERLIN,
    );
    expect(completed(posted.headers.get("Location")!)).toBe(true);
    expect(await decisions()).toHaveLength(0);
    // The same browser at an adaptive app: still a stranger there.
    const next = await signIn(thief, BERLIN);
    expect(steppedUp(next.location), next.location).toBe(true);
    expect((await lastDecision()).details).toMatchObject({ reasons: ["new_device"], decision: "step_up" });
  });

  it("asks a new device alone (so the account's first sign-in too), and lets a known device nearby through", async () => {
    const home = new Browser();
    const first = await signIn(home, BERLIN);
    expect(steppedUp(first.location), first.location).toBe(true);
    expect(await lastDecision()).toMatchObject({
      user_id: w.user.id,
      client_id: w.app.client_id,
      details: {
        score: 50,
        threshold: 50,
        reasons: ["new_device"],
        decision: "step_up",
        signals: { country: "DE", asn: 3320, latitude: 52.5, longitude: 13.4, known_device: false },
      },
    });
    callbackOf(await home.navigate(await passEmailedCode(home, first.location, BERLIN)));

    // Same browser, a nearby town minutes later: nothing unusual.
    const again = await signIn(home, POTSDAM);
    expect(completed(again.location), again.location).toBe(true);
    expect((await lastDecision()).details).toMatchObject({
      score: 0,
      reasons: [],
      decision: "allow",
      signals: { known_device: true, country: "DE" },
    });
  });

  it("asks for a second factor from a new device in a new country, and only a completed sign-in makes it known", async () => {
    await signInCompletely(new Browser(), BERLIN);

    const stranger = new Browser();
    const first = await signIn(stranger, SZCZECIN);
    expect(steppedUp(first.location), first.location).toBe(true);
    // No session until the second factor: the password alone gave nothing.
    expect(stranger.cookieNames().some((name) => name.includes("session"))).toBe(false);
    const decision = await lastDecision();
    expect(decision.details).toMatchObject({ decision: "step_up", threshold: 50 });
    expect(decision.details.reasons).toEqual(["new_device", "new_country", "new_asn"]);
    expect(decision.details.score).toBe(90);
    // Coarse signals only: no city, coordinates to one decimal.
    expect(decision.details.signals).toMatchObject({ country: "PL", asn: 5617, latitude: 53.4, longitude: 14.6 });
    expect(JSON.stringify(decision.details)).not.toContain("Szczecin");

    // Trying again with the password from the same browser: still a stranger.
    const second = await signIn(stranger, SZCZECIN);
    expect(steppedUp(second.location)).toBe(true);
    expect((await lastDecision()).details.reasons).toContain("new_device");
  });

  it("knows a device once it passed the second factor: its next sign-in is let through", async () => {
    await signInCompletely(new Browser(), BERLIN);
    const laptop = new Browser();
    const { location } = await signIn(laptop, SZCZECIN);
    expect(steppedUp(location)).toBe(true);
    // The customer has no factor set up: the code comes by email.
    callbackOf(await laptop.navigate(await passEmailedCode(laptop, location, SZCZECIN)));

    // Known now, and so is Poland and its network: nothing unusual the next time.
    const again = await signIn(laptop, SZCZECIN);
    expect(completed(again.location), again.location).toBe(true);
    expect((await lastDecision()).details).toMatchObject({
      score: 0,
      reasons: [],
      decision: "allow",
      signals: { known_device: true },
    });
  });

  it("asks for a second factor after impossible travel, even on a known device", async () => {
    const home = new Browser();
    await signInCompletely(home, BERLIN);
    const { location } = await signIn(home, NEW_YORK);
    expect(steppedUp(location), location).toBe(true);
    const { details } = await lastDecision();
    expect(details.reasons).toEqual(["impossible_travel", "new_country", "new_asn"]);
    expect(details.signals.known_device).toBe(true);
    expect(details.signals.distance_km).toBeGreaterThan(6000);
  });

  it("asks for a second factor from a deny-listed network or address range, whatever else", async () => {
    const home = new Browser();
    await signInCompletely(home, BERLIN);
    await patchTenant(w.admin, "acme", {
      risk_deny_list: { asns: [3320], ip_ranges: ["198.51.100.0/24", "2001:db8:bad::/48"] },
    });
    const byAsn = await signIn(home, BERLIN);
    expect(steppedUp(byAsn.location)).toBe(true);
    expect((await lastDecision()).details).toMatchObject({
      score: 100,
      reasons: ["deny_list:asn"],
      decision: "step_up",
    });

    await patchTenant(w.admin, "acme", { risk_deny_list: { ip_ranges: ["198.51.100.0/24", "2001:db8:bad::/48"] } });
    home.ip = "2001:db8:bad:1::7";
    const byRange = await signIn(home, BERLIN);
    expect(steppedUp(byRange.location)).toBe(true);
    expect((await lastDecision()).details).toMatchObject({ score: 100, reasons: ["deny_list:ip"] });

    home.ip = "2001:db8:600d::7";
    expect(completed((await signIn(home, BERLIN)).location)).toBe(true);
    expect((await lastDecision()).details).toMatchObject({ score: 0, decision: "allow" });
  });

  it("asks for a second factor from a new device after failed passwords, not without them (threshold 60)", async () => {
    await signInCompletely(new Browser(), BERLIN);
    // At the default threshold a new device alone is asked: above it, failures make the difference.
    await patchTenant(w.admin, "acme", { risk_threshold: 60 });
    const calm = new Browser();
    expect(completed((await signIn(calm, BERLIN)).location)).toBe(true);
    expect((await lastDecision()).details).toMatchObject({ score: 50, reasons: ["new_device"], decision: "allow" });

    const guesser = new Browser();
    for (const wrong of ["guess one", "guess two"]) {
      const refused = await signIn(guesser, BERLIN, wrong);
      expect(refused.response.status).toBe(401); // the page again, with the error
      expect(refused.location).toBe("");
    }
    const { location } = await signIn(guesser, BERLIN);
    expect(steppedUp(location), location).toBe(true);
    expect((await lastDecision()).details).toMatchObject({
      score: 80,
      threshold: 60,
      reasons: ["new_device", "recent_failures"],
      signals: { recent_failures: 2 },
      decision: "step_up",
    });
  });

  it("counts wrong second-factor codes as recent failures of the account", async () => {
    const home = new Browser();
    await signInCompletely(home, BERLIN);
    // Someone with the password, stopped at the second factor, guessing codes.
    const thief = new Browser();
    const { location } = await signIn(thief, SZCZECIN);
    expect(steppedUp(location)).toBe(true);
    const emailPage = await thief.navigate(location);
    const codePage = await (await thief.submit(await emailPage.text(), "/mfa/email/send", {})).text();
    const code = codeIn((await emailsTo("ana@example.com"))[0]!);
    for (const guess of ["000000", "111111", "222222"].filter((g) => g !== code).slice(0, 2))
      expect((await postFrom(thief, codePage, "/mfa/email/code", { code: guess }, SZCZECIN)).status).toBe(400);

    // The customer's own browser still gets in, but the failures are on the record. (A new
    // second first: times are whole seconds, and failures in the second of the last
    // completed sign-in count, to be safe.)
    await startOfSecond();
    const own = await signIn(home, BERLIN);
    expect(completed(own.location)).toBe(true);
    expect((await lastDecision()).details).toMatchObject({
      score: 30,
      reasons: ["recent_failures"],
      signals: { recent_failures: 2, known_device: true },
      decision: "allow",
    });
    // Failures before the account's last completed sign-in no longer count.
    callbackOf(await home.navigate(own.location));
    expect(completed((await signIn(home, BERLIN)).location)).toBe(true);
    expect((await lastDecision()).details).toMatchObject({ score: 0, reasons: [] });
  });

  it("follows the tenant's threshold, and scores nothing from absent signals (no request.cf)", async () => {
    const { location } = await signIn(new Browser(), null);
    expect(steppedUp(location)).toBe(true);
    expect((await lastDecision()).details).toMatchObject({
      score: 50,
      threshold: 50,
      reasons: ["new_device"],
      decision: "step_up",
      signals: { country: null, asn: null, latitude: null, longitude: null },
    });
    // Above the new device's weight, the same sign-in goes through with one factor.
    await patchTenant(w.admin, "acme", { risk_threshold: 51 });
    expect(completed((await signIn(new Browser(), null)).location)).toBe(true);
    expect((await lastDecision()).details).toMatchObject({ score: 50, threshold: 51, decision: "allow" });
  });

  it("shows the decisions per user through the audit API, and assesses nothing under other policies", async () => {
    const home = new Browser();
    await signInCompletely(home, BERLIN);
    await patchTenant(w.admin, "acme", { mfa_policy: "optional" });
    expect(completed((await signIn(home, PARIS)).location)).toBe(true);
    const mine = await auditEvents(w.admin, "acme", "risk.assessed");
    expect(mine).toHaveLength(1);
    expect(mine.every((event) => event.type === "risk.assessed" && event.user_id === w.user.id)).toBe(true);
  });
});

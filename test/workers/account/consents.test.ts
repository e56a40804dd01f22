// Consents and preferences: terms and privacy acceptance shown with their versions; the
// marketing choice changed here is a new consent record (source "account").
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { auditEvents, world, type World } from "../flows/fixtures";
import { configureTenant, directory, open, signedInBrowser } from "./account-helpers";

let w: World;

beforeEach(async () => {
  w = await world();
  await configureTenant({
    termsUrl: "https://acme.example/terms",
    termsVersion: "2024-01",
    privacyUrl: "https://acme.example/privacy",
    privacyVersion: "v3",
    marketingConsentVersion: "m1",
  });
  await (
    await directory()
  ).consentRecords.record(w.user.id, [
    { purpose: "terms", policyVersion: "2024-01", granted: true, source: "sign_up" },
    { purpose: "privacy", policyVersion: "v3", granted: true, source: "sign_up" },
  ]);
});

async function marketingRecords(userId: string) {
  return (
    await env.DB.prepare(
      "SELECT granted, policy_version, source FROM consent_records WHERE user_id = ? AND purpose = 'marketing' ORDER BY created_at, rowid",
    )
      .bind(userId)
      .all()
  ).results;
}

describe("the consents section", () => {
  it("shows the accepted terms and privacy policy with their versions", async () => {
    const html = await open(await signedInBrowser(), "consents");
    expect(html).toMatch(/<dt>Terms of service<\/dt><dd>Accepted \(version 2024-01\) [^<]+UTC<\/dd>/);
    expect(html).toMatch(/<dt>Privacy policy<\/dt><dd>Accepted \(version v3\) [^<]+UTC<\/dd>/);
    expect(html).toContain("Send me news and offers from acme by email");
    expect(html).not.toMatch(/name="marketing"[^>]*checked/);
  });

  it("records opting in and out as new consent records from the account page", async () => {
    const browser = await signedInBrowser();
    let html = await open(browser, "consents");
    const optIn = await browser.post(html, "/account/consents", { marketing: "on" });
    expect(optIn.status).toBe(303);
    expect(optIn.headers.get("Location")).toBe("/t/acme/account/consents?done=consents");
    html = await (await browser.fetch(optIn.headers.get("Location")!)).text();
    expect(html).toContain("Your preferences were saved.");
    expect(html).toMatch(/name="marketing"[^>]*checked/);

    // Unchanged: no new record.
    expect((await browser.post(html, "/account/consents", { marketing: "on" })).status).toBe(303);
    // Unticked: the browser sends no field.
    const optOut = await browser.post(html.replace(/<input type="checkbox"[^>]*>/, ""), "/account/consents", {});
    expect(optOut.status).toBe(303);

    expect(await marketingRecords(w.user.id)).toEqual([
      { granted: 1, policy_version: "m1", source: "account" },
      { granted: 0, policy_version: "m1", source: "account" },
    ]);
    expect(await auditEvents(w.admin, "acme", "consent.marketing_granted")).toHaveLength(1);
    expect(await auditEvents(w.admin, "acme", "consent.marketing_withdrawn")).toHaveLength(1);
    html = await open(browser, "consents");
    expect(html).toMatch(/Declined \(version m1\)/);
    expect(html).toContain("History");
  });

  it("refuses a value that is not a checkbox's, recording nothing", async () => {
    const browser = await signedInBrowser();
    const html = await open(browser, "consents");
    const response = await browser.post(html, "/account/consents", { marketing: "maybe" });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('role="alert"');
    expect(body).toContain("This choice is not valid.");
    expect(await marketingRecords(w.user.id)).toHaveLength(0);
  });

  it("offers no marketing choice when the tenant has none, and refuses one", async () => {
    await configureTenant({ marketingConsentVersion: null });
    const browser = await signedInBrowser();
    const html = await open(browser, "consents");
    expect(html).not.toContain('name="marketing"');
    const response = await browser.fetch("/t/acme/account/consents", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://latchkey.test" },
      body: new URLSearchParams({ csrf: browser.cookie("__Host-lk-csrf")!, marketing: "on" }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("There are no preferences to change.");
    expect(await marketingRecords(w.user.id)).toHaveLength(0);
  });
});

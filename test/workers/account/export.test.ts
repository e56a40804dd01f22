// Data download: one JSON attachment with every part of the user's data and no secret;
// only by a form with the CSRF token or a same-site GET.
import { beforeEach, describe, expect, it } from "vitest";
import { auditEvents, authorizeWithSignIn, codeRequest, redeem, world, type World } from "../flows/fixtures";
import { Browser } from "../flows/browser";
import { call } from "../helpers";
import { accountPath, browserWithSessionOf, directory, open, TWO_FACTORS } from "./account-helpers";

const signedInBrowser = () => browserWithSessionOf(w.user.id, TWO_FACTORS);

let w: World;

beforeEach(async () => {
  w = await world();
  const dir = await directory();
  await dir.users.update(w.user.id, { customAttributes: { member_number: 42 }, familyName: "García" });
  await dir.consentRecords.record(w.user.id, [
    { purpose: "terms", policyVersion: "t1", granted: true, source: "sign_up" },
  ]);
  await dir.consents.grant(w.user.id, w.partner.client_id, ["openid", "read:orders"]);
  // Factors, for their names and dates in the export (never their keys or secrets). The
  // tenant asks for none at sign-in (the other browser's password sign-in); the account
  // page itself takes a two-factor session, as for any account with a factor.
  const off = await call("PATCH", "/admin/v1/tenants/acme", { token: w.admin, body: { mfa_policy: "off" } });
  expect(off.status).toBe(200);
  await dir.factors.passkeys.add(w.user.id, {
    id: "cred-ana-1",
    name: "Ana's phone",
    publicKey: "pQECAyYgASFYIPUBLICKEYMATERIAL",
    signCount: 0,
    transports: ["internal"],
    deviceType: "multiDevice",
    backedUp: true,
    aaguid: null,
  });
  const app = await dir.factors.totp.add(w.user.id, "Authenticator", "v1.sealed-secret-value");
  await dir.factors.totp.useStep(w.user.id, app.id, 7);
  await dir.factors.recoveryCodes.replace(w.user.id, ["code-hash-1", "code-hash-2"]);
});

async function download(browser: Browser) {
  const html = await open(browser, "data");
  const response = await browser.post(html, "/account/export", {});
  expect(response.status).toBe(200);
  return response;
}

describe("downloading the account's data", () => {
  it("is a JSON attachment with the profile, attributes, consent records, app consents, sessions and audit events", async () => {
    const other = new Browser();
    const callback = await authorizeWithSignIn(other, "acme", codeRequest(w.app));
    await redeem("acme", w.app, callback.searchParams.get("code")!);
    const browser = await signedInBrowser();
    const response = await download(browser);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="acme-account-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const text = await response.text();
    const data = JSON.parse(text);

    expect(data.profile).toMatchObject({
      id: w.user.id,
      email: "ana@example.com",
      email_verified: true,
      given_name: "Ana",
      family_name: "García",
      has_password: true,
    });
    expect(data.custom_attributes).toEqual({ member_number: 42 });
    expect(data.consent_records).toEqual([
      expect.objectContaining({ purpose: "terms", policy_version: "t1", granted: true, source: "sign_up" }),
    ]);
    expect(data.app_consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          client_id: w.partner.client_id,
          client_name: "Partner app",
          scopes: ["openid", "read:orders"],
        }),
        expect.objectContaining({ client_id: w.app.client_id, signed_in: true }),
      ]),
    );
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(data.sessions[0]).toHaveProperty("user_agent", "latchkey-test-browser");
    const types = data.audit_events.map((e: { type: string }) => e.type);
    expect(types).toContain("user.created");
    expect(types).toContain("user.signed_in");
    expect(data.passkeys).toEqual([
      expect.objectContaining({ name: "Ana's phone", synced: true, backed_up: true, last_used_at: null }),
    ]);
    expect(data.authenticator_apps).toEqual([expect.objectContaining({ name: "Authenticator", confirmed: true })]);
    expect(data.recovery_codes).toMatchObject({ remaining: 2 });
    for (const secret of ["PUBLICKEYMATERIAL", "sealed-secret-value", "code-hash-1", "cred-ana-1"])
      expect(text).not.toContain(secret);

    // Nothing secret: no hash, no session or token secret, no internal key.
    expect(text).not.toMatch(
      /\$argon2|\$pbkdf2|"[a-z_]*secret[a-z_]*"|"(secret_|password_)?hash"|email_normalized|tenant_id/i,
    );
    for (const value of [
      browser.cookie("__Host-lk-session-acme")!.split(".").at(-1)!,
      browser.cookie("__Host-lk-csrf")!,
    ])
      expect(text).not.toContain(value);
    expect(await auditEvents(w.admin, "acme", "user.data_exported")).toHaveLength(1);
  });

  it("answers a same-origin GET (a link of our own pages)", async () => {
    const browser = await signedInBrowser();
    const response = await browser.fetch(accountPath("export"), { headers: { "Sec-Fetch-Site": "same-origin" } });
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text()).profile.id).toBe(w.user.id);
  });

  it("refuses a cross-site GET, a POST without the CSRF token and a POST from another site", async () => {
    const browser = await signedInBrowser();
    for (const site of ["cross-site", "same-site"]) {
      const response = await browser.fetch(accountPath("export"), { headers: { "Sec-Fetch-Site": site } });
      expect(response.status).toBe(403);
      expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    }
    const html = await open(browser, "data");
    expect((await browser.post(html, "/account/export", {}, { omit: ["csrf"] })).status).toBe(403);
    expect(
      (await browser.post(html, "/account/export", {}, { headers: { Origin: "https://evil.example" } })).status,
    ).toBe(403);
    expect(await auditEvents(w.admin, "acme", "user.data_exported")).toHaveLength(0);
  });

  it("needs a session: without one, a sign-in starts", async () => {
    const response = await new Browser().fetch(accountPath("export"));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(/\/interaction\//);
  });
});

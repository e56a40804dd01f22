// Deleting the account: re-authentication (password, or an emailed code without one),
// then one transaction erases credentials and personal data and keeps a tombstone and
// the audit trail; sessions and refresh tokens end; the old address gets a last email.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { basic, call, tokenRequest } from "../helpers";
import {
  auditEvents,
  authorizeWithSignIn,
  codeRequest,
  createUser,
  PASSWORD,
  redeem,
  world,
  type World,
} from "../flows/fixtures";
import { Browser } from "../flows/browser";
import {
  accountPath,
  browserWithSessionOf,
  codeSentTo,
  directory,
  expectFormError,
  inputValue,
  lastEmail,
  open,
  signedInBrowser,
  userRow,
} from "./account-helpers";

let w: World;

beforeEach(async () => {
  w = await world();
  const dir = await directory();
  await dir.users.update(w.user.id, {
    familyName: "García",
    phoneNumber: "+34600111222",
    birthdate: "1990-04-01",
    customAttributes: { member_number: 42 },
  });
  await dir.consents.grant(w.user.id, w.partner.client_id, ["openid", "read:orders"]);
  await dir.consentRecords.record(w.user.id, [
    { purpose: "terms", policyVersion: "t1", granted: true, source: "sign_up" },
  ]);
});

async function count(sql: string, ...params: unknown[]) {
  return env.DB.prepare(sql)
    .bind(...params)
    .first<number>("n");
}

describe("deleting the account", () => {
  it("erases personal data and credentials, keeps a tombstone and the audit trail, ends every token", async () => {
    // An app signed in before, holding a refresh token and an access token.
    const app = new Browser();
    const callback = await authorizeWithSignIn(app, "acme", codeRequest(w.app, { scope: "openid email profile" }));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    const auditBefore = await count("SELECT count(*) AS n FROM audit_events WHERE user_id = ?", w.user.id);
    expect(auditBefore).toBeGreaterThan(0);

    const browser = await signedInBrowser();
    const page = await open(browser, "delete");
    const response = await browser.post(page, "/account/delete", { password: PASSWORD, confirm: "yes" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/t/acme/account/deleted");
    expect(browser.cookie("__Host-lk-session-acme")).toBeUndefined();
    const goodbye = await browser.fetch(response.headers.get("Location")!);
    expect(goodbye.status).toBe(200);
    expect(await goodbye.text()).toContain("Your account was deleted");

    const row = await userRow(w.user.id);
    expect(row).toMatchObject({
      status: "deleted",
      email: null,
      email_normalized: null,
      email_verified: 0,
      given_name: null,
      family_name: null,
      phone_number: null,
      birthdate: null,
      custom_attributes: "{}",
    });
    expect(row.deleted_at).toEqual(expect.any(Number));
    expect(await count("SELECT count(*) AS n FROM password_credentials WHERE user_id = ?", w.user.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM consents WHERE user_id = ?", w.user.id)).toBe(0);
    // The audit trail stays, with the deletion in it.
    expect(await count("SELECT count(*) AS n FROM audit_events WHERE user_id = ?", w.user.id)).toBeGreaterThan(
      auditBefore!,
    );
    const deleted = await auditEvents(w.admin, "acme", "user.deleted");
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({ user_id: w.user.id, details: { source: "account" } });
    expect((await auditEvents(w.admin, "acme", "user.created")).map((e) => e.user_id)).toContain(w.user.id);

    // The refresh token issued before fails; UserInfo refuses the access token.
    const refreshed = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token! },
      { Authorization: basic(w.app.client_id, w.app.client_secret) },
    );
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { error: string }).error).toBe("invalid_grant");
    const userinfo = await call("GET", "/t/acme/userinfo", {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
    // The other browser's session is gone too.
    expect((await app.fetch(accountPath())).status).toBe(303);

    // A last email to the old address.
    expect((await lastEmail("ana@example.com"))?.subject).toBe("Your acme account was deleted");
  });

  it("a tombstone can never sign in or be found by email, and its address is free for a new account", async () => {
    const browser = await signedInBrowser();
    const page = await open(browser, "delete");
    expect((await browser.post(page, "/account/delete", { password: PASSWORD, confirm: "yes" })).status).toBe(303);

    const again = new Browser();
    const signInPage = await (await again.navigate(accountPath())).text();
    const refused = await again.submit(signInPage, "/login", { email: "ana@example.com", password: PASSWORD });
    expect(refused.status).toBe(401);
    expect(await (await directory()).users.findByEmail("ana@example.com")).toBeNull();
    const listed = await call("GET", "/admin/v1/tenants/acme/users?email=ana%40example.com", { token: w.admin });
    expect(((await listed.json()) as { data: unknown[] }).data).toHaveLength(0);

    const fresh = await createUser(w.admin, "acme", { email: "ana@example.com", password: "a brand new passphrase" });
    expect(fresh.id).not.toBe(w.user.id);
    expect((await userRow(w.user.id)).status).toBe("deleted");
  });

  const bad: [string, Record<string, string>, number, string][] = [
    ["a wrong password", { password: "not my password", confirm: "yes" }, 400, "Your current password is not correct."],
    ["no password", { password: "", confirm: "yes" }, 400, "Enter your current password."],
    ["no confirmation", { password: PASSWORD }, 400, "Tick the box to confirm"],
    [
      "an absurdly long password",
      { password: "z".repeat(5000), confirm: "yes" },
      400,
      "Your current password is not correct.",
    ],
  ];
  for (const [what, values, status, message] of bad) {
    it(`refuses ${what}: message, password not echoed, nothing deleted`, async () => {
      const browser = await signedInBrowser();
      const page = await open(browser, "delete");
      const before = await userRow(w.user.id);
      const response = await browser.post(page, "/account/delete", values);
      const html = await response.text();
      expectFormError(response, html, status, message);
      if (values.password) expect(html).not.toContain(values.password.slice(0, 40));
      expect(await userRow(w.user.id)).toEqual(before);
      expect(await count("SELECT count(*) AS n FROM password_credentials WHERE user_id = ?", w.user.id)).toBe(1);
      expect(await count("SELECT count(*) AS n FROM consents WHERE user_id = ?", w.user.id)).toBeGreaterThan(0);
      expect((await browser.fetch(accountPath())).status).toBe(200);
    });
  }
});

describe("deleting an account without a password", () => {
  it("needs a code sent to the address; a wrong one is refused, the right one deletes", async () => {
    const user = await createUser(w.admin, "acme", { email: "nopass@example.com", given_name: "Noa" });
    const browser = await browserWithSessionOf(user.id);
    let page = await open(browser, "delete");
    expect(page).not.toContain('name="password"');
    expect(page).toContain("we will send a code to nopass@example.com");
    const sent = await browser.post(page, "/account/delete/code", {});
    expect(sent.status).toBe(303);
    expect(sent.headers.get("Location")).toMatch(/^\/t\/acme\/account\/delete\?flow=[A-Za-z0-9_-]{22}$/);
    page = await (await browser.fetch(sent.headers.get("Location")!)).text();
    expect(page).toContain('name="code"');
    const code = await codeSentTo("nopass@example.com");
    const wrong = code === "123456" ? "654321" : "123456";

    const refused = await browser.post(page, "/account/delete", { code: wrong, confirm: "yes" });
    const html = await refused.text();
    expectFormError(refused, html, 400, "Attempts left: 4");
    expect(inputValue(html, "code")).toBe(wrong);
    expect((await userRow(user.id)).status).toBe("active");

    const unconfirmed = await browser.post(page, "/account/delete", { code });
    expectFormError(unconfirmed, await unconfirmed.text(), 400, "Tick the box to confirm");
    expect((await userRow(user.id)).status).toBe("active");

    const done = await browser.post(page, "/account/delete", { code, confirm: "yes" });
    expect(done.status).toBe(303);
    expect(await userRow(user.id)).toMatchObject({ status: "deleted", email: null, given_name: null });
    expect((await lastEmail("nopass@example.com"))?.subject).toBe("Your acme account was deleted");
  });

  it("refuses a code without a pending request, and another user's code request", async () => {
    const user = await createUser(w.admin, "acme", { email: "nopass@example.com" });
    const browser = await browserWithSessionOf(user.id);
    const page = await open(browser, "delete");
    const forged = page.replace('action="/t/acme/account/delete/code"', 'action="/t/acme/account/delete"');
    const response = await browser.post(forged, "/account/delete", {
      code: "123456",
      confirm: "yes",
      flow: "A".repeat(22),
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(/role="alert">This code has expired/);
    expect((await userRow(user.id)).status).toBe("active");

    // Another user's pending code request is not this user's.
    const other = await createUser(w.admin, "acme", { email: "other@example.com" });
    const otherBrowser = await browserWithSessionOf(other.id);
    const sent = await otherBrowser.post(await open(otherBrowser, "delete"), "/account/delete/code", {});
    const flow = new URL(sent.headers.get("Location")!, "https://latchkey.test").searchParams.get("flow")!;
    const stolen = await browser.post(forged, "/account/delete", {
      code: await codeSentTo("other@example.com"),
      confirm: "yes",
      flow,
    });
    expect(stolen.status).toBe(400);
    expect((await userRow(user.id)).status).toBe("active");
    expect((await userRow(other.id)).status).toBe("active");
  });
});

// Changing the password: the current password is required, the new one must pass the
// policy; the change ends the user's other sessions (and their refresh tokens), keeps
// this one, and is announced by email. Passwords are never echoed back.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { basic, tokenRequest } from "../helpers";
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
  expectFormError,
  inputValue,
  lastEmail,
  open,
  signedInBrowser,
  userRow,
} from "./account-helpers";

let w: World;
const NEW_PASSWORD = "a new and longer passphrase";

beforeEach(async () => {
  w = await world();
});

async function credentialHash(userId: string) {
  return env.DB.prepare("SELECT hash FROM password_credentials WHERE user_id = ?").bind(userId).first<string>("hash");
}

describe("changing the password", () => {
  it("needs the current password; ends the other sessions and their refresh tokens, keeps this one, sends an email", async () => {
    // Another browser signed in to an app, with a session-bound refresh token.
    const other = new Browser();
    const callback = await authorizeWithSignIn(other, "acme", codeRequest(w.app));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.refresh_token).toBeDefined();

    const browser = await signedInBrowser();
    const page = await open(browser, "password");
    const before = await credentialHash(w.user.id);
    const response = await browser.post(page, "/account/password", {
      current_password: PASSWORD,
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/t/acme/account/password?done=password");
    expect(await credentialHash(w.user.id)).not.toBe(before);

    // This browser stays signed in; the other one is signed out, its refresh token dead.
    expect((await browser.fetch(accountPath("password?done=password"))).status).toBe(200);
    expect((await other.fetch(accountPath())).status).toBe(303);
    const refreshed = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token! },
      { Authorization: basic(w.app.client_id, w.app.client_secret) },
    );
    expect(refreshed.status).toBe(400);

    const mail = await lastEmail("ana@example.com");
    expect(mail?.subject).toBe("Your acme password was changed");
    expect(await auditEvents(w.admin, "acme", "user.password_changed")).toHaveLength(1);

    // The new password signs in, the old one no longer does.
    await signedInBrowser("ana@example.com", NEW_PASSWORD);
    const old = new Browser();
    const signInPage = await (await old.navigate(accountPath())).text();
    const refused = await old.submit(signInPage, "/login", { email: "ana@example.com", password: PASSWORD });
    expect(refused.status).toBe(401);
  });

  const bad: [string, Record<string, string>, number, string][] = [
    ["a missing current password", { current_password: "" }, 400, "Enter your current password."],
    ["a wrong current password", { current_password: "not my password" }, 400, "Your current password is not correct."],
    ["a missing new password", { new_password: "", confirm_password: "" }, 400, "Enter a new password."],
    ["a short new password", { new_password: "short", confirm_password: "short" }, 400, "at least 8 characters"],
    ["a common new password", { new_password: "password123", confirm_password: "password123" }, 400, "too common"],
    [
      "a new password longer than allowed",
      { new_password: "x".repeat(300), confirm_password: "x".repeat(300) },
      400,
      "at most 256",
    ],
    [
      "an absurdly long new password",
      { new_password: "y".repeat(5000), confirm_password: "y".repeat(5000) },
      400,
      "at most 256",
    ],
    ["the same password again", { new_password: PASSWORD, confirm_password: PASSWORD }, 400, "must be different"],
    ["a confirmation that does not match", { confirm_password: "something else entirely" }, 400, "do not match"],
  ];
  for (const [what, values, status, message] of bad) {
    it(`refuses ${what}: message, no password echoed, nothing changed`, async () => {
      const browser = await signedInBrowser();
      const page = await open(browser, "password");
      const before = await credentialHash(w.user.id);
      const typed = {
        current_password: PASSWORD,
        new_password: NEW_PASSWORD,
        confirm_password: NEW_PASSWORD,
        ...values,
      };
      const response = await browser.post(page, "/account/password", typed);
      const html = await response.text();
      expectFormError(response, html, status, message);
      for (const secret of Object.values(typed).filter((v) => v.length >= 5))
        expect(html).not.toContain(`value="${secret}`);
      expect(html).not.toMatch(/type="password"[^>]*value=/);
      expect(await credentialHash(w.user.id)).toBe(before);
      expect(await lastEmail("ana@example.com")).toBeNull();
    });
  }

  it("budgets checks of the current password per user", async () => {
    const browser = await signedInBrowser();
    const page = await open(browser, "password");
    const wrong = { current_password: "guess", new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD };
    for (let i = 0; i < 10; i++) expect((await browser.post(page, "/account/password", wrong)).status).toBe(400);
    const response = await browser.post(page, "/account/password", { ...wrong, current_password: PASSWORD });
    expectFormError(response, await response.text(), 429, /Too many requests/);
  });

  it("refuses a change for a user without a password", async () => {
    const user = await createUser(w.admin, "acme", { email: "nopass@example.com" });
    const browser = await browserWithSessionOf(user.id);
    const page = await open(browser, "password");
    expect(page).toContain("Your account has no password");
    expect(page).not.toContain('name="current_password"');
    const response = await browser.fetch(accountPath("password"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://latchkey.test" },
      body: new URLSearchParams({
        csrf: browser.cookie("__Host-lk-csrf")!,
        current_password: "",
        new_password: NEW_PASSWORD,
        confirm_password: NEW_PASSWORD,
      }),
    });
    expect(response.status).toBe(400);
    expect(await credentialHash(user.id)).toBeNull();
  });
});

describe("setting a first password", () => {
  async function codeForm(browser: Browser) {
    const page = await open(browser, "password");
    expect(page).toContain("we will send a code to nopass@example.com");
    const sent = await browser.post(page, "/account/password/code", {});
    expect(sent.status).toBe(303);
    expect(sent.headers.get("Location")).toMatch(/^\/t\/acme\/account\/password\?flow=[A-Za-z0-9_-]{22}$/);
    const html = await (await browser.fetch(sent.headers.get("Location")!)).text();
    expect(html).toContain('name="code"');
    expect(html).toContain('name="new_password"');
    return html;
  }

  it("needs the code sent to the user's address; then the password signs in, other sessions end", async () => {
    const user = await createUser(w.admin, "acme", { email: "nopass@example.com" });
    const other = await browserWithSessionOf(user.id);
    const browser = await browserWithSessionOf(user.id);
    const page = await codeForm(browser);
    const code = await codeSentTo("nopass@example.com");
    const response = await browser.post(page, "/account/password/set", {
      code,
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/t/acme/account/password?done=password");
    expect(await credentialHash(user.id)).toMatch(/^\$argon2id\$/);
    expect((await browser.fetch(accountPath("password"))).status).toBe(200);
    expect((await other.fetch(accountPath("password"))).status).toBe(303);
    expect((await lastEmail("nopass@example.com"))?.subject).toBe("Your acme password was changed");
    expect(await auditEvents(w.admin, "acme", "user.password_set")).toHaveLength(1);
    await signedInBrowser("nopass@example.com", NEW_PASSWORD);
  });

  const badSet: [string, (code: string) => Record<string, string>, string][] = [
    ["a wrong code", (code) => ({ code: code === "111111" ? "222222" : "111111" }), "Attempts left: 4"],
    ["no code", () => ({ code: "" }), "Enter the 6-digit code from the email."],
    [
      "a short password",
      (code) => ({ code, new_password: "short", confirm_password: "short" }),
      "at least 8 characters",
    ],
    [
      "a common password",
      (code) => ({ code, new_password: "password123", confirm_password: "password123" }),
      "too common",
    ],
    ["a confirmation that does not match", (code) => ({ code, confirm_password: "something else" }), "do not match"],
  ];
  for (const [what, values, message] of badSet) {
    it(`refuses ${what}: message, code kept, no password echoed, nothing set`, async () => {
      const user = await createUser(w.admin, "acme", { email: "nopass@example.com" });
      const browser = await browserWithSessionOf(user.id);
      const page = await codeForm(browser);
      const typed: Record<string, string> = {
        new_password: NEW_PASSWORD,
        confirm_password: NEW_PASSWORD,
        ...values(await codeSentTo("nopass@example.com")),
      };
      const response = await browser.post(page, "/account/password/set", typed);
      const html = await response.text();
      expectFormError(response, html, 400, message);
      expect(inputValue(html, "code")).toBe(typed.code);
      expect(html).not.toMatch(/type="password"[^>]*value=/);
      expect(await credentialHash(user.id)).toBeNull();
    });
  }

  it("a password typo costs no attempt of the code", async () => {
    const user = await createUser(w.admin, "acme", { email: "nopass@example.com" });
    const browser = await browserWithSessionOf(user.id);
    const page = await codeForm(browser);
    const code = await codeSentTo("nopass@example.com");
    for (let i = 0; i < 6; i++)
      expect(
        (await browser.post(page, "/account/password/set", { code, new_password: "short", confirm_password: "short" }))
          .status,
      ).toBe(400);
    const response = await browser.post(page, "/account/password/set", {
      code,
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    expect(response.status).toBe(303);
  });

  it("refuses a code request of another user or of another action", async () => {
    const user = await createUser(w.admin, "acme", { email: "nopass@example.com" });
    const browser = await browserWithSessionOf(user.id);
    const page = await codeForm(browser);
    // A deletion code of the same user is not a set-password code.
    const deletePage = await open(browser, "delete");
    const sent = await browser.post(deletePage, "/account/delete/code", {});
    const deleteFlow = new URL(sent.headers.get("Location")!, "https://latchkey.test").searchParams.get("flow")!;
    const response = await browser.post(page, "/account/password/set", {
      flow: deleteFlow,
      code: await codeSentTo("nopass@example.com"),
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("This code has expired");
    expect(await credentialHash(user.id)).toBeNull();
    expect((await userRow(user.id)).status).toBe("active");
  });
});

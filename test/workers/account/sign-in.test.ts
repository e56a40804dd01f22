// The account page's sign-in: a browser without a session is sent through the hosted
// sign-in (a reserved client that issues no code) and comes back to the section it asked
// for; every answer is uncached; every POST needs the CSRF token and a same-site origin.
import { beforeEach, describe, expect, it } from "vitest";
import { call } from "../helpers";
import { Browser } from "../flows/browser";
import { authorizePath, world, type World } from "../flows/fixtures";
import { accountPath, open, signedInBrowser, signIn, userRow } from "./account-helpers";

let w: World;

beforeEach(async () => {
  w = await world();
});

describe("signing in to the account page", () => {
  it("sends a browser without a session to the sign-in page and back to the section it asked for", async () => {
    const browser = new Browser();
    const first = await browser.fetch(accountPath("sessions"));
    expect(first.status).toBe(303);
    expect(first.headers.get("Location")).toMatch(/^\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}$/);
    expect(first.headers.get("Cache-Control")).toBe("no-store");

    const { response, html } = await signIn(browser, "sessions");
    expect(response.status).toBe(200);
    expect(html).toContain("Where you are signed in");
    expect(html).toMatch(/<a href="\/t\/acme\/account\/sessions" aria-current="page">/);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
  });

  it("shows the tenant's name as the app on the sign-in page, and refuses a wrong password there", async () => {
    const browser = new Browser();
    const page = await (await browser.navigate(accountPath())).text();
    expect(page).toContain("to continue to acme");
    const wrong = await browser.submit(page, "/login", { email: "ana@example.com", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(await browser.fetch(accountPath()).then((r) => r.status)).toBe(303);
  });

  it("offers sign-up and email codes from its sign-in page, and those journeys know the reserved client", async () => {
    const enabled = await call("PATCH", "/admin/v1/tenants/acme", {
      token: w.admin,
      body: { email_code_sign_in: true },
    });
    expect(enabled.status).toBe(200);
    const browser = new Browser();
    const page = await (await browser.navigate(accountPath())).text();
    for (const journey of ["sign-up", "email-code"]) {
      const link = page.match(new RegExp(`href="(/t/acme/interaction/[A-Za-z0-9_-]{22}/${journey})"`))?.[1];
      expect(link, journey).toBeTruthy();
      const response = await browser.fetch(link!);
      const html = await response.text();
      expect(response.status, `${journey}: ${html.slice(0, 300)}`).toBe(200);
      expect(html).toContain('name="email"');
      expect(html).not.toContain("expired");
    }
  });

  it("issues no code: the reserved client cannot be used at the authorization endpoint", async () => {
    const browser = await signedInBrowser();
    const response = await browser.fetch(
      authorizePath("acme", {
        response_type: "code",
        client_id: "latchkey-account",
        redirect_uri: "https://latchkey.test/t/acme/account",
        scope: "openid",
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
  });

  it("an existing session goes straight to the page", async () => {
    const browser = await signedInBrowser();
    const html = await open(browser, "profile");
    expect(html).toContain("Your profile");
    expect(html).toContain("ana@example.com");
  });

  it("a blocked user's session no longer opens the page", async () => {
    const browser = await signedInBrowser();
    const blocked = await call("PATCH", `/admin/v1/tenants/acme/users/${w.user.id}`, {
      token: w.admin,
      body: { blocked: true },
    });
    expect(blocked.status).toBe(200);
    expect((await userRow(w.user.id)).status).toBe("blocked");
    const response = await browser.fetch(accountPath("profile"));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(/\/interaction\//);
  });
});

describe("forms of the account page", () => {
  it("refuse a POST without the CSRF token, with another token, or from another site", async () => {
    const browser = await signedInBrowser();
    const page = await open(browser, "profile");
    const before = await userRow(w.user.id);

    const missing = await browser.post(page, "/account/profile", { given_name: "Mallory" }, { omit: ["csrf"] });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain("This form has expired");

    const forged = await browser.post(page, "/account/profile", { given_name: "Mallory", csrf: "x".repeat(43) });
    expect(forged.status).toBe(403);

    const crossSite = await browser.post(
      page,
      "/account/profile",
      { given_name: "Mallory" },
      { headers: { Origin: "https://evil.example" } },
    );
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain("sent from another site");

    const notAForm = await browser.fetch(accountPath("profile"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://latchkey.test" },
      body: JSON.stringify({ given_name: "Mallory" }),
    });
    expect(notAForm.status).toBe(400);

    const after = await userRow(w.user.id);
    expect(after.given_name).toBe("Ana");
    expect(after.updated_at).toBe(before.updated_at);
  });

  it("a form sent after the session ended goes back to the section (which asks to sign in)", async () => {
    const browser = await signedInBrowser();
    const page = await open(browser, "profile");
    browser.deleteCookie("__Host-lk-session-acme");
    const response = await browser.post(page, "/account/profile", { given_name: "Eve" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(accountPath("profile"));
    expect((await userRow(w.user.id)).given_name).toBe("Ana");
  });

  it("speak the browser's language", async () => {
    const browser = await signedInBrowser();
    browser.extraHeaders = { "Accept-Language": "de-DE,de;q=0.9,en;q=0.5" };
    const html = await open(browser, "password");
    expect(html).toContain('<html lang="de">');
    expect(html).toContain("Aktuelles Passwort");
    expect(html).toContain(">Verbundene Apps</a>");
    browser.extraHeaders = { "Accept-Language": "fr" };
    expect(await open(browser, "sessions")).toContain("Où vous êtes connecté");
  });

  it("never answer 500, whatever a form of any section carries", async () => {
    const browser = await signedInBrowser();
    const csrf = browser.cookie("__Host-lk-csrf")!;
    const garbage: Record<string, string>[] = [
      {},
      { email: "\u0000", code: "999999999999", flow: "../../etc", sid: "x".repeat(3000), client_id: "<b>" },
      { marketing: "on", confirm: "yes", password: "\uD800", new_password: "\u0000".repeat(300), flow: "A".repeat(22) },
    ];
    for (const path of [
      "profile",
      "email",
      "email/confirm",
      "password",
      "password/code",
      "password/set",
      "sessions/end",
      "apps/disconnect",
      "consents",
      "delete/code",
    ]) {
      for (const fields of garbage) {
        const response = await browser.fetch(accountPath(path), {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://latchkey.test" },
          body: new URLSearchParams({ csrf, ...fields }),
        });
        expect(response.status, `POST ${path}`).toBeLessThan(500);
        expect(response.status, `POST ${path}`).not.toBe(200);
      }
    }
    expect((await userRow(w.user.id)).status).toBe("active");
  });

  it("unknown sections are not found, not errors", async () => {
    const browser = await signedInBrowser();
    const response = await browser.fetch(accountPath("nothing-here"));
    expect(response.status).toBe(404);
  });
});

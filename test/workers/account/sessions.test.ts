// Sessions: the list (created, last seen, address, browser, this one marked), ending
// another session, ending this one (signs out), and signing out everywhere else.
import { beforeEach, describe, expect, it } from "vitest";
import { basic, tokenRequest } from "../helpers";
import {
  auditEvents,
  authorizeWithSignIn,
  codeRequest,
  createUser,
  redeem,
  world,
  type World,
} from "../flows/fixtures";
import { Browser } from "../flows/browser";
import { accountPath, open, signedInBrowser } from "./account-helpers";

let w: World;

beforeEach(async () => {
  w = await world();
});

async function phoneSession() {
  const phone = new Browser();
  phone.userAgent = "Phone browser/1.0";
  phone.ip = "198.51.100.23";
  return signedInBrowserAs(phone);
}

async function signedInBrowserAs(browser: Browser) {
  const page = await (await browser.navigate(accountPath())).text();
  expect(
    (await browser.submit(page, "/login", { email: "ana@example.com", password: "correct horse battery" })).status,
  ).toBe(200);
  return browser;
}

function endFormFor(html: string, userAgent: string): string {
  const row = html.split("<tr>").find((r) => r.includes(userAgent));
  expect(row, `no row for ${userAgent}`).toBeDefined();
  return /name="sid" value="([^"]+)"/.exec(row!)![1]!;
}

describe("the sessions section", () => {
  it("lists every session with its browser, address and times, this one marked", async () => {
    const phone = await phoneSession();
    const laptop = await signedInBrowser();
    const html = await open(laptop, "sessions");
    expect(html).toContain("Phone browser/1.0");
    expect(html).toContain("IP address: 198.51.100.23");
    expect(html).toContain("IP address: 203.0.113.7");
    expect(html.match(/Signed in [A-Z][a-z]{2} \d{1,2}, \d{4}/g)).toHaveLength(2);
    expect(html.match(/Last active /g)).toHaveLength(2);
    const marked = html.split("<tr>").filter((row) => row.includes("This device:"));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain("latchkey-test-browser");
    expect((await phone.fetch(accountPath("sessions"))).status).toBe(200);
  });

  it("ends another session, and that session's refresh tokens", async () => {
    const phone = new Browser();
    phone.userAgent = "Phone browser/1.0";
    const callback = await authorizeWithSignIn(phone, "acme", codeRequest(w.app));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);

    const laptop = await signedInBrowser();
    const html = await open(laptop, "sessions");
    const response = await laptop.post(html, "/sessions/end", { sid: endFormFor(html, "Phone browser/1.0") });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/t/acme/account/sessions?done=session");
    const after = await (await laptop.fetch(response.headers.get("Location")!)).text();
    expect(after).toContain("The session was ended.");
    expect(after).not.toContain("Phone browser/1.0");

    expect((await phone.fetch(accountPath())).status).toBe(303);
    const refreshed = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token! },
      { Authorization: basic(w.app.client_id, w.app.client_secret) },
    );
    expect(refreshed.status).toBe(400);
    expect(await auditEvents(w.admin, "acme", "user.session_ended")).toHaveLength(1);
  });

  it("ending this browser's own session signs it out", async () => {
    const laptop = await signedInBrowser();
    const html = await open(laptop, "sessions");
    const response = await laptop.post(html, "/sessions/end", { sid: endFormFor(html, "latchkey-test-browser") });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/t/acme/account/signed-out");
    expect(laptop.cookie("__Host-lk-session-acme")).toBeUndefined();
    const page = await laptop.fetch("/t/acme/account/signed-out");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("You are signed out");
    expect((await laptop.fetch(accountPath("sessions"))).status).toBe(303);
  });

  it("signs out every other session at once", async () => {
    const phone = await phoneSession();
    const laptop = await signedInBrowser();
    const html = await open(laptop, "sessions");
    const response = await laptop.post(html, "/sessions/end-others", {});
    expect(response.status).toBe(303);
    expect((await phone.fetch(accountPath())).status).toBe(303);
    const after = await (await laptop.fetch(response.headers.get("Location")!)).text();
    expect(after).toContain("All your other sessions were ended.");
  });

  for (const [what, sid] of [
    ["an unknown session", "AAAAAAAAAAAAAAAAAAAAAA"],
    ["a malformed session id", "../../x"],
    ["no session id", ""],
  ] as const) {
    it(`refuses ${what} with a message, ending nothing`, async () => {
      const phone = await phoneSession();
      const laptop = await signedInBrowser();
      const html = await open(laptop, "sessions");
      const response = await laptop.post(html, "/sessions/end", { sid });
      const body = await response.text();
      expect(response.status).toBe(400);
      expect(body).toContain('role="alert"');
      expect(body).toContain("This session has already ended.");
      expect((await phone.fetch(accountPath())).status).toBe(200);
    });
  }

  it("a session of another user cannot be named", async () => {
    const phone = await phoneSession();
    const phoneSid = endFormFor(await open(phone, "sessions"), "Phone browser/1.0");
    // Bob, another user, tries to end Ana's phone session with its id.
    await createUser(w.admin, "acme", { email: "bob@example.com", password: "correct horse battery" });
    const bob = await signedInBrowser("bob@example.com");
    const html = await open(bob, "sessions");
    const response = await bob.post(html, "/sessions/end", { sid: phoneSid });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("This session has already ended.");
    expect((await phone.fetch(accountPath())).status).toBe(200);
  });
});

// Changing the email address: a code to the new address, the change only once it is
// entered (then verified), a note to the old address; a taken address looks the same
// to the requester; bad input re-renders; requests are rate limited.
import { beforeEach, describe, expect, it } from "vitest";
import { auditEvents, createUser, PASSWORD, world, type World } from "../flows/fixtures";
import {
  codeSentTo,
  emailCount,
  expectFormError,
  inputValue,
  lastEmail,
  open,
  signedInBrowser,
  userRow,
} from "./account-helpers";
import type { Browser } from "../flows/browser";

let w: World;

beforeEach(async () => {
  w = await world();
  const row = await userRow(w.user.id);
  expect(row.email_verified).toBe(1);
});

async function requestChange(browser: Browser, email: string) {
  const page = await open(browser, "email");
  const response = await browser.post(page, "/account/email", { email });
  return { response, html: response.status === 303 ? "" : await response.text() };
}

async function codePage(browser: Browser, email: string): Promise<string> {
  const { response } = await requestChange(browser, email);
  expect(response.status).toBe(303);
  expect(response.headers.get("Location")).toMatch(/^\/t\/acme\/account\/email\?flow=[A-Za-z0-9_-]{22}$/);
  const page = await browser.fetch(response.headers.get("Location")!);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`We sent a 6-digit code to ${email}`);
  return html;
}

describe("changing the email address", () => {
  it("takes effect only after the code sent to the new address, verified; the old address is told", async () => {
    const browser = await signedInBrowser();
    const page = await codePage(browser, "Ana.New@Example.org");
    // Nothing changed yet.
    expect((await userRow(w.user.id)).email).toBe("ana@example.com");
    const mail = await lastEmail("ana.new@example.org");
    expect(mail?.subject).toBe("Confirm your new email address");

    const confirmed = await browser.post(page, "/account/email/confirm", {
      code: await codeSentTo("ana.new@example.org"),
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("Location")).toBe("/t/acme/account/email?done=email");
    const row = await userRow(w.user.id);
    expect(row).toMatchObject({
      email: "Ana.New@Example.org",
      email_normalized: "ana.new@example.org",
      email_verified: 1,
    });

    const told = await lastEmail("ana@example.com");
    expect(told?.subject).toBe("Your acme email address was changed");
    expect(told?.text).toContain("Ana.New@Example.org");
    expect(await auditEvents(w.admin, "acme", "user.email_changed")).toHaveLength(1);

    // The code was single-use.
    const again = await browser.post(page, "/account/email/confirm", { code: "000000" });
    expect(again.status).toBe(400);
  });

  it("refuses a wrong code with the attempts left, keeps what was typed, changes nothing", async () => {
    const browser = await signedInBrowser();
    const page = await codePage(browser, "new@example.org");
    const right = await codeSentTo("new@example.org");
    const wrong = right === "111111" ? "222222" : "111111";
    const response = await browser.post(page, "/account/email/confirm", { code: wrong });
    const html = await response.text();
    expectFormError(response, html, 400, "This code is not correct. Attempts left: 4.");
    expect(inputValue(html, "code")).toBe(wrong);
    expect((await userRow(w.user.id)).email).toBe("ana@example.com");

    const empty = await browser.post(page, "/account/email/confirm", { code: "" });
    expectFormError(empty, await empty.text(), 400, "Enter the 6-digit code from the email.");
  });

  it("spends the code after five wrong attempts", async () => {
    const browser = await signedInBrowser();
    const page = await codePage(browser, "new@example.org");
    const right = await codeSentTo("new@example.org");
    const wrong = right === "111111" ? "222222" : "111111";
    for (let i = 0; i < 5; i++) await browser.post(page, "/account/email/confirm", { code: wrong });
    const response = await browser.post(page, "/account/email/confirm", { code: right });
    expectFormError(response, await response.text(), 400, "This code has expired");
    expect((await userRow(w.user.id)).email).toBe("ana@example.com");
  });

  const badAddresses: [string, string, string][] = [
    ["an empty address", "   ", "Enter the new email address."],
    ["an address without a domain", "ana@", "Enter a valid email address"],
    ["an address with spaces", "ana maria@example.org", "Enter a valid email address"],
    ["the current address in other case", "ANA@example.com", "This is already your email address."],
  ];
  for (const [what, typed, message] of badAddresses) {
    it(`refuses ${what}: 400, message, typed value kept, no email sent`, async () => {
      const browser = await signedInBrowser();
      const { response, html } = await requestChange(browser, typed);
      expectFormError(response, html, 400, message);
      expect(inputValue(html, "email")).toBe(typed.trim());
      expect(await emailCount(typed.trim())).toBe(0);
    });
  }

  it("answers the same for an address another user has; after the code, a generic refusal, nothing changed", async () => {
    await createUser(w.admin, "acme", { email: "taken@example.org", password: PASSWORD });
    const browser = await signedInBrowser();
    const page = await codePage(browser, "taken@example.org");
    const response = await browser.post(page, "/account/email/confirm", {
      code: await codeSentTo("taken@example.org"),
    });
    const html = await response.text();
    expectFormError(response, html, 400, "This email address cannot be used for your account.");
    expect((await userRow(w.user.id)).email).toBe("ana@example.com");
    expect(await emailCount("ana@example.com")).toBe(0);
  });

  it("does not let another user's session use a change someone else started", async () => {
    await createUser(w.admin, "acme", { email: "bob@example.com", password: PASSWORD });
    const ana = await signedInBrowser();
    const { response } = await requestChange(ana, "shared@example.org");
    const location = response.headers.get("Location")!;
    const bob = await signedInBrowser("bob@example.com");
    const bobPage = await bob.fetch(location);
    const html = await bobPage.text();
    expect(html).not.toContain("shared@example.org");
    expect(html).toContain('name="email"');
  });

  it("limits how many codes one user can ask for", async () => {
    const browser = await signedInBrowser();
    for (let i = 0; i < 5; i++) expect((await requestChange(browser, `n${i}@example.org`)).response.status).toBe(303);
    const { response, html } = await requestChange(browser, "n6@example.org");
    expectFormError(response, html, 429, /Too many requests\. Wait \d+ seconds/);
    expect(inputValue(html, "email")).toBe("n6@example.org");
    expect(await emailCount("n6@example.org")).toBe(0);
  });
});

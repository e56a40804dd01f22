// The email second factor (src/mfa/email-factor): a code through the dev outbox completes a
// password sign-in that needs two factors; wrong codes are counted; it is not offered when
// the first factor was an emailed code already.
import { beforeEach, describe, expect, it } from "vitest";
import { Browser } from "../flows/browser";
import { auditEvents, authorizePath, callbackOf, codeRequest, redeem, world, type World } from "../flows/fixtures";
import { codeIn, emailsTo, patchClient } from "../journeys/journey-helpers";
import { interactionIdOf, toSecondFactor } from "./totp-helpers";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false, tenant: { email_code_sign_in: true } });
  await patchClient(w.admin, "acme", w.app.client_id, { mfa_policy: "required" });
});

describe("a code by email as the second factor", () => {
  it("sends a code to the user's address; a wrong one is counted, the right one completes the sign-in", async () => {
    const { browser, html, url } = await toSecondFactor(w.app);
    expect(url.pathname).toMatch(/\/mfa\/email$/);
    expect(html).toContain("We will send a 6-digit code to ana@example.com.");
    const before = (await emailsTo("ana@example.com")).length;

    const codePage = await browser.submit(html, "/mfa/email/send", {});
    expect(codePage.status).toBe(200);
    const codeHtml = await codePage.text();
    expect(new URL(browser.lastUrl!).search).toMatch(/^\?flow=[A-Za-z0-9_-]{22}$/);
    expect(codeHtml).toContain("We sent a code to ana@example.com.");
    const mails = await emailsTo("ana@example.com");
    expect(mails).toHaveLength(before + 1);
    expect(mails[0]!.subject).toBe("Your acme verification code");
    const code = codeIn(mails[0]!);

    const wrong = await browser.submit(codeHtml, "/mfa/email/code", { code: code === "000000" ? "111111" : "000000" });
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain("That code is not right. Attempts left: 4.");
    expect(wrongHtml).toContain('aria-invalid="true"');

    const callback = callbackOf(await browser.submit(codeHtml, "/mfa/email/code", { code }));
    const { claims } = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect([...(claims.amr as string[])].sort()).toEqual(["mfa", "otp", "pwd"]);
    expect(claims.acr).toBe("urn:latchkey:loa:mfa");
    expect(await auditEvents(w.admin, "acme", "user.second_factor_verified")).toHaveLength(1);
  });

  it("sends a new code on request and the old one stops working", async () => {
    const { browser, html } = await toSecondFactor(w.app);
    const first = await (await browser.submit(html, "/mfa/email/send", {})).text();
    const oldCode = codeIn((await emailsTo("ana@example.com"))[0]!);
    const resent = await browser.submit(first, "/mfa/email/send", {});
    const resentHtml = await resent.text();
    expect(resentHtml).toContain("We sent a new code.");
    const newCode = codeIn((await emailsTo("ana@example.com"))[0]!);
    if (oldCode !== newCode) {
      const stale = await browser.submit(first, "/mfa/email/code", { code: oldCode });
      expect(stale.status).toBe(200);
      expect(await stale.text()).toContain("That code has expired or was used up.");
    }
    callbackOf(await browser.submit(resentHtml, "/mfa/email/code", { code: newCode }));
  });

  it("is not offered after an email code sign-in: the same inbox is not a second factor", async () => {
    const browser = new Browser();
    const start = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    const id = interactionIdOf(browser.lastUrl!);
    expect(start.status).toBe(200);
    const requestPage = await (await browser.fetch(`/t/acme/interaction/${id}/email-code`)).text();
    const codePage = await (await browser.submit(requestPage, "/email-code", { email: "ana@example.com" })).text();
    const code = codeIn((await emailsTo("ana@example.com"))[0]!);
    await browser.submit(codePage, "/email-code/code", { code });
    // The only way left is to set up an authenticator app.
    expect(new URL(browser.lastUrl!).pathname).toBe(`/t/acme/interaction/${id}/mfa/enroll`);
    const email = await browser.fetch(`/t/acme/interaction/${id}/mfa/email`);
    expect(email.status).toBe(404);
    expect(await email.text()).toContain("A code by email cannot be the second step of this sign-in.");
  });
});

// Setting up an authenticator app during sign-in (src/mfa/totp/enroll-routes.tsx): the app
// requires two factors, the user has none they can use; the QR code and a first code from
// otpauth, the recovery codes once, then the sign-in completes with amr otp.
import { beforeEach, describe, expect, it } from "vitest";
import { BASE } from "../helpers";
import { auditEvents, callbackOf, redeem, world, type World } from "../flows/fixtures";
import { patchClient } from "../journeys/journey-helpers";
import { expectNotices } from "./notification-helpers";
import { awayFromStepBoundary, codeAt, factorsOf, interactionIdOf, textOf, toSecondFactor } from "./totp-helpers";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false });
  await patchClient(w.admin, "acme", w.app.client_id, { mfa_policy: "required" });
});

describe("inline set-up", () => {
  it("sets up an app, shows the recovery codes once, and completes the sign-in with it", async () => {
    const { browser, url } = await toSecondFactor(w.app);
    const id = interactionIdOf(url.pathname);
    const intro = await browser.navigate(`/t/acme/interaction/${id}/mfa/enroll`);
    expect(intro.status).toBe(200);
    const introHtml = await intro.text();
    expect(introHtml).toContain("Set up two-step verification");

    const setup = await browser.submit(introHtml, "/mfa/enroll/start", {});
    const setupHtml = await setup.text();
    expect(setupHtml).toMatch(/<svg[^>]*role="img"/);
    const secret = textOf(setupHtml, "totp-secret")!;

    const wrong = await browser.submit(setupHtml, "/mfa/enroll/confirm", { code: "12345" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("The code has 6 digits.");

    await awayFromStepBoundary();
    const codesPage = await browser.submit(setupHtml, "/mfa/enroll/confirm", { code: codeAt(secret) });
    expect(codesPage.status).toBe(200);
    const codesHtml = await codesPage.text();
    expect([...codesHtml.matchAll(/<li><code>/g)]).toHaveLength(10);
    // No session yet: the codes page is a step of the sign-in.
    expect(browser.cookieNames().some((name) => name.includes("session"))).toBe(false);
    // A reload does not show them again.
    const reload = await browser.fetch(browser.lastUrl!);
    expect(await reload.text()).not.toContain("<li><code>");

    const callback = callbackOf(await browser.submit(codesHtml, "/mfa/enroll/done", {}));
    const { claims } = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect([...(claims.amr as string[])].sort()).toEqual(["mfa", "otp", "pwd"]);

    expect(await (await factorsOf()).factors.summary(w.user.id)).toEqual({ passkeys: 0, totp: 1, recoveryCodes: 10 });
    const enrolled = await auditEvents(w.admin, "acme", "totp.enrolled");
    expect(enrolled).toHaveLength(1);
    const codes = [...codesHtml.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    await expectNotices("ana@example.com", ["authenticatorAdded"], {
      section: "mfa",
      secrets: [secret.replace(/ /g, ""), ...codes],
    });
  });

  it("cannot be used to skip the second factor: done without a confirmed app leads back to the choice", async () => {
    const { browser, url } = await toSecondFactor(w.app);
    const id = interactionIdOf(url.pathname);
    const introHtml = await (await browser.navigate(`/t/acme/interaction/${id}/mfa/enroll`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(introHtml)![1]!;
    const forged = await browser.fetch(`/t/acme/interaction/${id}/mfa/enroll/done`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
      body: new URLSearchParams({ csrf, key: "AAAAAAAAAAAAAAAAAAAAAA" }),
    });
    expect(forged.status).toBe(303);
    expect(forged.headers.get("Location")).toBe(`/t/acme/interaction/${id}/mfa`);
    expect(browser.cookieNames().some((name) => name.includes("session"))).toBe(false);
  });
});

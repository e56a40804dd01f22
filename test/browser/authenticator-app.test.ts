// Two-step verification in Chromium: an authenticator app set up from the account page
// (the secret read from the page and turned into codes by otpauth, as an app would), the
// recovery codes shown once, then a sign-in to an app that asks for the app's code.
import type * as client from "openid-client";
import * as OTPAuth from "otpauth";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../node/oidc/support.js";
import { authorizationRequest, redeem } from "./support/app.js";
import { customer, expectHeading, signInWithPassword, type Customer } from "./support/customer.js";
import { inspectPage } from "./support/inspect.js";
import { registerApp, useWorld } from "./support/world.js";

const SLUG = "authapp";
const EMAIL = "ana@example.com";
const world = useWorld();
let issuer: string;
let config: client.Configuration;
let you: Customer | undefined;

beforeAll(async () => {
  issuer = await world.admin.createTenant(SLUG);
  await world.admin.createUser(SLUG, EMAIL);
  config = await registerApp(world, SLUG);
});

afterEach(async () => {
  await you?.context.close();
  you = undefined;
});

/** The code the app shows `steps` time steps from now. */
function codeAt(secret: string, steps = 0): string {
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, "")),
    digits: 6,
    period: 30,
    timestamp: Date.now() + steps * 30_000,
  });
}

describe("authenticator app in Chromium", () => {
  it("is set up from the account page and then asked for at sign-in", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    await page.goto(`${issuer}/account/mfa`);
    await expectHeading(page, "Sign in");
    await signInWithPassword(page, EMAIL, PASSWORD);
    await expectHeading(page, "Two-step verification");
    await inspectPage(page, "authenticator-overview");

    await page.getByLabel("Name of the new app (optional)").fill("Pixel");
    await page.getByRole("button", { name: "Add an authenticator app" }).click();
    await expect.poll(() => page.locator("#totp-secret").isVisible()).toBe(true);
    expect(await page.getByRole("img", { name: "QR code to scan with your authenticator app" }).count()).toBe(1);
    const secret = (await page.locator("#totp-secret").textContent())!.trim();
    expect(secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    await inspectPage(page, "authenticator-setup");

    // A wrong code first: the message is tied to the field.
    const right = codeAt(secret);
    await page.getByLabel("Code from the app").fill(right === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect
      .poll(() =>
        page
          .getByText(/That code is not right/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    expect(await page.getByLabel("Code from the app").getAttribute("aria-invalid")).toBe("true");
    await inspectPage(page, "authenticator-setup-wrong");

    await page.getByLabel("Code from the app").fill(codeAt(secret));
    await page.getByRole("button", { name: "Confirm" }).click();
    await expectHeading(page, "Two-step verification");
    await expect.poll(() => page.locator("#recovery-codes li").count()).toBe(10);
    expect(await page.getByRole("link", { name: "Download as a text file" }).getAttribute("download")).toBe(
      "recovery-codes.txt",
    );
    await inspectPage(page, "authenticator-recovery-codes");
    await page.getByRole("button", { name: "I saved them, continue" }).click();
    await expect.poll(() => page.getByRole("cell", { name: /Pixel/ }).count()).toBeGreaterThan(0);
    expect(await page.locator("#codes-remaining").textContent()).toContain("10");
    await inspectPage(page, "authenticator-listed");
    await you.context.close();

    // A new browser signs in to the app: password, then the app's code.
    you = await customer(world.chromium);
    const signIn = you.page;
    const pending = await authorizationRequest(config, world.app);
    await signIn.goto(pending.url.href);
    await expectHeading(signIn, "Sign in");
    await signInWithPassword(signIn, EMAIL, PASSWORD);
    await expectHeading(signIn, "Enter the code from your authenticator app");
    await inspectPage(signIn, "authenticator-sign-in");
    // The next step's code: the current one may be the one the set-up spent.
    await signIn.getByLabel("Code from the app").fill(codeAt(secret, 1));
    await signIn.getByRole("button", { name: "Verify" }).click();
    const tokens = await redeem(config, await world.app.next(), pending);
    const claims = tokens.claims()!;
    expect([...(claims.amr as string[])].sort()).toEqual(["mfa", "otp", "pwd"]);
    expect(claims.acr).toBe("urn:latchkey:loa:mfa");
  });
});

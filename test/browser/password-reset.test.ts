// Password reset from the sign-in page: the request form (and its error), the code from
// the dev outbox with the new password (and a mismatch refused), the confirmation, then
// back to the same sign-in with the new password while the old one no longer works.
import type * as oidc from "openid-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../node/oidc/support.js";
import { authorizationRequest, redeem } from "./support/app.js";
import { customer, expectHeading, signInWithPassword, type Customer } from "./support/customer.js";
import { inspectPage } from "./support/inspect.js";
import { codeIn, nextEmail, seenEmails } from "./support/outbox.js";
import { registerApp, useWorld } from "./support/world.js";

const SLUG = "reset";
const world = useWorld();
let config: oidc.Configuration;
let you: Customer | undefined;
const email = "rosa@example.com";

beforeAll(async () => {
  await world.admin.createTenant(SLUG);
  await world.admin.createUser(SLUG, email);
  config = await registerApp(world, SLUG, { client_name: "Reset Shop" });
});

afterEach(async () => {
  await you?.context.close();
  you = undefined;
});

describe("password reset in Chromium", () => {
  it("resets the password with the emailed code and signs in with the new one", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    const app = world.app;
    const newPassword = "lemon trees in winter";

    const pending = await authorizationRequest(config, world.app);
    await page.goto(pending.url.href);
    await expectHeading(page, "Sign in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expectHeading(page, "Reset your password");
    await inspectPage(page, "password-reset");

    await page.getByLabel("Email", { exact: true }).fill("not an address");
    await page.getByRole("button", { name: "Send code" }).click();
    await expect
      .poll(() => page.getByText("Enter a valid email address, like name@example.com.").isVisible())
      .toBe(true);
    expect(await page.getByLabel("Email", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe("not an address");
    await inspectPage(page, "password-reset-errors");

    const seen = await seenEmails(world.worker.baseUrl, email);
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByRole("button", { name: "Send code" }).click();
    await expectHeading(page, "Check your email");
    await inspectPage(page, "password-reset-code");
    const code = codeIn(await nextEmail(world.worker.baseUrl, email, seen));

    // Two different passwords: refused, nothing changed, and neither password comes back.
    await page.getByLabel("Code from the email").fill(code);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Repeat the new password").fill("lemon trees in summer");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByText("The two passwords are not the same.").isVisible()).toBe(true);
    expect(await page.getByLabel("New password", { exact: true }).inputValue()).toBe("");
    expect(await page.getByLabel("Repeat the new password").inputValue()).toBe("");
    await inspectPage(page, "password-reset-code-errors");

    await page.getByLabel("Code from the email").fill(code);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Repeat the new password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expectHeading(page, "Password changed");
    await inspectPage(page, "password-reset-done");

    // Back to the sign-in the customer came from: the old password fails, the new one works.
    await page.getByRole("link", { name: "Back to sign-in" }).click();
    await expectHeading(page, "Sign in");
    await signInWithPassword(page, email, PASSWORD);
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Incorrect email or password.");
    await page.getByLabel("Password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const tokens = await redeem(config, await app.next(), pending);
    expect(tokens.claims()?.email).toBe(email);
  });

  it("a code entered wrongly too often is spent: the page says so and offers a new one", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    const seen = await seenEmails(world.worker.baseUrl, email);
    await page.goto(`${world.worker.baseUrl}/t/${SLUG}/password-reset`);
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByRole("button", { name: "Send code" }).click();
    await expectHeading(page, "Check your email");
    const code = codeIn(await nextEmail(world.worker.baseUrl, email, seen));
    const wrong = code === "000000" ? "111111" : "000000";
    // Five wrong codes spend it (each answer says how many attempts are left).
    for (let attempt = 1; attempt <= 6 && (await page.getByLabel("Code from the email").count()) > 0; attempt++) {
      await page.getByLabel("Code from the email").fill(wrong);
      await page.getByLabel("New password", { exact: true }).fill("a brand new password");
      await page.getByLabel("Repeat the new password").fill("a brand new password");
      await page.getByRole("button", { name: "Change password" }).click();
      const answer = new RegExp(`Attempts left: ${5 - attempt}\\.|This code has expired`);
      await expect.poll(() => page.getByText(answer).count()).toBe(1);
    }
    await expect
      .poll(() => page.getByRole("alert").first().textContent())
      .toBe("This code has expired or was entered wrongly too often. Ask for a new code.");
    await inspectPage(page, "password-reset-expired");
    await page.getByRole("link", { name: "Ask for a new code" }).click();
    await expectHeading(page, "Reset your password");
  });
});

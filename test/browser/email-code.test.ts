// Passwordless sign-in by emailed code, offered by the tenant: the link on the sign-in
// page, the email form, a wrong code refused, the right one from the dev outbox signing
// the customer in to the app (amr otp).
import type * as oidc from "openid-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { authorizationRequest, redeem } from "./support/app.js";
import { customer, expectHeading, type Customer } from "./support/customer.js";
import { inspectPage } from "./support/inspect.js";
import { codeIn, nextEmail, seenEmails } from "./support/outbox.js";
import { registerApp, useWorld } from "./support/world.js";

const SLUG = "codes";
const world = useWorld();
let config: oidc.Configuration;
let you: Customer | undefined;
const email = "noor@example.com";

beforeAll(async () => {
  await world.admin.createTenant(SLUG, { email_code_sign_in: true });
  await world.admin.createUser(SLUG, email);
  config = await registerApp(world, SLUG, { client_name: "Code Shop" });
});

afterEach(async () => {
  await you?.context.close();
  you = undefined;
});

describe("email-code sign-in in Chromium", () => {
  it("signs in with the code emailed to the address", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    const app = world.app;
    const pending = await authorizationRequest(config, world.app);
    await page.goto(pending.url.href);
    await expectHeading(page, "Sign in");
    await page.getByRole("link", { name: "Email me a sign-in code" }).click();
    await expectHeading(page, "Sign in with a code");
    await inspectPage(page, "email-code");

    await page.getByRole("button", { name: "Send code" }).click();
    await expect.poll(() => page.getByText("Enter your email address.").first().isVisible()).toBe(true);
    await inspectPage(page, "email-code-errors");

    const seen = await seenEmails(world.worker.baseUrl, email);
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByRole("button", { name: "Send code" }).click();
    await expectHeading(page, "Check your email");
    await inspectPage(page, "email-code-code");
    const code = codeIn(await nextEmail(world.worker.baseUrl, email, seen));

    await page.getByLabel("Sign-in code").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect
      .poll(() =>
        page
          .getByText(/This code is not right/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    expect(await page.getByLabel("Sign-in code").getAttribute("aria-invalid")).toBe("true");
    await inspectPage(page, "email-code-wrong");

    await page.getByLabel("Sign-in code").fill(code);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const tokens = await redeem(config, await app.next(), pending);
    expect(tokens.claims()).toMatchObject({ email, amr: ["otp"] });
  });
});

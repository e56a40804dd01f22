// Progressive profiling: the tenant asks at the second sign-in for a last name (optional,
// skippable), and asks for a phone number (required) when an app requests the phone scope;
// a wrong number is refused on the page, a right one saved and released to the app.
import * as client from "openid-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../node/oidc/support.js";
import { authorizationRequest, redeem } from "./support/app.js";
import { customer, expectHeading, signInWithPassword, type Customer } from "./support/customer.js";
import { inspectPage } from "./support/inspect.js";
import { registerApp, useWorld } from "./support/world.js";

const SLUG = "profiling";
const world = useWorld();
let config: client.Configuration;
let you: Customer | undefined;
const email = "kai@example.com";

beforeAll(async () => {
  await world.admin.createTenant(SLUG, {
    profiling_rules: [
      { id: "second-visit", after_sign_ins: 2, attributes: [{ name: "family_name", required: false }] },
      { id: "phone", scope: "phone", attributes: [{ name: "phone_number", required: true }] },
    ],
  });
  await world.admin.createUser(SLUG, email, { given_name: "Kai" });
  config = await registerApp(world, SLUG, { client_name: "Profile Shop" });
});

afterEach(async () => {
  await you?.context.close();
  you = undefined;
});

/** A new browser (a new sign-in) up to the first page after the password. */
async function signIn(extra: Record<string, string> = {}) {
  await you?.context.close();
  you = await customer(world.chromium);
  const pending = await authorizationRequest(config, world.app, extra);
  await you.page.goto(pending.url.href);
  await signInWithPassword(you.page, email, PASSWORD);
  return pending;
}

describe("progressive profiling in Chromium", () => {
  it("asks at the second sign-in (skippable) and for a phone number when the app wants it", async () => {
    const first = await signIn();
    expect((await redeem(config, await world.app.next(), first)).claims()?.email).toBe(email);

    const second = await signIn();
    const page = you!.page;
    await expectHeading(page, "Complete your profile");
    expect(await page.getByLabel("Last name (optional)").isVisible()).toBe(true);
    await inspectPage(page, "profile-optional");
    await page.getByRole("button", { name: "Skip for now" }).click();
    const skipped = await redeem(config, await world.app.next(), second);
    expect(skipped.claims()?.family_name).toBeUndefined();

    const third = await signIn({ scope: "openid profile email phone" });
    const next = you!.page;
    await expectHeading(next, "Complete your profile");
    // A required field: no skipping.
    expect(await next.getByRole("button", { name: "Skip for now" }).count()).toBe(0);
    await next.getByLabel("Phone number").fill("0170 123");
    await next.getByLabel("Last name (optional)").fill("Nakamura");
    await next.getByRole("button", { name: "Save and continue" }).click();
    await expect
      .poll(() => next.getByText("Enter the number in international format, such as +14155550123.").isVisible())
      .toBe(true);
    expect(await next.getByLabel("Phone number").getAttribute("aria-invalid")).toBe("true");
    expect(await next.getByLabel("Last name (optional)").inputValue()).toBe("Nakamura");
    await inspectPage(next, "profile-errors");

    await next.getByLabel("Phone number").fill("+4917012345678");
    await next.getByRole("button", { name: "Save and continue" }).click();
    const tokens = await redeem(config, await world.app.next(), third);
    const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(info).toMatchObject({ phone_number: "+4917012345678", family_name: "Nakamura" });
  });
});

// The account page at {issuer}/account, signed in through the hosted sign-in: profile
// edits (a bad value refused), email change confirmed by the code sent to the new address,
// password change (a wrong current password refused), sessions, connected apps (a
// third-party app disconnected), consents, the data download, and account deletion.
import { readFile } from "node:fs/promises";
import * as client from "openid-client";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../node/oidc/support.js";
import { authorizationRequest, redeem } from "./support/app.js";
import { customer, expectHeading, signInWithPassword, type Customer } from "./support/customer.js";
import { inspectPage } from "./support/inspect.js";
import { codeIn, nextEmail, seenEmails } from "./support/outbox.js";
import { registerApp, useWorld } from "./support/world.js";

const SLUG = "account";
const world = useWorld();
let issuer: string;
let partner: client.Configuration;
let you: Customer | undefined;

beforeAll(async () => {
  issuer = await world.admin.createTenant(SLUG, {
    terms_url: "https://shop.example/terms",
    terms_version: "2026-01",
    marketing_consent_version: "m1",
    profiling_rules: [{ id: "phone", scope: "phone", attributes: [{ name: "phone_number", required: false }] }],
  });
  partner = await registerApp(world, SLUG, { client_name: "Partner Portal", first_party: false });
  const codes = await world.admin.call("PATCH", `/tenants/${SLUG}`, { email_code_sign_in: true });
  expect(codes.status, JSON.stringify(codes.body)).toBe(200);
});

afterEach(async () => {
  await you?.context.close();
  you = undefined;
});

function section(page: Page, name: string) {
  return page.getByRole("navigation", { name: "Account sections" }).getByRole("link", { name, exact: true });
}

async function openAccount(email: string, password = PASSWORD): Promise<Page> {
  you = await customer(world.chromium);
  const { page } = you;
  await page.goto(`${issuer}/account`);
  await expectHeading(page, "Sign in");
  await signInWithPassword(page, email, password);
  await expectHeading(page, "Your profile");
  return page;
}

/** Opens the account page of a customer without a password, signing in by emailed code. */
async function openAccountByCode(email: string): Promise<Page> {
  you = await customer(world.chromium);
  const { page } = you;
  await page.goto(`${issuer}/account`);
  await page.getByRole("link", { name: "Email me a sign-in code" }).click();
  const seen = await seenEmails(world.worker.baseUrl, email);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByLabel("Sign-in code").fill(codeIn(await nextEmail(world.worker.baseUrl, email, seen)));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expectHeading(page, "Your profile");
  return page;
}

async function createPasswordless(email: string) {
  const created = await world.admin.call("POST", `/tenants/${SLUG}/users`, { email, email_verified: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}

describe("account page in Chromium", () => {
  it("edits the profile, email and password; lists sessions, apps and consents", async () => {
    const email = "lea@example.com";
    await world.admin.createUser(SLUG, email, { given_name: "Lea" });
    // A third-party app Lea allowed, to find under connected apps.
    you = await customer(world.chromium);
    const pending = await authorizationRequest(partner, world.app);
    await you.page.goto(pending.url.href);
    await signInWithPassword(you.page, email, PASSWORD);
    await you.page.getByRole("button", { name: "Allow" }).click();
    await redeem(partner, await world.app.next(), pending);
    await you.context.close();

    const page = await openAccount(email);
    expect(await page.getByLabel(/^First name/).inputValue()).toBe("Lea");
    await inspectPage(page, "account-profile");

    await page.getByLabel(/^Last name/).fill("Weber");
    await page.getByLabel(/^Phone number/).fill("12 34");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("Some fields need your attention");
    expect(await page.getByLabel(/^Phone number/).getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel(/^Last name/).inputValue()).toBe("Weber");
    await inspectPage(page, "account-profile-errors");
    await page.getByLabel(/^Phone number/).fill("+4930123456");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe("Your profile was saved.");
    expect(await page.getByLabel(/^Last name/).inputValue()).toBe("Weber");

    // Email: the code goes to the new address; the change takes effect once it is entered.
    const newEmail = "lea.weber@example.com";
    await section(page, "Email").click();
    await expectHeading(page, "Email address");
    await inspectPage(page, "account-email");
    const seen = await seenEmails(world.worker.baseUrl, newEmail);
    await page.getByLabel("New email address").fill(newEmail);
    await page.getByRole("button", { name: "Send code" }).click();
    await expect.poll(() => page.getByLabel("Code", { exact: true }).isVisible()).toBe(true);
    await inspectPage(page, "account-email-code");
    await page.getByLabel("Code", { exact: true }).fill(codeIn(await nextEmail(world.worker.baseUrl, newEmail, seen)));
    await page.getByRole("button", { name: "Confirm new address" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe("Your email address was changed.");

    // Password: the current one is required.
    const newPassword = "a harbour full of boats";
    await section(page, "Password").click();
    await expectHeading(page, "Password");
    await inspectPage(page, "account-password");
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Repeat the new password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByText("Your current password is not correct.").isVisible()).toBe(true);
    expect(await page.getByLabel("Current password").inputValue()).toBe("");
    await inspectPage(page, "account-password-errors");
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Repeat the new password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect
      .poll(() => page.getByRole("status").first().textContent())
      .toBe("Your password was changed. Your other sessions were signed out.");

    await section(page, "Sessions").click();
    await expectHeading(page, "Where you are signed in");
    expect(await page.getByText("This device:").count()).toBeGreaterThan(0);
    await inspectPage(page, "account-sessions");

    await section(page, "Connected apps").click();
    await expectHeading(page, "Connected apps");
    await inspectPage(page, "account-apps");
    await page.getByRole("button", { name: "Disconnect Partner Portal" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe("The app was disconnected.");
    expect(await page.getByRole("button", { name: "Disconnect Partner Portal" }).count()).toBe(0);

    await section(page, "Consents").click();
    await expectHeading(page, "Consents and preferences");
    await inspectPage(page, "account-consents");
    await page.getByLabel(/^Send me news and offers/).check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe("Your preferences were saved.");
    expect(await page.getByLabel(/^Send me news and offers/).isChecked()).toBe(true);

    // Signing out this browser from the sessions list.
    await section(page, "Sessions").click();
    await page.getByRole("button", { name: "Sign out here" }).click();
    await expectHeading(page, "You are signed out");
    await inspectPage(page, "account-signed-out");

    // The new address and password sign in from a fresh browser.
    await you!.context.close();
    const again = await openAccount(newEmail, newPassword);
    expect(await again.getByLabel(/^Last name/).inputValue()).toBe("Weber");
  });

  it("downloads the data as JSON and deletes the account", async () => {
    const email = "tom@example.com";
    await world.admin.createUser(SLUG, email, { given_name: "Tom" });
    const page = await openAccount(email);

    await section(page, "Your data").click();
    await expectHeading(page, "Your data");
    await inspectPage(page, "account-data");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download my data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${SLUG}-account-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const data = JSON.parse(await readFile(await download.path(), "utf8")) as Record<string, unknown>;
    expect(JSON.stringify(data)).toContain(email);
    expect(JSON.stringify(data)).toContain("Tom");

    await page.getByRole("link", { name: "Delete my account" }).click();
    await expectHeading(page, "Delete your account");
    await inspectPage(page, "account-delete");
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect
      .poll(() => page.getByText("Tick the box to confirm that you want to delete your account.").isVisible())
      .toBe(true);
    await inspectPage(page, "account-delete-errors");
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByLabel("I understand that my account will be deleted for good.").check();
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expectHeading(page, "Your account was deleted");
    await inspectPage(page, "account-deleted");

    // Gone: the account page asks to sign in, and the old credentials no longer work.
    await page.goto(`${issuer}/account`);
    await expectHeading(page, "Sign in");
    await signInWithPassword(page, email, PASSWORD);
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Incorrect email or password.");
  });

  it("without a password: sets one by emailed code, or deletes the account by emailed code", async () => {
    const setter = "no-password@example.com";
    await createPasswordless(setter);
    const page = await openAccountByCode(setter);
    await section(page, "Password").click();
    await expectHeading(page, "Password");
    expect(
      await page
        .getByText("Your account has no password: you sign in with a code sent to your email address.")
        .isVisible(),
    ).toBe(true);
    await inspectPage(page, "account-password-none");
    const seen = await seenEmails(world.worker.baseUrl, setter);
    await page.getByRole("button", { name: "Send code" }).click();
    await expect.poll(() => page.getByLabel("Code", { exact: true }).isVisible()).toBe(true);
    await inspectPage(page, "account-password-set-code");
    const newPassword = "tea with lemon and honey";
    await page.getByLabel("Code", { exact: true }).fill(codeIn(await nextEmail(world.worker.baseUrl, setter, seen)));
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Repeat the new password").fill(newPassword);
    await page.getByRole("button", { name: "Set password" }).click();
    // Now the section asks for the current password, and the new one signs in.
    await expect.poll(() => page.getByLabel("Current password").isVisible()).toBe(true);
    await you!.context.close();
    await openAccount(setter, newPassword);
    await you!.context.close();

    const leaver = "leaving@example.com";
    await createPasswordless(leaver);
    const other = await openAccountByCode(leaver);
    await section(other, "Delete account").click();
    await expectHeading(other, "Delete your account");
    await inspectPage(other, "account-delete-by-code");
    const before = await seenEmails(world.worker.baseUrl, leaver);
    await other.getByRole("button", { name: "Send code" }).click();
    await expect.poll(() => other.getByLabel("Code", { exact: true }).isVisible()).toBe(true);
    await inspectPage(other, "account-delete-code");
    await other.getByLabel("Code", { exact: true }).fill(codeIn(await nextEmail(world.worker.baseUrl, leaver, before)));
    await other.getByLabel("I understand that my account will be deleted for good.").check();
    await other.getByRole("button", { name: "Delete my account" }).click();
    await expectHeading(other, "Your account was deleted");
  });
});

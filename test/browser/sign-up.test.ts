// Sign-up with custom attributes, verification of the address through the dev outbox
// (the emailed code, then the emailed link), the app redeeming the code, sign-out and a
// password sign-in with the new account; and the verification step a tenant can require
// before tokens. Every page is screenshotted and checked with axe-core.
import type * as oidc from "openid-client";
import * as client from "openid-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { authorizationRequest, redeem } from "./support/app.js";
import { customer, expectHeading, signInWithPassword, type Customer } from "./support/customer.js";
import { tabThrough } from "./support/focus.js";
import { inspectPage } from "./support/inspect.js";
import { codeIn, linksIn, nextEmail, seenEmails } from "./support/outbox.js";
import { registerApp, useWorld } from "./support/world.js";

const SLUG = "signup";
const VERIFY = "verify";
const world = useWorld();
let config: oidc.Configuration;
let verifyConfig: oidc.Configuration;
let you: Customer | undefined;

beforeAll(async () => {
  await world.admin.createTenant(SLUG, {
    terms_url: "https://shop.example/terms",
    terms_version: "2026-01",
    privacy_url: "https://shop.example/privacy",
    privacy_version: "v3",
    marketing_consent_version: "m1",
  });
  const member = await world.admin.call("POST", `/tenants/${SLUG}/attributes`, {
    name: "member_number",
    type: "string",
    labels: { en: "Member number", de: "Mitgliedsnummer", fr: "Numéro de membre", es: "Número de socio" },
    pattern: "[A-Z]{2}-\\d{4}",
    required: true,
  });
  expect(member.status, JSON.stringify(member.body)).toBe(201);
  const size = await world.admin.call("POST", `/tenants/${SLUG}/attributes`, {
    name: "shirt_size",
    type: "string",
    labels: { en: "Shirt size" },
    enum_values: ["S", "M", "L", "XL"],
  });
  expect(size.status, JSON.stringify(size.body)).toBe(201);
  const settings = await world.admin.call("PATCH", `/tenants/${SLUG}`, {
    sign_up_attributes: [
      { name: "given_name", required: true },
      { name: "member_number", required: true },
      { name: "shirt_size", required: false },
    ],
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  config = await registerApp(world, SLUG, { client_name: "Shop" });

  await world.admin.createTenant(VERIFY, { require_verified_email: true });
  verifyConfig = await registerApp(world, VERIFY, { client_name: "Verified Shop" });
});

afterEach(async () => {
  await you?.context.close();
  you = undefined;
});

describe("sign-up in Chromium", () => {
  it("signs up with custom attributes, verifies by the emailed code, signs out and in again", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    const app = world.app;
    const email = "maria@example.com";
    const password = "a walk along the river";

    const pending = await authorizationRequest(config, world.app);
    await page.goto(pending.url.href);
    await expectHeading(page, "Sign in");
    await page.getByRole("link", { name: "Create an account" }).click();
    await expectHeading(page, "Create your account");
    await inspectPage(page, "sign-up");
    // By keyboard: fields, select, links, checkboxes and buttons all show their focus.
    const stops = await tabThrough(page, 11);
    expect(stops.filter((s) => !s.visible)).toEqual([]);
    expect(stops.map((s) => s.element)).toEqual(
      expect.arrayContaining([
        "input email",
        "input password",
        "input legal",
        "input marketing",
        "button Create account",
      ]),
    );

    // Bad input: a member number in the wrong format, the terms not accepted.
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByLabel("First name").fill("María");
    await page.getByLabel("Member number").fill("12345");
    await page.getByLabel(/^Shirt size/).selectOption("M");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("Check the fields marked below");
    await inspectPage(page, "sign-up-errors");
    const memberField = page.getByLabel("Member number");
    expect(await memberField.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByText("This value is not in the expected format.").isVisible()).toBe(true);
    expect(await page.getByText("You must accept these to create an account.").isVisible()).toBe(true);
    // What was typed stays, except the password.
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe(email);
    expect(await page.getByLabel("First name").inputValue()).toBe("María");
    expect(await page.getByLabel(/^Shirt size/).inputValue()).toBe("M");
    expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");

    const seen = await seenEmails(world.worker.baseUrl, email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await memberField.fill("AB-1234");
    await page.getByLabel("I accept the terms of service and the privacy policy").check();
    await page.getByLabel(/^Send me news and offers by email/).check();
    await page.getByRole("button", { name: "Create account" }).click();
    await expectHeading(page, "Check your email");
    await inspectPage(page, "sign-up-code");

    const mail = await nextEmail(world.worker.baseUrl, email, seen);
    const code = codeIn(mail);
    const wrong = code === "000000" ? "111111" : "000000";
    await page.getByLabel("Code", { exact: true }).fill(wrong);
    await page.getByRole("button", { name: "Confirm and create account" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/This code is not right/);
    await inspectPage(page, "sign-up-code-wrong");
    await page.getByLabel("Code", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Confirm and create account" }).click();
    // Signed up: a passkey is offered before going on to the app.
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in faster next time");
    await inspectPage(page, "sign-up-passkey-offer");
    await page.getByRole("link", { name: "Not now" }).click();

    const tokens = await redeem(config, await app.next(), pending);
    const claims = tokens.claims()!;
    expect(claims.email).toBe(email);
    expect(claims.email_verified).toBe(true);
    const profile = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(profile.given_name).toBe("María");

    // The consents were recorded: terms, privacy and marketing, from the sign-up.
    const users = await world.admin.call<{
      data: { id: string; email: string; custom_attributes?: Record<string, unknown> }[];
    }>("GET", `/tenants/${SLUG}/users?email=${encodeURIComponent(email)}`);
    const user = users.body.data.find((u) => u.email === email)!;
    expect(user.custom_attributes).toMatchObject({ member_number: "AB-1234", shirt_size: "M" });
    const records = await world.admin.call<{ data: { purpose: string; granted: boolean }[] }>(
      "GET",
      `/tenants/${SLUG}/users/${user.id}/consent-records`,
    );
    expect(records.body.data.map((r) => `${r.purpose}:${r.granted}`).sort()).toEqual([
      "marketing:true",
      "privacy:true",
      "terms:true",
    ]);

    // Sign out (confirmed on the page), then sign in with the new password.
    await page.goto(client.buildEndSessionUrl(config, {}).href);
    await expectHeading(page, "Sign out?");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expectHeading(page, "You are signed out");
    const again = await authorizationRequest(config, world.app);
    await page.goto(again.url.href);
    await expectHeading(page, "Sign in");
    await signInWithPassword(page, email, password);
    const second = await redeem(config, await app.next(), again);
    expect(second.claims()?.sub).toBe(claims.sub);
  });

  it("the emailed link fills in the code in the browser that started the sign-up", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    const app = world.app;
    const email = "link@example.com";
    const pending = await authorizationRequest(config, world.app, { prompt: "create" });
    await page.goto(pending.url.href);
    await expectHeading(page, "Create your account");
    const seen = await seenEmails(world.worker.baseUrl, email);
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill("paper lanterns at dusk");
    await page.getByLabel("First name").fill("Lin");
    await page.getByLabel("Member number").fill("CD-5678");
    await page.getByLabel("I accept the terms of service and the privacy policy").check();
    await page.getByRole("button", { name: "Create account" }).click();
    await expectHeading(page, "Check your email");

    const mail = await nextEmail(world.worker.baseUrl, email, seen);
    const link = linksIn(mail).find((url) => url.searchParams.has("code"));
    expect(link, mail.text).toBeDefined();
    await page.goto(link!.href);
    expect(await page.getByLabel("Code", { exact: true }).inputValue()).toBe(codeIn(mail));
    await inspectPage(page, "sign-up-code-from-link");
    await page.getByRole("button", { name: "Confirm and create account" }).click();
    await page.getByRole("link", { name: "Not now" }).click();
    const tokens = await redeem(config, await app.next(), pending);
    expect(tokens.claims()?.email).toBe(email);
  });

  it("a tenant that requires a verified email asks for the emailed code before tokens", async () => {
    const email = "unverified@example.com";
    const password = "quiet morning harbour";
    const created = await world.admin.call("POST", `/tenants/${VERIFY}/users`, {
      email,
      password,
      email_verified: false,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    you = await customer(world.chromium);
    const { page } = you;
    const app = world.app;
    const seen = await seenEmails(world.worker.baseUrl, email);
    const pending = await authorizationRequest(verifyConfig, world.app);
    await page.goto(pending.url.href);
    await signInWithPassword(page, email, password);
    await expectHeading(page, "Verify your email address");
    await inspectPage(page, "verify-email");
    expect(app.waiting).toBe(0);

    const code = codeIn(await nextEmail(world.worker.baseUrl, email, seen));
    await page.getByLabel("Code", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Verify" }).click();
    const tokens = await redeem(verifyConfig, await app.next(), pending);
    expect(tokens.claims()).toMatchObject({ email, email_verified: true });
  });

  it("the verification link confirms the address in another browser; the sign-in then continues", async () => {
    const email = "phone-mail@example.com";
    const password = "seven kites over the bay";
    const created = await world.admin.call("POST", `/tenants/${VERIFY}/users`, {
      email,
      password,
      email_verified: false,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    you = await customer(world.chromium);
    const { page } = you;
    const app = world.app;
    const seen = await seenEmails(world.worker.baseUrl, email);
    const pending = await authorizationRequest(verifyConfig, world.app);
    await page.goto(pending.url.href);
    await signInWithPassword(page, email, password);
    await expectHeading(page, "Verify your email address");

    // The link opened elsewhere (a phone's mail app): a GET only asks, the button confirms.
    const mail = await nextEmail(world.worker.baseUrl, email, seen);
    const link = linksIn(mail).find((url) => url.pathname.startsWith(`/t/${VERIFY}/verify-email/`));
    expect(link, mail.text).toBeDefined();
    const phone = await customer(world.chromium);
    try {
      await phone.page.goto(link!.href);
      await expectHeading(phone.page, "Confirm your email address");
      await inspectPage(phone.page, "verify-email-link");
      await phone.page.getByRole("button", { name: "Confirm my email address" }).click();
      await expectHeading(phone.page, "Email address verified");
      await inspectPage(phone.page, "verify-email-link-done");
    } finally {
      await phone.context.close();
    }

    // Back in the first browser, the waiting sign-in goes on to the app (a reload's
    // redirects escape interception: the app's page fails to load, the request is seen).
    await page.reload().catch(() => {});
    const tokens = await redeem(verifyConfig, await app.next(), pending);
    expect(tokens.claims()).toMatchObject({ email, email_verified: true });
  });
});

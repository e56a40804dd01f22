// Pages as tenants and customers shape them: a branded tenant (logo, colors, custom CSS,
// legal and help links), pages in German, French and Spanish (ui_locales, Accept-Language),
// and the pages that say no: sign-up switched off, an expired sign-in, email-code sign-in
// not offered. Each is screenshotted and checked with axe-core.
import type * as oidc from "openid-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../node/oidc/support.js";
import { authorizationRequest } from "./support/app.js";
import { customer, expectHeading, signInWithPassword, type Customer } from "./support/customer.js";
import { inspectPage } from "./support/inspect.js";
import { registerApp, useWorld } from "./support/world.js";

const world = useWorld();
let branded: oidc.Configuration;
let plain: oidc.Configuration;
let closed: oidc.Configuration;
let you: Customer | undefined;
const email = "ines@example.com";
const LOGO = "https://cdn.shop.example/logo.svg";
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" fill="#1a4d8f"/></svg>';

beforeAll(async () => {
  await world.admin.createTenant("branded", {
    display_name: "Shop & Co",
    terms_url: "https://shop.example/terms",
    terms_version: "1",
    privacy_url: "https://shop.example/privacy",
    privacy_version: "1",
  });
  const branding = await world.admin.call("PATCH", "/tenants/branded/branding", {
    logo_uri: LOGO,
    primary_color: "#1a4d8f",
    background_color: "#eef2f7",
    support_url: "https://help.shop.example/",
    custom_css: "h1 { letter-spacing: .01em }",
  });
  expect(branding.status, JSON.stringify(branding.body)).toBe(200);
  await world.admin.createUser("branded", email);
  branded = await registerApp(world, "branded", { client_name: "Shop" });

  await world.admin.createTenant("plain");
  await world.admin.createUser("plain", email);
  plain = await registerApp(world, "plain", { client_name: "Plain Shop" });

  await world.admin.createTenant("closed", { self_sign_up_enabled: false });
  closed = await registerApp(world, "closed", { client_name: "Members Only" });
});

afterEach(async () => {
  await you?.context.close();
  you = undefined;
});

describe("branded and translated pages in Chromium", () => {
  it("a branded tenant's sign-in page: logo, colors, custom CSS, legal and help links", async () => {
    you = await customer(world.chromium);
    await you.context.route(LOGO, (route) => route.fulfill({ status: 200, contentType: "image/svg+xml", body: SVG }));
    const { page } = you;
    await page.goto((await authorizationRequest(branded, world.app)).url.href);
    await expectHeading(page, "Sign in");
    expect(await page.getByRole("img", { name: "Shop & Co" }).getAttribute("src")).toBe(LOGO);
    expect(await page.getByRole("link", { name: "Help" }).getAttribute("href")).toBe("https://help.shop.example/");
    expect(await page.getByRole("link", { name: "Terms of service" }).getAttribute("href")).toBe(
      "https://shop.example/terms",
    );
    // The tenant's color reaches the button (rgb of #1a4d8f).
    const button = page.getByRole("button", { name: "Sign in", exact: true });
    expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(26, 77, 143)");
    await inspectPage(page, "branded-sign-in");
    await signInWithPassword(page, email, "wrong password!");
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Incorrect email or password.");
    await inspectPage(page, "branded-sign-in-wrong-password");
  });

  it("German by ui_locales, French sign-up, Spanish by the browser's language", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    await page.goto((await authorizationRequest(plain, world.app, { ui_locales: "de" })).url.href);
    await expectHeading(page, "Anmelden");
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    await inspectPage(page, "sign-in-de");
    await page.getByLabel("E-Mail-Adresse").fill(email);
    await page.getByLabel("Passwort").fill("falsches Passwort");
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("E-Mail-Adresse oder Passwort ist falsch.");
    await inspectPage(page, "sign-in-de-wrong-password");

    await page.goto((await authorizationRequest(plain, world.app, { ui_locales: "fr", prompt: "create" })).url.href);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await inspectPage(page, "sign-up-fr");
    await you.context.close();

    you = await customer(world.chromium, "es-ES");
    await you.page.goto(`${world.worker.baseUrl}/t/plain/password-reset`);
    expect(await you.page.locator("html").getAttribute("lang")).toBe("es");
    await inspectPage(you.page, "password-reset-es");
  });

  it("pages that say no: sign-up off, an expired sign-in, email-code sign-in not offered", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    await page.goto((await authorizationRequest(closed, world.app)).url.href);
    await expectHeading(page, "Sign in");
    expect(await page.getByRole("link", { name: "Create an account" }).count()).toBe(0);
    const interaction = page.url();
    const refused = await page.goto(`${interaction}/sign-up`);
    expect(refused?.status()).toBe(403);
    await expectHeading(page, "Sign-up is not available");
    await inspectPage(page, "sign-up-disabled");

    const notOffered = await page.goto(`${interaction}/email-code`);
    expect(notOffered?.status()).toBe(404);
    await expectHeading(page, "Not available");
    await inspectPage(page, "email-code-not-offered");

    // The same sign-in opened in another browser is not theirs: expired.
    const other = await customer(world.chromium);
    try {
      const expired = await other.page.goto(interaction);
      expect(expired?.status()).toBe(400);
      await expectHeading(other.page, "This page has expired");
      await inspectPage(other.page, "interaction-expired");
    } finally {
      await other.context.close();
    }
  });
});

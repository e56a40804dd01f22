// The hosted pages that exist since the OpenID provider: sign-in (and its error),
// consent for a third-party app, select-account, RP-initiated logout, an error page and
// the form_post page, each reached in Chromium, screenshotted and checked with axe-core;
// openid-client redeems the codes the browser brings back.
import * as oidc from "openid-client";
import type { BrowserContext, Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../node/oidc/support.js";
import { authorizationRequest, redeem } from "./support/app.js";
import { newCustomer } from "./support/chromium.js";
import { expectHeading } from "./support/customer.js";
import { tabThrough } from "./support/focus.js";
import { inspectPage } from "./support/inspect.js";
import { registerApp, useWorld } from "./support/world.js";

const SLUG = "pages";
const world = useWorld();
let issuer: string;
let firstParty: oidc.Configuration;
let thirdParty: oidc.Configuration;
const ana = { email: "ana@example.com", password: PASSWORD };

beforeAll(async () => {
  issuer = await world.admin.createTenant(SLUG);
  await world.admin.createUser(SLUG, ana.email, { given_name: "Ana", family_name: "Lima" });
  firstParty = await registerApp(world, SLUG, { client_name: "Pages Web" });
  thirdParty = await registerApp(world, SLUG, { client_name: "Partner Portal", first_party: false });
});

let context: BrowserContext;
let page: Page;

async function freshCustomer() {
  context = await newCustomer(world.chromium);
  page = await context.newPage();
}

afterEach(async () => {
  await context?.close();
});

async function signInOnPage() {
  await page.getByLabel("Email").fill(ana.email);
  await page.getByLabel("Password").fill(ana.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

describe("hosted pages in Chromium", () => {
  it("sign-in page, wrong password, then signed in to a first-party app", async () => {
    await freshCustomer();
    const pending = await authorizationRequest(firstParty, world.app);
    await page.goto(pending.url.href);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in");
    await expect.poll(() => page.title()).toContain("Sign in");
    await inspectPage(page, "sign-in");
    // By keyboard: every stop shows its focus, in reading order.
    const stops = await tabThrough(page, 5);
    expect(stops.map((s) => s.element)).toEqual([
      "input email",
      "input password",
      "button Sign in",
      "button Sign in with a passkey",
      expect.stringMatching(/^a /),
    ]);
    expect(stops.filter((s) => !s.visible)).toEqual([]);

    await page.getByLabel("Email").fill(ana.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toBe("Incorrect email or password.");
    // The email stays, the password never comes back, and the fields say what is wrong.
    expect(await page.getByLabel("Email").inputValue()).toBe(ana.email);
    expect(await page.getByLabel("Password").inputValue()).toBe("");
    expect(await page.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    await inspectPage(page, "sign-in-wrong-password");

    await page.getByLabel("Password").fill(ana.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const callback = await world.app.next();
    const tokens = await redeem(firstParty, callback, pending);
    expect(tokens.claims()?.email).toBe(ana.email);
  });

  it("consent page of a third-party app, allowed, then the code redeemed", async () => {
    await freshCustomer();
    const pending = await authorizationRequest(thirdParty, world.app);
    await page.goto(pending.url.href);
    await signInOnPage();
    const heading = page.getByRole("heading", { level: 1 });
    await expect.poll(() => heading.textContent()).toBe("Partner Portal wants to access your account");
    expect(await page.getByRole("listitem").allTextContents()).toEqual([
      "Know who you are",
      "See your name and profile details",
      "See your email address",
    ]);
    await inspectPage(page, "consent");
    await page.getByRole("button", { name: "Allow" }).click();
    const tokens = await redeem(thirdParty, await world.app.next(), pending);
    expect(tokens.claims()?.email).toBe(ana.email);
  });

  it("select-account with prompt=select_account, then sign-out confirmed on the logout pages", async () => {
    await freshCustomer();
    const first = await authorizationRequest(firstParty, world.app);
    await page.goto(first.url.href);
    await signInOnPage();
    const tokens = await redeem(firstParty, await world.app.next(), first);

    const chooser = await authorizationRequest(firstParty, world.app, { prompt: "select_account" });
    await page.goto(chooser.url.href);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Choose an account");
    await inspectPage(page, "select-account");
    await page.getByRole("button", { name: /^Continue as/ }).click();
    await redeem(firstParty, await world.app.next(), chooser);

    // Without id_token_hint the provider asks before signing out.
    await page.goto(oidc.buildEndSessionUrl(firstParty, {}).href);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign out?");
    await inspectPage(page, "sign-out-confirm");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("You are signed out");
    await inspectPage(page, "signed-out");

    // Signed out for real: a new authorization asks for the password again.
    const again = await authorizationRequest(firstParty, world.app);
    await page.goto(again.url.href);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in");
    expect(tokens.id_token).toBeTruthy();
  });

  it("sign-out with id_token_hint returns to the app's post_logout_redirect_uri", async () => {
    await freshCustomer();
    const pending = await authorizationRequest(firstParty, world.app);
    await page.goto(pending.url.href);
    await signInOnPage();
    const tokens = await redeem(firstParty, await world.app.next(), pending);
    const state = oidc.randomState();
    await page.goto(
      oidc.buildEndSessionUrl(firstParty, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: world.app.postLogoutUri,
        state,
      }).href,
    );
    const back = new URL((await world.app.next()).url);
    expect(back.origin + back.pathname).toBe(world.app.postLogoutUri);
    expect(back.searchParams.get("state")).toBe(state);
  });

  it("error page for an unknown client", async () => {
    await freshCustomer();
    const response = await page.goto(`${issuer}/authorize?client_id=nobody&response_type=code&scope=openid`);
    expect(response?.status()).toBe(400);
    expect(await page.getByRole("alert").textContent()).toBeTruthy();
    await inspectPage(page, "error-unknown-client");
  });

  it("form_post page: posted back by its script, or by its button when scripts are off", async () => {
    await freshCustomer();
    const pending = await authorizationRequest(firstParty, world.app, { response_mode: "form_post" });
    await page.goto(pending.url.href);
    await signInOnPage();
    const posted = await world.app.next();
    expect(posted.method).toBe("POST");
    expect((await redeem(firstParty, posted, pending)).claims()?.email).toBe(ana.email);
    await context.close();

    // When its script does not run the page waits with a button: looked at, then used.
    // (The script is refused rather than JavaScript turned off: axe needs JavaScript.)
    context = await newCustomer(world.chromium);
    await context.route("**/assets/form-post-*.js", (route) => route.abort());
    page = await context.newPage();
    const again = await authorizationRequest(firstParty, world.app, { response_mode: "form_post" });
    await page.goto(again.url.href);
    await signInOnPage();
    await expectHeading(page, "Continuing…");
    expect(await page.getByText("Returning you to the application…").isVisible()).toBe(true);
    await inspectPage(page, "form-post");
    await page.getByRole("button", { name: "Continue" }).click();
    const clicked = await world.app.next();
    expect(clicked.method).toBe("POST");
    expect((await redeem(firstParty, clicked, again)).claims()?.email).toBe(ana.email);
  });
});

// Connected apps: third-party apps the user consented to and apps holding refresh tokens;
// disconnecting withdraws the consent and revokes the app's refresh tokens.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { basic, tokenRequest } from "../helpers";
import {
  API,
  auditEvents,
  authorizePath,
  authorizeWithSignIn,
  codeRequest,
  OTHER_REDIRECT,
  redeem,
  world,
  type World,
} from "../flows/fixtures";
import { Browser } from "../flows/browser";
import { open, signedInBrowser } from "./account-helpers";

let w: World;

beforeEach(async () => {
  w = await world();
});

/** Ana consents to the partner app and gets an offline refresh token for it. */
async function connectPartner() {
  const browser = new Browser();
  const page = await browser.navigate(
    authorizePath(
      "acme",
      codeRequest(w.partner, {
        redirect_uri: OTHER_REDIRECT,
        scope: "openid email read:orders offline_access",
        resource: API,
      }),
    ),
  );
  const signInHtml = await page.text();
  const consent = await browser.submit(signInHtml, "/login", {
    email: "ana@example.com",
    password: "correct horse battery",
  });
  const consentHtml = await consent.text();
  expect(consentHtml).toContain("wants to access your account");
  const callback = await browser.submit(consentHtml, "/consent", { decision: "allow" });
  expect(callback.status).toBe(303);
  const code = new URL(callback.headers.get("Location")!).searchParams.get("code")!;
  return redeem("acme", w.partner, code, {}, OTHER_REDIRECT);
}

async function consentRows(userId: string) {
  return (await env.DB.prepare("SELECT client_id, scope FROM consents WHERE user_id = ?").bind(userId).all()).results;
}

describe("the connected apps section", () => {
  it("lists the consented third-party app with its scopes, and a first-party app holding a refresh token", async () => {
    await connectPartner();
    const first = new Browser();
    const callback = await authorizeWithSignIn(first, "acme", codeRequest(w.app));
    await redeem("acme", w.app, callback.searchParams.get("code")!);

    const html = await open(await signedInBrowser(), "apps");
    expect(html).toContain("<h2>Partner app</h2>");
    expect(html).toMatch(/Access allowed [^<]*UTC:/);
    expect(html).toContain("read:orders");
    expect(html).toContain("<h2>Acme app</h2>");
    expect(html).toContain("You stay signed in to this app.");
  });

  it("says so when no app is connected", async () => {
    const html = await open(await signedInBrowser(), "apps");
    expect(html).toContain("No app is connected to your account.");
  });

  it("disconnecting withdraws the consent and revokes the app's refresh tokens", async () => {
    const tokens = await connectPartner();
    expect(tokens.refresh_token).toBeDefined();
    expect(await consentRows(w.user.id)).not.toHaveLength(0);

    const browser = await signedInBrowser();
    const html = await open(browser, "apps");
    const response = await browser.post(html, "/apps/disconnect", { client_id: w.partner.client_id });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/t/acme/account/apps?done=app");
    expect(await (await browser.fetch(response.headers.get("Location")!)).text()).toContain(
      "The app was disconnected.",
    );

    expect(await consentRows(w.user.id)).toHaveLength(0);
    const refreshed = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token! },
      { Authorization: basic(w.partner.client_id, w.partner.client_secret) },
    );
    expect(refreshed.status).toBe(400);
    const events = await auditEvents(w.admin, "acme", "consent.revoked");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ user_id: w.user.id, client_id: w.partner.client_id });

    // The next authorization asks for consent again.
    const again = new Browser();
    const page = await again.navigate(
      authorizePath("acme", codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT, scope: "openid email" })),
    );
    const consent = await again.submit(await page.text(), "/login", {
      email: "ana@example.com",
      password: "correct horse battery",
    });
    expect(await consent.text()).toContain("wants to access your account");
  });

  for (const [what, clientId] of [
    ["an app that is not connected", "app-not-connected"],
    ["an empty client id", ""],
  ] as const) {
    it(`refuses to disconnect ${what}, changing nothing`, async () => {
      await connectPartner();
      const browser = await signedInBrowser();
      const html = await open(browser, "apps");
      const response = await browser.post(html, "/apps/disconnect", { client_id: clientId });
      expect(response.status).toBe(400);
      const body = await response.text();
      expect(body).toContain('role="alert"');
      expect(body).toContain("This app is no longer connected to your account.");
      expect(await consentRows(w.user.id)).not.toHaveLength(0);
    });
  }
});

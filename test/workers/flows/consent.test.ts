// Consent: first-party clients skip it; third-party clients show what they ask for, and
// the answer is remembered per user, client and scope until withdrawn.
import { beforeEach, describe, expect, it } from "vitest";
import { basic, call, json, tokenRequest } from "../helpers";
import { Browser } from "./browser";
import {
  API,
  auditEvents,
  authorizePath,
  authorizeWithSignIn,
  callbackOf,
  codeRequest,
  createUser,
  issuer,
  OTHER_REDIRECT,
  PASSWORD,
  redeem,
  world,
  type World,
} from "./fixtures";

let w: World;
const ISS = issuer("acme");

beforeEach(async () => {
  w = await world();
});

/** A request of the third-party partner app. */
function partnerRequest(extra: Record<string, string> = {}) {
  return codeRequest(w.partner, {
    redirect_uri: OTHER_REDIRECT,
    scope: "openid email read:orders offline_access",
    resource: API,
    ...extra,
  });
}

async function signedIn(email = "ana@example.com") {
  const browser = new Browser();
  const callback = await authorizeWithSignIn(browser, "acme", codeRequest(w.app), email);
  return { browser, appCode: callback.searchParams.get("code")! };
}

/** The consent page if one is shown, else null (and then the client's callback). */
async function consentPage(browser: Browser, params: Record<string, string>) {
  const response = await browser.navigate(authorizePath("acme", params));
  if (response.status === 200) {
    const html = await response.text();
    expect(html).toMatch(/wants to access your account/);
    return { html, callback: null };
  }
  return { html: null, callback: callbackOf(response) };
}

async function consentsOf(userId: string) {
  const response = await call("GET", `/admin/v1/tenants/acme/users/${userId}/consents`, { token: w.admin });
  expect(response.status).toBe(200);
  return (await json<{ data: { client_id: string; scopes: string[]; granted_at: string }[] }>(response)).data;
}

describe("first-party clients", () => {
  it("skip the consent page", async () => {
    const browser = new Browser();
    const page = await browser.navigate(
      authorizePath("acme", codeRequest(w.app, { scope: "openid profile email offline_access" })),
    );
    const done = await browser.submit(await page.text(), "/login", { email: "ana@example.com", password: PASSWORD });
    expect(callbackOf(done).searchParams.get("code")).toBeTruthy();
    expect(await consentsOf(w.user.id)).toHaveLength(0);
  });
});

describe("third-party clients", () => {
  it("show the consent page with every scope described, API scopes included", async () => {
    const { browser } = await signedIn();
    const { html } = await consentPage(browser, partnerRequest());
    expect(html).toContain("Partner app wants to access your account");
    expect(html).toContain("Signed in as ana@example.com");
    const items = [...html!.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
    expect(items).toEqual([
      "Know who you are",
      "See your email address",
      "Read your orders",
      "Keep access while you are not using it",
    ]);
    expect(html).not.toContain("Place orders for you");
  });

  it("after signing in, a new user is asked for consent in the same interaction", async () => {
    const browser = new Browser();
    const page = await browser.navigate(authorizePath("acme", partnerRequest()));
    const consent = await browser.submit(await page.text(), "/login", { email: "ana@example.com", password: PASSWORD });
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain("Read your orders");
    const done = callbackOf(await browser.submit(html, "/consent", { decision: "allow" }));
    expect(done.origin + done.pathname).toBe(OTHER_REDIRECT);
    expect(done.searchParams.get("code")).toBeTruthy();
  });

  it("deny sends access_denied to the client and remembers nothing", async () => {
    const { browser } = await signedIn();
    const { html } = await consentPage(browser, partnerRequest());
    const denied = await browser.submit(html!, "/consent", { decision: "deny" });
    const callback = callbackOf(denied);
    expect(callback.origin + callback.pathname).toBe(OTHER_REDIRECT);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe("st-1");
    expect(callback.searchParams.get("iss")).toBe(ISS);
    expect(callback.searchParams.get("code")).toBeNull();
    expect(await consentsOf(w.user.id)).toHaveLength(0);
    const [event] = await auditEvents(w.admin, "acme", "consent.denied");
    expect(event).toMatchObject({ user_id: w.user.id, client_id: w.partner.client_id });
    // Asked again next time.
    expect((await consentPage(browser, partnerRequest())).html).not.toBeNull();
  });

  it("allow is remembered per user, client and scope; a new scope or prompt=consent asks again", async () => {
    const { browser } = await signedIn();
    const first = await consentPage(browser, partnerRequest());
    const allowed = callbackOf(await browser.submit(first.html!, "/consent", { decision: "allow" }));
    expect(allowed.searchParams.get("state")).toBe("st-1");
    expect(allowed.searchParams.get("iss")).toBe(ISS);
    const tokens = await redeem("acme", w.partner, allowed.searchParams.get("code")!, {}, OTHER_REDIRECT);
    expect(tokens.claims.aud).toBe(w.partner.client_id);

    const [granted] = await auditEvents(w.admin, "acme", "consent.granted");
    expect(granted).toMatchObject({ user_id: w.user.id, client_id: w.partner.client_id });

    // Same scopes, or fewer: no page.
    const again = await consentPage(browser, partnerRequest());
    expect(again.callback?.searchParams.get("code")).toBeTruthy();
    const fewer = await consentPage(browser, partnerRequest({ scope: "openid read:orders" }));
    expect(fewer.callback?.searchParams.get("code")).toBeTruthy();
    const none = await consentPage(browser, partnerRequest({ prompt: "none" }));
    expect(none.callback?.searchParams.get("code")).toBeTruthy();

    // A new scope asks again (and prompt=none cannot).
    const more = partnerRequest({ scope: "openid email read:orders write:orders" });
    const noneMore = await consentPage(browser, { ...more, prompt: "none" });
    expect(noneMore.callback?.searchParams.get("error")).toBe("consent_required");
    const wider = await consentPage(browser, more);
    expect(wider.html).toContain("Place orders for you");
    callbackOf(await browser.submit(wider.html!, "/consent", { decision: "allow" }));
    expect((await consentPage(browser, more)).callback?.searchParams.get("code")).toBeTruthy();

    // prompt=consent asks even when everything was granted.
    const forced = await consentPage(browser, partnerRequest({ prompt: "consent" }));
    expect(forced.html).not.toBeNull();

    // The first-party app is unaffected, and another user is asked on their own.
    expect(
      callbackOf(await browser.fetch(authorizePath("acme", codeRequest(w.app)))).searchParams.get("code"),
    ).toBeTruthy();
    await createUser(w.admin, "acme", { email: "bob@example.com", password: PASSWORD });
    const bob = await signedIn("bob@example.com");
    expect((await consentPage(bob.browser, partnerRequest())).html).not.toBeNull();
  });

  it("the consents are listed by the management API", async () => {
    const { browser } = await signedIn();
    const before = Math.floor(Date.now() / 1000);
    const { html } = await consentPage(browser, partnerRequest());
    await browser.submit(html!, "/consent", { decision: "allow" });
    const list = await consentsOf(w.user.id);
    expect(list).toHaveLength(1);
    expect(list[0]!.client_id).toBe(w.partner.client_id);
    expect([...list[0]!.scopes].sort()).toEqual(["email", "offline_access", "openid", "read:orders"]);
    expect(Date.parse(list[0]!.granted_at) / 1000).toBeGreaterThanOrEqual(before);
  });

  it("withdrawing consent asks again next time and revokes that client's refresh tokens for the user", async () => {
    const { browser, appCode } = await signedIn();
    const appTokens = await redeem("acme", w.app, appCode, {});
    const { html } = await consentPage(browser, partnerRequest());
    const allowed = callbackOf(await browser.submit(html!, "/consent", { decision: "allow" }));
    const partnerTokens = await redeem("acme", w.partner, allowed.searchParams.get("code")!, {}, OTHER_REDIRECT);
    expect(partnerTokens.refresh_token).toBeTruthy();

    const withdrawn = await call(
      "DELETE",
      `/admin/v1/tenants/acme/users/${w.user.id}/consents/${w.partner.client_id}`,
      {
        token: w.admin,
      },
    );
    expect(withdrawn.status).toBe(204);
    expect(await consentsOf(w.user.id)).toHaveLength(0);
    const [event] = await auditEvents(w.admin, "acme", "consent.revoked");
    expect(event).toMatchObject({ user_id: w.user.id, client_id: w.partner.client_id });

    expect((await consentPage(browser, partnerRequest())).html).not.toBeNull();
    const refreshed = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: partnerTokens.refresh_token! },
      { Authorization: basic(w.partner.client_id, w.partner.client_secret) },
    );
    expect(refreshed.status).toBe(400);
    expect((await json(refreshed)).error).toBe("invalid_grant");
    // Other clients' refresh tokens live on, and so does the session.
    const appRefresh = await tokenRequest(
      "acme",
      { grant_type: "refresh_token", refresh_token: appTokens.refresh_token! },
      { Authorization: basic(w.app.client_id, w.app.client_secret) },
    );
    expect(appRefresh.status, await appRefresh.clone().text()).toBe(200);

    const twice = await call("DELETE", `/admin/v1/tenants/acme/users/${w.user.id}/consents/${w.partner.client_id}`, {
      token: w.admin,
    });
    expect(twice.status).toBe(404);
  });
});

// The second-factor policy at sign-in and on single sign-on (src/mfa/sign-in.ts): when a
// first factor is enough, when it is parked until a second one, step-up of a weaker
// session for acr_values or an app's policy, and what prompt=none answers meanwhile.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { openDirectory } from "../../../src/directory";
import { nextStep, type DecisionInput } from "../../../src/oidc/authorize/decide";
import { Browser } from "../flows/browser";
import {
  authorizePath,
  callbackOf,
  codeRequest,
  redeem,
  signInOn,
  tenantId,
  world,
  type World,
} from "../flows/fixtures";
import { BASE, usage } from "../helpers";
import { patchClient } from "../journeys/journey-helpers";
import { browserWithSessionOf } from "../account/account-helpers";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false });
});

const MFA = "urn:latchkey:loa:mfa";
const PHR = "urn:latchkey:loa:phr";

async function directory() {
  return openDirectory(env, { id: await tenantId("acme") });
}

/** Authorizes `w.app` with `extra` parameters, signs in by password; the response after our redirects. */
async function passwordSignIn(browser: Browser, extra: Record<string, string> = {}) {
  const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, extra)));
  expect(page.status).toBe(200);
  return signInOn(browser, await page.text(), "ana@example.com");
}

function sessionCookieOf(browser: Browser): string | undefined {
  return browser.cookieNames().find((name) => name.includes("session"));
}

describe("at sign-in", () => {
  it("lets a password through when the policy asks for nothing (optional, no factor)", async () => {
    const browser = new Browser();
    const callback = callbackOf(await passwordSignIn(browser));
    const { claims } = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(claims.amr).toEqual(["pwd"]);
    expect(claims.acr).toBe("urn:latchkey:loa:1fa");
  });

  it("parks the password when the app requires a second factor: no session, no code yet", async () => {
    await patchClient(w.admin, "acme", w.app.client_id, { mfa_policy: "required" });
    const browser = new Browser();
    const page = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    const response = await browser.submit(await page.text(), "/login", {
      email: "ana@example.com",
      password: "correct horse battery",
    });
    // The user has no factor: the strongest thing on offer is a code by email.
    expect(response.status).not.toBe(303);
    const location = new URL(browser.lastUrl!);
    expect(location.pathname).toMatch(/\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}\/mfa\/email$/);
    expect(sessionCookieOf(browser)).toBeUndefined();

    // Another app of the tenant, silently: nobody is signed in yet.
    const silent = await browser.fetch(
      authorizePath("acme", codeRequest(w.partner, { prompt: "none", redirect_uri: "https://other.example.net/cb" })),
    );
    expect(new URL(silent.headers.get("Location")!).searchParams.get("error")).toBe("login_required");
  });

  it("asks a user who enrolled a factor under the optional policy, and lists every way", async () => {
    const dir = await directory();
    const totp = await dir.factors.totp.add(w.user.id, "Phone", "sealed-for-test");
    expect(await dir.factors.totp.useStep(w.user.id, totp.id, 1)).toBe(true); // confirmed
    await dir.factors.recoveryCodes.replace(w.user.id, ["h1", "h2"]);
    const browser = new Browser();
    await passwordSignIn(browser);
    expect(new URL(browser.lastUrl!).pathname).toMatch(/\/mfa\/totp$/);

    const interactionId = /interaction\/([^/]+)\//.exec(browser.lastUrl!)![1]!;
    const choose = await browser.fetch(`/t/acme/interaction/${interactionId}/mfa?all`);
    expect(choose.status).toBe(200);
    const html = await choose.text();
    expect(html).toContain(`/interaction/${interactionId}/mfa/totp"`);
    expect(html).toContain(`/interaction/${interactionId}/mfa/email"`);
    expect(html).toContain(`/interaction/${interactionId}/mfa/recovery-code"`);
    // Someone with an authenticator app is not offered to set one up in the middle of a sign-in.
    expect(html).not.toContain("/mfa/enroll");
    expect(html).not.toContain("/mfa/passkey");
  });

  it("offers each method only where it is a second factor of this user", async () => {
    const { methodsFor } = await import("../../../src/mfa/methods");
    const user = { email: "ana@example.com", emailVerified: true };
    const none = { passkeys: 0, totp: 0, recoveryCodes: 0 };
    const target = (firstFactorMethod: string, extra: Record<string, unknown> = {}) =>
      ({ user, firstFactorMethod, stepUp: false, level: 2, enrollAllowed: true, session: null, ...extra }) as never;
    expect(methodsFor(target("password"), none)).toEqual(["email", "enroll"]);
    // The same mailbox twice is one factor.
    expect(methodsFor(target("email_code"), none)).toEqual(["enroll"]);
    expect(methodsFor(target("sign_up"), none)).toEqual(["enroll"]);
    // No address, or one nobody proved: no email factor.
    expect(methodsFor(target("password", { user: { email: null, emailVerified: false } }), none)).toEqual(["enroll"]);
    expect(methodsFor(target("password", { user: { ...user, emailVerified: false } }), none)).toEqual(["enroll"]);
    // Setting one up only where the policy requires two factors, and never on a step-up.
    expect(methodsFor(target("password", { enrollAllowed: false }), none)).toEqual(["email"]);
    expect(methodsFor(target("password", { stepUp: true, enrollAllowed: true }), none)).toEqual(["email"]);
    // The same passkey twice is one factor.
    expect(methodsFor(target("passkey"), { ...none, passkeys: 1, totp: 1 })).toEqual(["totp", "email"]);
    // Only a passkey reaches level 3.
    expect(methodsFor(target("password", { level: 3 }), { ...none, totp: 1 })).toEqual([]);
    expect(methodsFor(target("password", { level: 3 }), { ...none, passkeys: 2, totp: 1 })).toEqual(["passkey"]);
  });

  it("sends the app unmet_authentication_requirements when only a passkey would do and there is none", async () => {
    const browser = new Browser();
    const response = await passwordSignIn(browser, { acr_values: PHR });
    const callback = callbackOf(response);
    expect(callback.searchParams.get("error")).toBe("unmet_authentication_requirements");
    expect(callback.searchParams.get("state")).toBe("st-1");
  });

  it("reads the level from an essential acr claim request as from acr_values", async () => {
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: [PHR] } } });
    const callback = callbackOf(await passwordSignIn(new Browser(), { claims }));
    expect(callback.searchParams.get("error")).toBe("unmet_authentication_requirements");
  });

  it("drops the parked first factor when the user chooses another account", async () => {
    await patchClient(w.admin, "acme", w.app.client_id, { mfa_policy: "required" });
    const browser = new Browser();
    await passwordSignIn(browser);
    const interactionId = /interaction\/([^/]+)\//.exec(browser.lastUrl!)![1]!;
    const choose = await (await browser.fetch(`/t/acme/interaction/${interactionId}/mfa?all`)).text();
    const other = await browser.submit(choose, "/select-account", { choice: "other" });
    expect(other.status).toBe(200);
    expect(await other.text()).toContain('name="password"');
  });
});

describe("on single sign-on", () => {
  async function signedIn() {
    const browser = new Browser();
    callbackOf(await passwordSignIn(browser));
    expect(sessionCookieOf(browser)).toBeDefined();
    return browser;
  }

  it("steps up a one-factor session when the app asks for acr mfa", async () => {
    const browser = await signedIn();
    await browser.navigate(authorizePath("acme", codeRequest(w.app, { acr_values: MFA })));
    expect(new URL(browser.lastUrl!).pathname).toMatch(/\/mfa\/email$/);
  });

  it("answers prompt=none with interaction_required when the session is too weak", async () => {
    const browser = await signedIn();
    const response = await browser.fetch(
      authorizePath("acme", codeRequest(w.app, { acr_values: MFA, prompt: "none" })),
    );
    const callback = callbackOf(response);
    expect(callback.searchParams.get("error")).toBe("interaction_required");
  });

  it("steps up for an app whose own policy requires a second factor", async () => {
    const browser = await signedIn();
    await patchClient(w.admin, "acme", w.partner.client_id, { mfa_policy: "required" });
    await browser.navigate(
      authorizePath("acme", codeRequest(w.partner, { redirect_uri: "https://other.example.net/cb" })),
    );
    expect(new URL(browser.lastUrl!).pathname).toMatch(/\/mfa\/email$/);
  });

  it("costs one D1 statement per single sign-on under the optional policy, none when it is off", async () => {
    const browser = await signedIn();
    const silent = () => browser.fetch(authorizePath("acme", codeRequest(w.app, { prompt: "none" })));
    callbackOf(await silent()); // warm
    const optional = usage(await silent());
    await patchClient(w.admin, "acme", w.app.client_id, { mfa_policy: "off" });
    callbackOf(await silent());
    const off = usage(await silent());
    expect(optional.d1Statements - off.d1Statements, "the factor count").toBe(1);
    expect(optional.durableObjectCalls).toBe(off.durableObjectCalls);
    // The user's row and the code's grant; the session read and the code issued.
    expect(off).toEqual({ d1RoundTrips: 2, d1Statements: 2, kvReads: 0, durableObjectCalls: 2 });
  });

  it("lets a one-factor session through for acr_values that ask for one factor only", async () => {
    const browser = await signedIn();
    const callback = callbackOf(
      await browser.fetch(authorizePath("acme", codeRequest(w.app, { acr_values: "urn:latchkey:loa:1fa" }))),
    );
    expect(callback.searchParams.get("code")).toBeTruthy();
  });
});

describe("what a session alone cannot do", () => {
  const oneFactor = { amr: ["pwd"], acr: "urn:latchkey:loa:1fa" };

  it("sends a one-factor session of an account with a factor through a step-up before its account page", async () => {
    const dir = await directory();
    const app = await dir.factors.totp.add(w.user.id, "Phone", "sealed-for-test");
    await dir.factors.totp.useStep(w.user.id, app.id, 1);
    const browser = await browserWithSessionOf(w.user.id, oneFactor);
    const page = await browser.navigate("/t/acme/account/mfa");
    expect(page.status).toBe(200);
    expect(new URL(browser.lastUrl!).pathname).toMatch(/\/interaction\/[A-Za-z0-9_-]{22}\/mfa\/totp$/);
    // A form sent meanwhile (with a valid double-submit token) is not acted on either.
    const csrf = "c".repeat(43);
    browser.setCookie("__Host-lk-csrf", csrf);
    const direct = await browser.fetch("/t/acme/account/mfa/apps/remove", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(BASE).origin },
      body: new URLSearchParams({ id: app.id, csrf }),
    });
    expect(direct.status).toBe(303);
    expect((await dir.factors.summary(w.user.id)).totp).toBe(1);
  });

  it("never offers a borrowed session to set up a factor, nor serves pages no step-up asked for", async () => {
    const browser = await browserWithSessionOf(w.user.id, oneFactor);
    // An interaction that asked for nothing more: its second-factor pages serve nobody.
    const started = await browser.fetch(authorizePath("acme", codeRequest(w.app, { prompt: "login" })));
    const interaction = /interaction\/([A-Za-z0-9_-]{22})/.exec(started.headers.get("Location")!)![1]!;
    for (const path of ["mfa/enroll", "mfa/email", "mfa?all"]) {
      const response = await browser.fetch(`/t/acme/interaction/${interaction}/${path}`);
      expect(response.status, path).toBe(303);
      expect(response.headers.get("Location"), path).toBe(`/t/acme/interaction/${interaction}`);
    }
    // A step-up the app asked for: an emailed code, but no setting up of a new factor.
    await browser.navigate(authorizePath("acme", codeRequest(w.app, { acr_values: MFA })));
    const stepUp = new URL(browser.lastUrl!).pathname;
    expect(stepUp).toMatch(/\/mfa\/email$/);
    const enroll = await browser.fetch(stepUp.replace(/email$/, "enroll"));
    expect(enroll.status).toBe(303);
    expect(enroll.headers.get("Location")).toMatch(/\/mfa$/);
  });

  it("sends a step-up with nothing to present back to the sign-in page", async () => {
    await (await directory()).users.update(w.user.id, { emailVerified: false });
    const browser = await browserWithSessionOf(w.user.id, oneFactor);
    const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, { acr_values: MFA })));
    expect(await page.text()).toContain('name="password"');
  });
});

describe("the decision", () => {
  const base: DecisionInput = {
    prompt: [],
    maxAge: null,
    scopes: ["openid"],
    session: { userId: "u1", authTime: 1000 },
    now: 1010,
    firstParty: true,
    granted: new Set(),
    hintSubject: null,
    emailVerificationRequired: false,
    profileAttributes: [],
    interaction: {
      authenticatedAt: null,
      authenticatedUserId: null,
      accountChosenUserId: null,
      consentedUserId: null,
      profileAskedUserId: null,
      forceLogin: false,
      firstFactorPending: false,
    },
  };

  it("puts a pending first factor before everything but choosing another account", () => {
    const pending = { ...base.interaction!, firstFactorPending: true };
    expect(nextStep({ ...base, session: null, interaction: pending })).toBe("mfa");
    expect(nextStep({ ...base, interaction: { ...pending, forceLogin: true } })).toBe("login");
  });

  it("asks for sign-in (max_age) before a step-up, and for the step-up before email verification", () => {
    expect(nextStep({ ...base, maxAge: 5, stepUpNeeded: true })).toBe("login");
    expect(nextStep({ ...base, stepUpNeeded: true, emailVerificationRequired: true })).toBe("mfa");
  });
});

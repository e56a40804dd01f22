// Passkeys in workerd with a software authenticator (real ES256 keys and WebAuthn data):
// registration from the account page, usernameless sign-in, passkey as second factor,
// and everything the server must refuse (origin, RP ID, challenge reuse or from another
// interaction, another tenant's credential, a blocked user, a counter going backwards).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, call } from "../helpers";
import { Browser, findForm, unescapeHtml } from "../flows/browser";
import {
  auditEvents,
  authorizePath,
  callbackOf,
  codeRequest,
  createUser,
  PASSWORD,
  redeem,
  sessionCookieName,
  tenantId,
  world,
  type World,
} from "../flows/fixtures";
import { accountPath, signedInBrowser } from "../account/account-helpers";
import { codeIn, goodForm, lastEmailTo, openSignUp, signUpWorld } from "../journeys/sign-up-helpers";
import { emailsTo } from "../journeys/journey-helpers";
import { expectNotices, factorNotices, FIREFOX_ON_WINDOWS } from "./notification-helpers";
import { b64url, SoftAuthenticator } from "./soft-authenticator";

const ORIGIN = new URL(BASE).origin;
const RP_ID = new URL(BASE).hostname;

let w: World;

beforeEach(async () => {
  w = await world();
});

/** The page's passkey form: where it posts, where its script asks for options, its fields. */
function passkeyForm(page: string) {
  const match = /<form[^>]*data-passkey="[^"]*"[^>]*>[\s\S]*?<\/form>/.exec(page);
  if (!match) throw new Error(`no passkey form in:\n${page.slice(0, 1500)}`);
  const attribute = (name: string) => unescapeHtml(new RegExp(`${name}="([^"]*)"`).exec(match[0])![1]!);
  const csrf = unescapeHtml(/name="csrf" value="([^"]*)"/.exec(match[0])![1]!);
  return { action: attribute("action"), options: attribute("data-options"), csrf };
}

type Form = ReturnType<typeof passkeyForm>;

async function optionsFor(browser: Browser, form: Form): Promise<any> {
  const response = await browser.fetch(form.options, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
    body: new URLSearchParams({ csrf: form.csrf }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

function postCredential(browser: Browser, form: Form, credential: unknown, follow = false) {
  const init = {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
    body: new URLSearchParams({ csrf: form.csrf, credential: JSON.stringify(credential) }),
  };
  return follow ? browser.navigate(form.action, init) : browser.fetch(form.action, init);
}

const alertOf = (html: string) => /role="alert"[^>]*>([^<]+)</.exec(html)?.[1];

async function passkeyRows(userId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM passkeys WHERE user_id = ? ORDER BY created_at")
    .bind(userId)
    .all<Record<string, any>>();
  return results;
}

/** Signs in to the account page with the password and adds a passkey; returns the authenticator. */
async function registerPasskey(authenticator = new SoftAuthenticator(ORIGIN), email = "ana@example.com") {
  const browser = await signedInBrowser(email);
  const page = await (await browser.fetch(accountPath("passkeys"))).text();
  expect(page).toContain("You have no passkeys yet.");
  const form = passkeyForm(page);
  expect(form.action).toBe(accountPath("passkeys"));
  const options = await optionsFor(browser, form);
  const response = await postCredential(browser, form, await authenticator.create(options));
  expect(response.status, await response.clone().text()).toBe(303);
  expect(response.headers.get("Location")).toBe(`${accountPath("passkeys")}?done=added`);
  return { authenticator, browser, options };
}

/** A new browser on the sign-in page of an authorization by the app. */
async function signInPage(slug = "acme", app = w.app) {
  const browser = new Browser();
  const response = await browser.navigate(authorizePath(slug, codeRequest(app)));
  expect(response.status).toBe(200);
  const page = await response.text();
  return { browser, page, form: passkeyForm(page) };
}

describe("registration on the account page", () => {
  it("stores a discoverable passkey with its details and audits it; options exclude the user's own", async () => {
    const { options, browser } = await registerPasskey();
    expect(options.rp).toEqual({ id: RP_ID, name: expect.any(String) });
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "preferred" });
    expect(options.attestation).toBe("none");
    expect(options.pubKeyCredParams.map((p: { alg: number }) => p.alg)).toEqual([-7, -8, -257]);
    expect(options.user.name).toBe("ana@example.com");
    expect(options.excludeCredentials).toEqual([]);

    const [row] = await passkeyRows(w.user.id);
    expect(row).toMatchObject({
      device_type: "singleDevice",
      backed_up: 0,
      sign_count: 1,
      transports: '["internal"]',
      aaguid: null,
      last_used_at: null,
    });
    expect(row!.name).toMatch(/^Passkey/);
    const page = await (await browser.fetch(`${accountPath("passkeys")}?done=added`)).text();
    expect(page).toContain("The passkey was added.");
    expect(page).toContain("This device only");
    // A second registration names the first passkey in excludeCredentials.
    const again = await optionsFor(browser, passkeyForm(page));
    expect(again.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([row!.id]);
    const registered = await auditEvents(w.admin, "acme", "passkey.registered");
    expect(registered).toHaveLength(1);
    expect(registered[0]!.details).toMatchObject({ passkey_id: row!.id, device_type: "singleDevice" });
    // One security notice, without the credential id; a User-Agent naming no browser gives no device line.
    const notice = await expectNotices("ana@example.com", ["passkeyAdded"], {
      section: "passkeys",
      secrets: [row!.id],
    });
    expect(notice!.subject).toBe("A passkey was added to your acme account");
    expect(notice!.text).not.toContain("Browser or device");
  });

  it("refuses a registration from another origin, for another RP ID, or with a spent challenge", async () => {
    const browser = await signedInBrowser();
    const page = await (await browser.fetch(accountPath("passkeys"))).text();
    const form = passkeyForm(page);
    const authenticator = new SoftAuthenticator(ORIGIN);
    for (const bend of [{ origin: "https://evil.example" }, { rpId: "evil.example" }]) {
      const response = await postCredential(
        browser,
        form,
        await authenticator.create(await optionsFor(browser, form), bend),
      );
      expect(response.status).toBe(400);
      expect(alertOf(await response.text())).toBe("The passkey could not be added. Try again.");
    }
    const options = await optionsFor(browser, form);
    expect((await postCredential(browser, form, await authenticator.create(options))).status).toBe(303);
    // The same challenge again: it was used.
    const replay = await postCredential(browser, form, await authenticator.create(options));
    expect(replay.status).toBe(400);
    expect(await passkeyRows(w.user.id)).toHaveLength(1);
    const failed = await auditEvents(w.admin, "acme", "passkey.registration_failed");
    expect(failed.map((e) => e.details.reason).sort()).toEqual(["challenge", "origin", "rp_id"]);
  });

  it("renames, and removes with an audit record; adding or removing needs a sign-in within 10 minutes", async () => {
    const { browser, authenticator } = await registerPasskey();
    const [row] = await passkeyRows(w.user.id);
    let page = await (await browser.fetch(accountPath("passkeys"))).text();
    const empty = await browser.post(page, "/passkeys/rename", { name: "  " });
    expect(empty.status).toBe(400);
    const emptyPage = await empty.text();
    expect(emptyPage).toContain("Enter a name for the passkey.");
    expect(emptyPage).toMatch(/aria-invalid="true"/);
    const renamed = await browser.post(page, "/passkeys/rename", { name: "Work laptop" });
    expect(renamed.status).toBe(303);
    expect((await passkeyRows(w.user.id))[0]!.name).toBe("Work laptop");

    // The session's sign-in is 11 minutes old now.
    const stub = env.USER_STATE.get(env.USER_STATE.idFromName(`${await tenantId("acme")}:${w.user.id}`));
    await runInDurableObject(stub, async (_instance, state) => {
      for (const [key, session] of await state.storage.list<Record<string, any>>({ prefix: "session:" }))
        await state.storage.put(key, { ...session, authTime: session.authTime - 11 * 60 });
    });
    page = await (await browser.fetch(accountPath("passkeys"))).text();
    expect(page).toContain("sign in again before you add or remove a passkey");
    expect(page).not.toContain('data-passkey="create"');
    const late = await browser.post(page.replace("/passkeys/reauthenticate", "/passkeys/remove"), "/passkeys/remove", {
      passkey: row!.id,
    });
    expect(late.status).toBe(403);
    expect(await passkeyRows(w.user.id)).toHaveLength(1);
    const lateOptions = await browser.fetch(`${accountPath("passkeys")}/options`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      body: new URLSearchParams({ csrf: findForm(page, "/passkeys/rename").fields.csrf! }),
    });
    expect(lateOptions.status).toBe(403);
    // Signing in again (asked for although a session exists; here with the passkey) allows it again.
    const again = await browser.post(page, "/passkeys/reauthenticate", {});
    expect(again.status).toBe(303);
    const reauth = await (await browser.navigate(again.headers.get("Location")!)).text();
    expect(reauth).toContain('name="password"');
    const reauthForm = passkeyForm(reauth);
    const back = await postCredential(
      browser,
      reauthForm,
      await authenticator.get(await optionsFor(browser, reauthForm)),
      true,
    );
    expect(back.status).toBe(200);
    page = await back.text();
    expect(page).toContain('data-passkey="create"');
    // The refused removal sent nothing; the one that works, from Firefox, says so.
    await expectNotices("ana@example.com", ["passkeyAdded"]);
    browser.userAgent = FIREFOX_ON_WINDOWS;
    const removed = await browser.post(page, "/passkeys/remove", { passkey: row!.id });
    expect(removed.status).toBe(303);
    expect(await passkeyRows(w.user.id)).toHaveLength(0);
    const events = await auditEvents(w.admin, "acme", "passkey.removed");
    expect(events.map((e) => e.details.passkey_id)).toEqual([row!.id]);
    const notice = await expectNotices("ana@example.com", ["passkeyRemoved", "passkeyAdded"], {
      section: "passkeys",
      secrets: [row!.id, "Work laptop"],
    });
    expect(notice!.text).toContain("Browser or device: Windows (Firefox).");
    // Another user's passkey id cannot be removed or renamed from this account.
    expect((await browser.post(page, "/passkeys/remove", { passkey: "nope" })).status).toBe(404);
  });
});

describe("sign-in with a passkey", () => {
  it("signs in without a username: amr hwk, user, mfa and the phishing-resistant acr; the use is recorded", async () => {
    const { authenticator } = await registerPasskey();
    const { browser, page, form } = await signInPage();
    expect(page).toContain('autocomplete="username webauthn"');
    expect(page).toContain("Sign in with a passkey");
    const options = await optionsFor(browser, form);
    expect(options.rpId).toBe(RP_ID);
    expect(options.allowCredentials).toEqual([]);
    const response = await postCredential(browser, form, await authenticator.get(options), true);
    const callback = callbackOf(response);
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims.sub).toBe(w.user.id);
    expect([...tokens.claims.amr].sort()).toEqual(["hwk", "mfa", "user"]);
    expect(tokens.claims.acr).toBe("urn:latchkey:loa:phr");
    const [row] = await passkeyRows(w.user.id);
    expect(row!.sign_count).toBe(2);
    expect(row!.last_used_at).toEqual(expect.any(Number));
    const signedIn = await auditEvents(w.admin, "acme", "user.signed_in");
    expect(signedIn.filter((e) => e.details.method === "passkey").map((e) => e.details.passkey_id)).toEqual([row!.id]);
  });

  it("a synced passkey without user verification is swk and one factor", async () => {
    // The app asks for one factor only (else the user's passkey would make two necessary).
    const off = await call("PATCH", `/admin/v1/tenants/acme/clients/${w.app.client_id}`, {
      token: w.admin,
      body: { mfa_policy: "off" },
    });
    expect(off.status, await off.clone().text()).toBe(200);
    const authenticator = new SoftAuthenticator(ORIGIN, false);
    const browser = await signedInBrowser();
    const page = await (await browser.fetch(accountPath("passkeys"))).text();
    const form = passkeyForm(page);
    const created = await authenticator.create(await optionsFor(browser, form), { synced: true, userVerified: false });
    expect((await postCredential(browser, form, created)).status).toBe(303);
    expect((await passkeyRows(w.user.id))[0]).toMatchObject({
      device_type: "multiDevice",
      backed_up: 1,
      sign_count: 0,
    });

    const signIn = await signInPage();
    const options = await optionsFor(signIn.browser, signIn.form);
    const assertion = await authenticator.get(options, undefined, { synced: true, userVerified: false });
    const callback = callbackOf(await postCredential(signIn.browser, signIn.form, assertion, true));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect([...tokens.claims.amr].sort()).toEqual(["swk", "user"]);
    expect(tokens.claims.acr).toBe("urn:latchkey:loa:1fa");
  });

  it("refuses a wrong origin, a wrong RP ID, a missing user presence, a replay and another interaction's challenge", async () => {
    const { authenticator } = await registerPasskey();
    const { browser, form } = await signInPage();
    const refused = async (credential: unknown, on = form, by = browser) => {
      const response = await postCredential(by, on, credential);
      expect(response.status).toBe(401);
      expect(alertOf(await response.text())).toBe("That passkey could not be used. Try again, or sign in another way.");
      expect(by.cookie(sessionCookieName("acme"))).toBeUndefined();
    };
    await refused(
      await authenticator.get(await optionsFor(browser, form), undefined, { origin: "https://evil.example" }),
    );
    await refused(await authenticator.get(await optionsFor(browser, form), undefined, { rpId: "evil.example" }));
    await refused(await authenticator.get(await optionsFor(browser, form), undefined, { userPresent: false }));

    const options = await optionsFor(browser, form);
    const good = await authenticator.get(options);
    // Options from another interaction (another browser) do not serve this one.
    const other = await signInPage();
    await refused(good, other.form, other.browser);
    // ...and the attempt spent the challenge: the right interaction cannot use it either.
    await refused(good);
    // A fresh challenge works; the same answer again does not.
    const fresh = await authenticator.get(await optionsFor(browser, form));
    callbackOf(await postCredential(browser, form, fresh, true));
    const second = await signInPage();
    await refused(fresh, second.form, second.browser);
    // An answer for a challenge nobody issued.
    await refused(
      await authenticator.get(options, undefined, { challenge: "A".repeat(43) }),
      second.form,
      second.browser,
    );

    const failures = await auditEvents(w.admin, "acme", "user.sign_in_failed");
    expect(failures.map((e) => e.details.reason)).toEqual(
      expect.arrayContaining(["origin", "rp_id", "flags", "challenge"]),
    );
    expect(failures.every((e) => e.details.method === "passkey")).toBe(true);
  });

  /** One successful usernameless sign-in with `authenticator` (its counter goes up). */
  async function signInOnceWith(authenticator: SoftAuthenticator) {
    const { browser, form } = await signInPage();
    callbackOf(await postCredential(browser, form, await authenticator.get(await optionsFor(browser, form)), true));
  }

  it("refuses a counter that goes backwards, and audits it", async () => {
    const { authenticator } = await registerPasskey();
    await signInOnceWith(authenticator);
    expect((await passkeyRows(w.user.id))[0]!.sign_count).toBe(2);
    const { browser, form } = await signInPage();
    const cloned = await authenticator.get(await optionsFor(browser, form), undefined, { counter: 2 });
    const response = await postCredential(browser, form, cloned);
    expect(response.status).toBe(401);
    const regressions = await auditEvents(w.admin, "acme", "passkey.counter_regression");
    expect(regressions).toHaveLength(1);
    expect(regressions[0]!.user_id).toBe(w.user.id);
    expect((await passkeyRows(w.user.id))[0]!.sign_count).toBe(2);
  });

  it("refuses an assertion with another user's handle, or none in a usernameless sign-in (WebAuthn §7.2 step 6)", async () => {
    const { authenticator } = await registerPasskey();
    const bob = await createUser(w.admin, "acme", {
      email: "bob@example.com",
      password: PASSWORD,
      email_verified: true,
    });
    const { browser, form } = await signInPage();
    for (const userHandle of [b64url.encode(new TextEncoder().encode(bob.id)), null]) {
      const assertion = await authenticator.get(await optionsFor(browser, form), undefined, { userHandle });
      const response = await postCredential(browser, form, assertion);
      expect(response.status).toBe(401);
      expect(alertOf(await response.text())).toBe("That passkey could not be used. Try again, or sign in another way.");
      expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    }
    const failures = await auditEvents(w.admin, "acme", "user.sign_in_failed");
    expect(failures.map((e) => e.details.reason)).toEqual(["user_handle", "user_handle"]);
    expect(failures.every((e) => e.user_id === w.user.id)).toBe(true);
    // The handle given at registration (the user id's bytes) is accepted.
    const good = await authenticator.get(await optionsFor(browser, form));
    expect(good.response.userHandle).toBe(b64url.encode(new TextEncoder().encode(w.user.id)));
    callbackOf(await postCredential(browser, form, good, true));
  });

  it("judges the counter only after the signature: a forged assertion raises no clone alarm", async () => {
    const { authenticator } = await registerPasskey();
    await signInOnceWith(authenticator);
    expect((await passkeyRows(w.user.id))[0]!.sign_count).toBe(2);
    // Someone who knows the credential id (not its key) sends a lower counter.
    const { browser, form } = await signInPage();
    const forged = await authenticator.get(await optionsFor(browser, form), undefined, {
      counter: 1,
      forgeSignature: true,
    });
    const response = await postCredential(browser, form, forged);
    expect(response.status).toBe(401);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    expect(await auditEvents(w.admin, "acme", "passkey.counter_regression")).toEqual([]);
    const failures = await auditEvents(w.admin, "acme", "user.sign_in_failed");
    expect(failures.map((e) => e.details.reason)).toEqual(["unverified"]);
    expect((await passkeyRows(w.user.id))[0]!.sign_count).toBe(2);
  });

  it("does not know another tenant's passkey, and refuses a blocked user's", async () => {
    const { authenticator } = await registerPasskey();
    const betaWorld = await world("beta", { admin: w.admin });
    const beta = await signInPage("beta", betaWorld.app);
    // Tenant beta has its own user with the same email: still, acme's credential is unknown there.
    const foreign = await postCredential(
      beta.browser,
      beta.form,
      await authenticator.get(await optionsFor(beta.browser, beta.form)),
    );
    expect(foreign.status).toBe(401);
    const unknown = await auditEvents(w.admin, "beta", "user.sign_in_failed");
    expect(unknown.map((e) => e.details.reason)).toEqual(["unknown_credential"]);

    const blocked = await call("PATCH", `/admin/v1/tenants/acme/users/${w.user.id}`, {
      token: w.admin,
      body: { blocked: true },
    });
    expect(blocked.status).toBe(200);
    const { browser, form } = await signInPage();
    const response = await postCredential(browser, form, await authenticator.get(await optionsFor(browser, form)));
    expect(response.status).toBe(403);
    expect(alertOf(await response.text())).toMatch(/blocked/);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
  });

  it("without the script the button posts nothing and the page says what is needed", async () => {
    const { browser, page } = await signInPage();
    const response = await browser.post(page, "/passkey", {});
    expect(response.status).toBe(400);
    expect(alertOf(await response.text())).toMatch(/Passkeys need JavaScript/);
  });
});

describe("passkey as the second factor", () => {
  it("after the password, asks for one of the user's passkeys; amr pwd, hwk, user, mfa", async () => {
    const { authenticator } = await registerPasskey();
    const bob = await createUser(w.admin, "acme", {
      email: "bob@example.com",
      password: PASSWORD,
      email_verified: true,
    });
    const bobs = await registerPasskey(new SoftAuthenticator(ORIGIN), "bob@example.com");

    const browser = new Browser();
    const page = await (await browser.navigate(authorizePath("acme", codeRequest(w.app)))).text();
    const afterPassword = await browser.submit(page, "/login", { email: "ana@example.com", password: PASSWORD });
    expect(afterPassword.status).toBe(200);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    const interactionId = /\/interaction\/([^/"]+)\/mfa/.exec(await afterPassword.text())![1]!;
    const challenge = await browser.navigate(`/t/acme/interaction/${interactionId}/mfa/passkey`);
    expect(challenge.status).toBe(200);
    const form = passkeyForm(await challenge.text());
    const options = await optionsFor(browser, form);
    const [row] = await passkeyRows(w.user.id);
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([row!.id]);

    // Bob's passkey does not confirm Ana's sign-in.
    const wrong = await postCredential(browser, form, await bobs.authenticator.get(options));
    expect(wrong.status).toBe(401);
    expect(bob.id).not.toBe(w.user.id);

    const response = await postCredential(
      browser,
      form,
      await authenticator.get(await optionsFor(browser, form)),
      true,
    );
    const tokens = await redeem("acme", w.app, callbackOf(response).searchParams.get("code")!);
    expect([...tokens.claims.amr].sort()).toEqual(["hwk", "mfa", "pwd", "user"]);
    expect(tokens.claims.acr).toBe("urn:latchkey:loa:phr");
  });

  it("accepts an assertion without a user handle when the user is known (a non-discoverable answer)", async () => {
    const { authenticator } = await registerPasskey();
    const browser = new Browser();
    const page = await (await browser.navigate(authorizePath("acme", codeRequest(w.app)))).text();
    const afterPassword = await browser.submit(page, "/login", { email: "ana@example.com", password: PASSWORD });
    const interactionId = /\/interaction\/([^/"]+)\/mfa/.exec(await afterPassword.text())![1]!;
    const challenge = await browser.navigate(`/t/acme/interaction/${interactionId}/mfa/passkey`);
    const form = passkeyForm(await challenge.text());
    const assertion = await authenticator.get(await optionsFor(browser, form), undefined, { userHandle: null });
    expect(assertion.response).not.toHaveProperty("userHandle");
    const tokens = await redeem(
      "acme",
      w.app,
      callbackOf(await postCredential(browser, form, assertion, true)).searchParams.get("code")!,
    );
    expect(tokens.claims.sub).toBe(w.user.id);
  });

  it("is refused after a passkey first factor: the same passkey twice is one factor", async () => {
    // A passkey without user verification is one factor; the user's passkey makes two necessary.
    const authenticator = new SoftAuthenticator(ORIGIN);
    const browser0 = await signedInBrowser();
    const accountPage = await (await browser0.fetch(accountPath("passkeys"))).text();
    const accountForm = passkeyForm(accountPage);
    const created = await authenticator.create(await optionsFor(browser0, accountForm), { userVerified: false });
    expect((await postCredential(browser0, accountForm, created)).status).toBe(303);

    const { browser, form } = await signInPage();
    const first = await postCredential(
      browser,
      form,
      await authenticator.get(await optionsFor(browser, form), undefined, { userVerified: false }),
    );
    expect(first.status).toBe(303);
    const chooser = first.headers.get("Location")!;
    expect(chooser).toMatch(/^\/t\/acme\/interaction\/[^/]+\/mfa$/);
    const stepPath = `${chooser}/passkey`;
    const anyMethod = `${chooser}?all`;
    // The chooser offers another kind (the emailed code); its page carries the interaction's CSRF token.
    const other = await browser.navigate(chooser);
    expect(browser.lastUrl).toMatch(/\/mfa\/email$/);
    const csrf = unescapeHtml(/name="csrf" value="([^"]*)"/.exec(await other.text())![1]!);

    const outcomes = async () =>
      (await auditEvents(w.admin, "acme", "user.signed_in")).length +
      (await auditEvents(w.admin, "acme", "user.sign_in_failed")).length;
    const outcomesBefore = await outcomes();
    const counterBefore = (await passkeyRows(w.user.id))[0]!.sign_count;

    const shown = await browser.fetch(stepPath);
    expect(shown.status).toBe(303);
    expect(shown.headers.get("Location")).toBe(anyMethod);
    const options = await browser.fetch(`${stepPath}/options`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      body: new URLSearchParams({ csrf }),
    });
    expect(options.status).toBe(303);
    expect(options.headers.get("Location")).toBe(anyMethod);
    // Even a fully verified assertion of the same passkey completes nothing.
    const signInOptions = await optionsFor(browser, form);
    const again = await postCredential(
      browser,
      { ...form, action: stepPath, csrf },
      await authenticator.get(signInOptions),
    );
    expect(again.status).toBe(303);
    expect(again.headers.get("Location")).toBe(anyMethod);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    // Nothing was checked, used or recorded.
    expect(await outcomes()).toBe(outcomesBefore);
    expect((await passkeyRows(w.user.id))[0]!.sign_count).toBe(counterBefore);
  });
});

describe("the offer after sign-up", () => {
  /** Signs up bea@example.com in tenant "fresh" up to the page after the emailed code. */
  async function signedUp() {
    const fresh = await signUpWorld("fresh");
    const browser = new Browser();
    browser.declinePasskeyOffer = false;
    const form = await openSignUp(browser, "fresh", fresh.app);
    const codePage = await browser.submit(form, "/sign-up", goodForm("bea@example.com"));
    expect(codePage.status).toBe(200);
    const offer = await browser.submit(await codePage.text(), "/sign-up/code", {
      code: codeIn(await lastEmailTo("bea@example.com")),
    });
    expect(offer.status).toBe(200);
    const page = await offer.text();
    expect(page).toContain("Sign in faster next time");
    return { fresh, browser, page };
  }

  it("adds a passkey to the new account, then goes on to the app", async () => {
    const { fresh, browser, page } = await signedUp();
    const form = passkeyForm(page);
    const authenticator = new SoftAuthenticator(ORIGIN);
    const options = await optionsFor(browser, form);
    expect(options.user.name).toBe("bea@example.com");
    const callback = callbackOf(await postCredential(browser, form, await authenticator.create(options), true));
    const tokens = await redeem("fresh", fresh.app, callback.searchParams.get("code")!);
    expect(await passkeyRows(tokens.claims.sub!)).toHaveLength(1);
    const registered = await auditEvents(fresh.admin, "fresh", "passkey.registered");
    expect(registered.map((e) => e.details.source)).toEqual(["sign_up"]);
    // The account is minutes old: a passkey added with it is no news to its owner.
    expect((await emailsTo("bea@example.com")).length).toBeGreaterThan(0);
    expect(await factorNotices("bea@example.com")).toEqual([]);
  });

  it('"Not now" goes on without a passkey; the finished interaction\'s offer page is no longer shown', async () => {
    const { fresh, browser, page } = await signedUp();
    const skip = /href="([^"]*)"[^>]*>Not now</.exec(page)![1]!;
    const callback = callbackOf(await browser.navigate(unescapeHtml(skip)));
    const tokens = await redeem("fresh", fresh.app, callback.searchParams.get("code")!);
    expect(await passkeyRows(tokens.claims.sub!)).toHaveLength(0);
    // The interaction is finished: its offer page leads nowhere now.
    const offerPath = passkeyForm(page).action;
    expect((await browser.fetch(offerPath)).status).not.toBe(200);
  });
});

// Defences added after the security review of the provider: each test reproduces an
// attack or failure the review found and checks it no longer works.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { MAX_SESSIONS, type UserState } from "../../../src/sessions/user-state";
import { throttleNetwork } from "../../../src/signin/password";
import { call, json } from "../helpers";
import { Browser } from "./browser";
import {
  auditEvents,
  authorizePath,
  authorizeWithSignIn,
  callbackOf,
  codeRequest,
  createUser,
  env,
  OTHER_REDIRECT,
  PASSWORD,
  pkce,
  redeem,
  signInOn,
  tenantId,
  world,
} from "./fixtures";

async function lockOut(world: { slug: string }, email: string, ip: string, attempts: number) {
  for (let i = 0; i < attempts; i++) {
    const attacker = new Browser();
    attacker.ip = ip;
    const page = await (await attacker.navigate(authorizePath(world.slug, codeRequest(appOf(world))))).text();
    await signInOn(attacker, page, email, `wrong guess ${i}`);
    // Wait out the backoff between attempts by moving the throttle's clock instead.
    await ageThrottle(world.slug, "account", email, 60);
  }
}

let currentApp = "";
const appOf = (_: unknown) => ({ client_id: currentApp });

async function throttleStub(slug: string, kind: "account" | "ip", key: string) {
  return env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName(`${await tenantId(slug)}:${kind}:${key}`));
}

async function ageThrottle(slug: string, kind: "account" | "ip", key: string, seconds: number) {
  const stub = await throttleStub(slug, kind, key);
  await runInDurableObject(stub, async (_instance, state) => {
    const account = await state.storage.get<{ lastFailureAt: number }>("account");
    if (account) await state.storage.put("account", { ...account, lastFailureAt: account.lastFailureAt - seconds });
  });
}

describe("the device cookie after idle days", () => {
  it("still lets the customer's browser in when the throttle's idle reset has run and an attacker locks the account", async () => {
    const w = await world("acme", { tenant: { sign_in_lock_threshold: 3 } });
    currentApp = w.app.client_id;
    const ana = new Browser();
    await authorizeWithSignIn(ana, w.slug, codeRequest(w.app));
    // Two idle days later the throttle forgets failure counts: it must keep Ana's device.
    const account = await throttleStub(w.slug, "account", "ana@example.com");
    expect(await runDurableObjectAlarm(account)).toBe(true);

    await lockOut(w, "ana@example.com", "198.51.100.9", 3);
    const stranger = new Browser();
    const refused = await stranger.navigate(authorizePath(w.slug, codeRequest(w.app, { prompt: "login" })));
    expect((await signInOn(stranger, await refused.text(), "ana@example.com", PASSWORD)).status).toBe(429);

    const page = await ana.navigate(authorizePath(w.slug, codeRequest(w.app, { prompt: "login" })));
    const back = await signInOn(ana, await page.text(), "ana@example.com", PASSWORD);
    expect(callbackOf(back).searchParams.get("code")).toBeTruthy();
  });
});

describe("per-network IP throttling", () => {
  it("counts an IPv6 /64 as one network, and an IPv4 address as itself", () => {
    expect(throttleNetwork("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttleNetwork("2001:0db8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(throttleNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttleNetwork("::1")).toBe("0:0:0:0::/64");
    expect(throttleNetwork("203.0.113.7")).toBe("203.0.113.7");
  });

  it("blocks a /64 as a whole, whatever address of it guesses next; a known browser still gets in", async () => {
    const w = await world();
    const ana = new Browser();
    ana.ip = "2001:db8:5:6::10";
    await authorizeWithSignIn(ana, w.slug, codeRequest(w.app));
    const stub = await throttleStub(w.slug, "ip", "2001:db8:5:6::/64");
    await runInDurableObject(stub, async (_instance, state) => {
      const now = Math.floor(Date.now() / 1000);
      await state.storage.put("ip", { failures: [], blockedUntil: now + 600 });
    });
    const stranger = new Browser();
    stranger.ip = "2001:db8:5:6:ffff::99";
    const page = await stranger.navigate(authorizePath(w.slug, codeRequest(w.app)));
    expect((await signInOn(stranger, await page.text(), "ana@example.com", PASSWORD)).status).toBe(429);
    // The same network, but a browser that signed in to this account before.
    const again = await ana.navigate(authorizePath(w.slug, codeRequest(w.app, { prompt: "login" })));
    expect(
      callbackOf(await signInOn(ana, await again.text(), "ana@example.com", PASSWORD)).searchParams.get("code"),
    ).toBeTruthy();
  });
});

describe("interactions belong to the user they happened to", () => {
  it("does not give a code for another user who signed in from a second tab after consent", async () => {
    const w = await world();
    await createUser(w.admin, w.slug, { email: "bob@example.com", password: PASSWORD });
    const browser = new Browser();
    const { challenge } = await pkce();
    // Tab 1: Ana, at a third-party app, signs in and consents; the last redirect is not followed yet.
    const tab1 = await browser.navigate(
      authorizePath(w.slug, {
        ...codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT, scope: "openid email read:orders" }),
        code_challenge: challenge,
        code_challenge_method: "S256",
        resource: "https://api.acme.example",
      }),
    );
    const consentPage = await signInOn(browser, await tab1.text(), "ana@example.com");
    const consentHtml = await consentPage.text();
    expect(consentHtml).toContain("wants to access your account");
    const afterConsent = await browser.post(consentHtml, "/consent", { decision: "allow" });
    expect(afterConsent.status).toBe(303);
    // Tab 2: Bob signs in (prompt=login), replacing the browser's session.
    const tab2 = await browser.navigate(authorizePath(w.slug, codeRequest(w.app, { prompt: "login" })));
    await signInOn(browser, await tab2.text(), "bob@example.com");
    // Tab 1 resumes: Bob never consented, so he is asked, not given a code.
    const resumed = await browser.navigate(afterConsent.headers.get("Location")!);
    expect(resumed.status).toBe(200);
    const html = await resumed.text();
    expect(html).toContain("wants to access your account");
    expect(html).toContain("bob@example.com");
  });

  it("a consent answer counts only for the user the page was shown to", async () => {
    const w = await world();
    await createUser(w.admin, w.slug, { email: "bob@example.com", password: PASSWORD });
    const browser = new Browser();
    const first = await browser.navigate(
      authorizePath(w.slug, codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT, scope: "openid email" })),
    );
    const consentHtml = await (await signInOn(browser, await first.text(), "ana@example.com")).text();
    // Bob signs in from another tab before Ana answers.
    const other = await browser.navigate(authorizePath(w.slug, codeRequest(w.app, { prompt: "login" })));
    await signInOn(browser, await other.text(), "bob@example.com");
    const answered = await browser.submit(consentHtml, "/consent", { decision: "allow" });
    // No code: Bob is shown the consent page for himself instead.
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain("bob@example.com");
    const bob = (
      await json(await call("GET", `/admin/v1/tenants/${w.slug}/users?email=bob@example.com`, { token: w.admin }))
    ).data[0];
    const consents = await json(
      await call("GET", `/admin/v1/tenants/${w.slug}/users/${bob.id}/consents`, { token: w.admin }),
    );
    expect(consents.data).toEqual([]);
  });

  it("answers login_required when the user signs in as someone else than id_token_hint names", async () => {
    const w = await world();
    await createUser(w.admin, w.slug, { email: "bob@example.com", password: PASSWORD });
    const browser = new Browser();
    const callback = await authorizeWithSignIn(browser, w.slug, codeRequest(w.app));
    const tokens = await redeem(w.slug, w.app, callback.searchParams.get("code")!);
    const hinted = await browser.navigate(
      authorizePath(w.slug, codeRequest(w.app, { prompt: "login", id_token_hint: tokens.id_token })),
    );
    const back = await signInOn(browser, await hinted.text(), "bob@example.com");
    expect(callbackOf(back).searchParams.get("error")).toBe("login_required");
  });
});

describe("id_token_hint", () => {
  it("does not take an access token for a hint (its typ is checked before anything, so expired ones too)", async () => {
    const w = await world();
    const browser = new Browser();
    const callback = await authorizeWithSignIn(browser, w.slug, codeRequest(w.app));
    const tokens = await redeem(w.slug, w.app, callback.searchParams.get("code")!);
    expect(decodeJwt(tokens.access_token).sub).toBe(w.user.id);
    const response = await browser.navigate(`/t/${w.slug}/logout?id_token_hint=${tokens.access_token}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Sign out?");
  });
});

describe("audit of mistyped logins", () => {
  it("never records text that is not an email address (it may be a password)", async () => {
    const w = await world();
    const browser = new Browser();
    const page = await browser.navigate(authorizePath(w.slug, codeRequest(w.app)));
    await signInOn(browser, await page.text(), "My Secret Passw0rd!", "whatever it is");
    const events = await auditEvents(w.admin, w.slug, "user.sign_in_failed");
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain("secret passw0rd");
    expect(events[0]!.details.login).toBe("(not an email address)");
  });
});

describe("bounded storage", () => {
  it(`keeps at most ${MAX_SESSIONS} sessions per user, ending the least recently active`, async () => {
    const w = await world();
    const id = await tenantId(w.slug);
    const stub = env.USER_STATE.get(env.USER_STATE.idFromName(`${id}:${w.user.id}`));
    const created: string[] = [];
    for (let i = 0; i < MAX_SESSIONS + 3; i++) {
      const session = await stub.createSession({
        authTime: 1,
        amr: ["pwd"],
        acr: "x",
        ttl: 3600,
        idleTtl: 3600,
        ip: null,
        userAgent: null,
      });
      created.push(session.sid);
    }
    const live = await runInDurableObject(stub, async (_instance: UserState, state) =>
      [...(await state.storage.list({ prefix: "session:" })).keys()].map((key) => key.slice("session:".length)),
    );
    expect(live).toHaveLength(MAX_SESSIONS);
    expect(live).toContain(created.at(-1));
  });
});

describe("hardened endpoints", () => {
  it("caps a UserInfo form body instead of reading it whole", async () => {
    const response = await call("POST", "/t/acme/userinfo", {
      body: `access_token=${"a".repeat(64 * 1024)}`,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect([401, 404]).toContain(response.status);
  });

  it("lets form_post answer a native app's private-use scheme (its scheme is allowed as form-action)", async () => {
    const w = await world();
    const native = await call("POST", `/admin/v1/tenants/${w.slug}/clients`, {
      token: w.admin,
      body: {
        application_type: "native",
        first_party: true,
        redirect_uris: ["com.example.app:/callback"],
        token_endpoint_auth_method: "none",
      },
    });
    expect(native.status).toBe(201);
    const client = await json(native);
    const browser = new Browser();
    const { challenge } = await pkce();
    const page = await browser.navigate(
      authorizePath(w.slug, {
        response_type: "code",
        client_id: client.client_id,
        redirect_uri: "com.example.app:/callback",
        scope: "openid",
        response_mode: "form_post",
        code_challenge: challenge,
        code_challenge_method: "S256",
      }),
    );
    const done = await signInOn(browser, await page.text(), "ana@example.com");
    expect(done.status).toBe(200);
    expect(done.headers.get("Content-Security-Policy")).toContain("form-action 'self' com.example.app:");
  });

  it("refuses client assertions naming several audiences", async () => {
    const w = await world();
    const { generateKeyPair, exportJWK } = await import("jose");
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    const created = await json(
      await call("POST", `/admin/v1/tenants/${w.slug}/clients`, {
        token: w.admin,
        body: {
          grant_types: ["client_credentials"],
          token_endpoint_auth_method: "private_key_jwt",
          jwks: { keys: [jwk] },
        },
      }),
    );
    const issuer = `https://latchkey.test/t/${w.slug}`;
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(created.client_id)
      .setSubject(created.client_id)
      .setAudience([issuer, "https://evil.example"])
      .setJti(crypto.randomUUID())
      .setExpirationTime("2m")
      .sign(privateKey);
    const response = await call("POST", `/t/${w.slug}/token`, {
      body: new URLSearchParams({
        grant_type: "client_credentials",
        resource: "https://api.acme.example",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(401);
  });
});

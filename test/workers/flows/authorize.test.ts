// The authorization endpoint (RFC 6749 4.1, OIDC Core 3.1.2, RFC 9207, RFC 7636): what
// is shown to the user, what goes back to the client, and how prompt, max_age,
// id_token_hint and login_hint steer the hosted pages.
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, send, tokenRequest } from "../helpers";
import { Browser, findForm, unescapeHtml } from "./browser";
import {
  authorizePath,
  authorizeWithSignIn,
  auditEvents,
  callbackOf,
  codeRequest,
  createClient,
  createUser,
  issuer,
  OTHER_REDIRECT,
  PASSWORD,
  pkce,
  redeem,
  REDIRECT,
  signInOn,
  freshSecond,
  startOfSecond,
  world,
  type World,
} from "./fixtures";

let w: World;
const ISS = issuer("acme");

beforeEach(async () => {
  w = await world();
});

/** A browser signed in as Ana (the code it got is returned too). */
async function signedInBrowser() {
  const browser = new Browser();
  const callback = await authorizeWithSignIn(browser, "acme", codeRequest(w.app));
  return { browser, code: callback.searchParams.get("code")! };
}

/** An authorization request by GET (query) or POST (form body), from a fresh browser. */
function authorizeWith(method: string, query: URLSearchParams) {
  return method === "GET"
    ? new Browser().fetch(`/t/acme/authorize?${query}`)
    : new Browser().fetch("/t/acme/authorize", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: query,
      });
}

async function expectErrorPage(response: Response, message: RegExp) {
  expect(response.status).toBe(400);
  expect(response.headers.get("Location")).toBeNull();
  expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
  expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
  const page = await response.text();
  expect(page).toMatch(message);
  expect(page).not.toContain(REDIRECT);
  return page;
}

describe("requests", () => {
  it("accepts GET, ignores unknown parameters and answers with code, state and iss", async () => {
    const browser = new Browser();
    const callback = await authorizeWithSignIn(
      browser,
      "acme",
      codeRequest(w.app, { foo: "bar", ui_locales: "fr-CA", acr_values: "urn:example:unknown", display: "page" }),
    );
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get("code")).toMatch(/^lkc\./);
    expect(callback.searchParams.get("state")).toBe("st-1");
    expect(callback.searchParams.get("iss")).toBe(ISS);
    expect(callback.searchParams.get("foo")).toBeNull();
    expect(callback.searchParams.get("error")).toBeNull();
  });

  it("accepts POST with a form body, and the same parameters as GET", async () => {
    const browser = new Browser();
    const started = await browser.fetch("/t/acme/authorize", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(codeRequest(w.app, { state: "posted" })),
    });
    expect(started.status).toBe(303);
    expect(started.headers.get("Location")).toMatch(/^\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}$/);
    const page = await browser.navigate(started.headers.get("Location")!);
    const callback = callbackOf(await signInOn(browser, await page.text(), "ana@example.com"));
    expect(callback.searchParams.get("state")).toBe("posted");
    expect(callback.searchParams.get("iss")).toBe(ISS);
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims.nonce).toBe("n-1");

    // With a session, a POST completes at once.
    const again = await browser.fetch("/t/acme/authorize", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(codeRequest(w.app, { state: "posted-2" })),
    });
    expect(callbackOf(again).searchParams.get("state")).toBe("posted-2");
  });

  it("refuses a POST that is not a form, with a page", async () => {
    const response = await send(
      new Request(`${BASE}/t/acme/authorize`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(codeRequest(w.app)),
      }),
    );
    await expectErrorPage(response, /form/);
  });

  it("refuses a POST body over 32 KiB, with a page", async () => {
    const response = await new Browser().fetch("/t/acme/authorize", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(codeRequest(w.app, { padding: "x".repeat(33 * 1024) })),
    });
    await expectErrorPage(response, /form/);
  });

  it("echoes state and nonce, and keeps the redirect URI's own query", async () => {
    const withQuery = "https://app.example.com/cb?tenant=blue";
    const client = await createClient(w.admin, "acme", { first_party: true, redirect_uris: [withQuery] });
    const state = "a state with spaces & symbols/?=";
    const browser = new Browser();
    const callback = await authorizeWithSignIn(
      browser,
      "acme",
      codeRequest(client, { redirect_uri: withQuery, state, nonce: "nonce-xyz" }),
    );
    expect(callback.searchParams.get("tenant")).toBe("blue");
    expect(callback.searchParams.get("state")).toBe(state);
    expect(callback.searchParams.get("iss")).toBe(ISS);
    const tokens = await redeem("acme", client, callback.searchParams.get("code")!, {}, withQuery);
    expect(tokens.claims.nonce).toBe("nonce-xyz");
    expect(typeof tokens.claims.auth_time).toBe("number");
  });

  it("leaves out state when the request had none", async () => {
    const { browser } = await signedInBrowser();
    const params: Record<string, string> = codeRequest(w.app);
    delete params.state;
    const callback = callbackOf(await browser.fetch(authorizePath("acme", params)));
    expect(callback.searchParams.has("state")).toBe(false);
    expect(callback.searchParams.get("iss")).toBe(ISS);
    expect(callback.searchParams.get("code")).toBeTruthy();
  });

  it("lets an OAuth request (no openid) of a client with one redirect URI leave redirect_uri out", async () => {
    const { browser } = await signedInBrowser();
    const params: Record<string, string> = codeRequest(w.app, { scope: "email" });
    delete params.redirect_uri;
    const callback = callbackOf(await browser.fetch(authorizePath("acme", params)));
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get("code")).toBeTruthy();
  });
});

describe("errors shown to the user, never redirected", () => {
  const cases: [string, (w: World) => Record<string, string> | URLSearchParams, RegExp][] = [
    ["unknown client_id", () => codeRequest({ client_id: "nobody-knows-me" }), /not known/],
    [
      "missing client_id",
      (w) => {
        const p: Record<string, string> = codeRequest(w.app);
        delete p.client_id;
        return p;
      },
      /client_id/,
    ],
    [
      "missing redirect_uri (OpenID request)",
      (w) => {
        const p: Record<string, string> = codeRequest(w.app);
        delete p.redirect_uri;
        return p;
      },
      /redirect_uri/,
    ],
    [
      "an unregistered redirect_uri",
      (w) => codeRequest(w.app, { redirect_uri: "https://evil.example/cb" }),
      /not registered/,
    ],
    [
      "the redirect_uri with a query added",
      (w) => codeRequest(w.app, { redirect_uri: `${REDIRECT}?x=1` }),
      /not registered/,
    ],
    [
      "the redirect_uri with a trailing slash",
      (w) => codeRequest(w.app, { redirect_uri: `${REDIRECT}/` }),
      /not registered/,
    ],
    [
      "the redirect_uri in another case",
      (w) => codeRequest(w.app, { redirect_uri: REDIRECT.toUpperCase() }),
      /not registered/,
    ],
    ["another client's redirect_uri", (w) => codeRequest(w.app, { redirect_uri: OTHER_REDIRECT }), /not registered/],
    [
      "a bad redirect_uri together with other errors",
      (w) => codeRequest(w.app, { redirect_uri: `${REDIRECT}/`, response_type: "token", scope: "nope" }),
      /not registered/,
    ],
    [
      "a repeated redirect_uri",
      (w) => {
        const p = new URLSearchParams(codeRequest(w.app));
        p.append("redirect_uri", "https://evil.example/cb");
        return p;
      },
      /redirect_uri/,
    ],
    [
      "a repeated client_id",
      (w) => {
        const p = new URLSearchParams(codeRequest(w.app));
        p.append("client_id", w.partner.client_id);
        return p;
      },
      /client_id/,
    ],
  ];
  it("each is a 400 page, over GET and over POST", async () => {
    for (const [name, params, message] of cases) {
      for (const method of ["GET", "POST"]) {
        const response = await authorizeWith(method, new URLSearchParams(params(w)));
        const what = `${name} (${method})`;
        expect.soft(response.status, what).toBe(400);
        expect.soft(response.headers.get("Location"), what).toBeNull();
        expect.soft(response.headers.get("Content-Type"), what).toMatch(/^text\/html/);
        expect.soft(response.headers.get("Content-Security-Policy"), what).toContain("frame-ancestors 'none'");
        const page = await response.text();
        expect.soft(page, what).toMatch(message);
        expect.soft(page, what).not.toContain(REDIRECT);
      }
    }
  });
});

describe("errors redirected to the client with state and iss", () => {
  let publicClient: { client_id: string };
  let machine: { client_id: string };
  beforeEach(async () => {
    [publicClient, machine] = await Promise.all([
      createClient(w.admin, "acme", { first_party: true, token_endpoint_auth_method: "none" }),
      createClient(w.admin, "acme", { grant_types: ["client_credentials"], redirect_uris: [REDIRECT] }),
    ]);
  });

  const cases: [string, () => Record<string, string> | URLSearchParams, string][] = [
    [
      "missing response_type",
      () => {
        const p: Record<string, string> = codeRequest(w.app);
        delete p.response_type;
        return p;
      },
      "invalid_request",
    ],
    ["response_type=token", () => codeRequest(w.app, { response_type: "token" }), "unsupported_response_type"],
    ["response_type=id_token", () => codeRequest(w.app, { response_type: "id_token" }), "unsupported_response_type"],
    [
      "response_type=code id_token",
      () => codeRequest(w.app, { response_type: "code id_token" }),
      "unsupported_response_type",
    ],
    ["a malformed scope", () => codeRequest(w.app, { scope: 'openid bad"scope' }), "invalid_scope"],
    ["an unknown scope", () => codeRequest(w.app, { scope: "openid delete:everything" }), "invalid_scope"],
    ["no scope at all", () => codeRequest(w.app, { scope: "" }), "invalid_scope"],
    [
      "an API scope the client may not ask for",
      () => codeRequest(w.app, { scope: "openid read:orders", resource: "https://api.acme.example" }),
      "invalid_scope",
    ],
    ["an unknown resource", () => codeRequest(w.app, { resource: "https://unknown.example/api" }), "invalid_target"],
    ["a relative resource", () => codeRequest(w.app, { resource: "/api" }), "invalid_target"],
    [
      "code_challenge_method=plain",
      () => codeRequest(w.app, { code_challenge: "a".repeat(43), code_challenge_method: "plain" }),
      "invalid_request",
    ],
    [
      "a malformed code_challenge",
      () => codeRequest(w.app, { code_challenge: "short", code_challenge_method: "S256" }),
      "invalid_request",
    ],
    ["a public client without code_challenge", () => codeRequest(publicClient), "invalid_request"],
    [
      "a repeated parameter",
      () => {
        const p = new URLSearchParams(codeRequest(w.app));
        p.append("scope", "openid profile");
        return p;
      },
      "invalid_request",
    ],
    ["a request object", () => codeRequest(w.app, { request: "eyJhbGciOiJub25lIn0.e30." }), "request_not_supported"],
    [
      "a request_uri that was not pushed",
      () => codeRequest(w.app, { request_uri: "https://app.example.com/request.jwt" }),
      "request_uri_not_supported",
    ],
    ["prompt=none with login", () => codeRequest(w.app, { prompt: "none login" }), "invalid_request"],
    ["an unknown prompt", () => codeRequest(w.app, { prompt: "bogus" }), "invalid_request"],
    ["a negative max_age", () => codeRequest(w.app, { max_age: "-1" }), "invalid_request"],
    ["an unknown response_mode", () => codeRequest(w.app, { response_mode: "fragment" }), "invalid_request"],
    ["a client not registered for the code flow", () => codeRequest(machine), "unauthorized_client"],
  ];
  it("each goes back to the client with the error, state and iss, over GET and over POST", async () => {
    for (const [name, params, error] of cases) {
      for (const method of ["GET", "POST"]) {
        const response = await authorizeWith(method, new URLSearchParams(params()));
        const what = `${name} (${method})`;
        expect.soft(response.status, what).toBe(303);
        const location = new URL(response.headers.get("Location") ?? "about:blank");
        expect.soft(location.origin + location.pathname, what).toBe(REDIRECT);
        expect.soft(location.searchParams.get("error"), what).toBe(error);
        expect.soft(location.searchParams.get("error_description"), what).toBeTruthy();
        expect.soft(location.searchParams.get("state"), what).toBe("st-1");
        expect.soft(location.searchParams.get("iss"), what).toBe(ISS);
        expect.soft(location.searchParams.get("code"), what).toBeNull();
        expect.soft(response.headers.get("Cache-Control"), what).toBe("no-store");
      }
    }
  });

  it("accepts what the public client sends with S256", async () => {
    const { challenge, verifier } = await pkce();
    const browser = new Browser();
    const callback = await authorizeWithSignIn(
      browser,
      "acme",
      codeRequest(publicClient, { code_challenge: challenge, code_challenge_method: "S256" }),
    );
    expect(callback.searchParams.get("code")).toBeTruthy();
    const tokens = await tokenRequest("acme", {
      grant_type: "authorization_code",
      code: callback.searchParams.get("code")!,
      redirect_uri: REDIRECT,
      client_id: publicClient.client_id,
      code_verifier: verifier,
    });
    expect(tokens.status, await tokens.clone().text()).toBe(200);
    expect(verifier).not.toBe(challenge);
  });
});

describe("response_mode=form_post", () => {
  it("answers with an auto-submitting form to the client, allowed by the page's CSP", async () => {
    const { browser } = await signedInBrowser();
    const response = await browser.fetch(authorizePath("acme", codeRequest(w.app, { response_mode: "form_post" })));
    expect(response.status).toBe(200);
    expect(response.headers.get("Location")).toBeNull();
    const csp = response.headers.get("Content-Security-Policy")!;
    expect(csp).toMatch(/form-action 'self' https:\/\/app\.example\.com(;|$)/);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const page = await response.text();
    const form = findForm(page, REDIRECT);
    expect(form.action).toBe(REDIRECT);
    expect(page).toMatch(/<form[^>]*method="post"/);
    expect(form.fields.code).toMatch(/^lkc\./);
    expect(form.fields.state).toBe("st-1");
    expect(form.fields.iss).toBe(ISS);
    // The one script is our own static asset, which submits the form; a button remains for no-JS.
    const script = /<script src="([^"]+)"/.exec(page)?.[1];
    expect(script).toMatch(/^\/assets\//);
    expect(page).not.toMatch(/<script>/);
    expect(page).toMatch(/<button type="submit"/);
    const asset = await send(new Request(`${BASE}${script}`));
    expect(asset.status).toBe(200);
    expect(await asset.text()).toContain("submit()");
    // The code in the form is a real one.
    const tokens = await redeem("acme", w.app, form.fields.code!);
    expect(tokens.claims.nonce).toBe("n-1");
  });

  it("escapes what it echoes: the state comes back intact and inert", async () => {
    const { browser } = await signedInBrowser();
    const state = `"><script>alert('x')</script>&amp;<b>`;
    const response = await browser.fetch(
      authorizePath("acme", codeRequest(w.app, { response_mode: "form_post", state })),
    );
    const page = await response.text();
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<b>");
    expect(findForm(page, REDIRECT).fields.state).toBe(state);
  });

  it("posts errors the same way", async () => {
    const response = await new Browser().fetch(
      authorizePath("acme", codeRequest(w.app, { response_mode: "form_post", prompt: "none" })),
    );
    expect(response.status).toBe(200);
    const form = findForm(await response.text(), REDIRECT);
    expect(form.fields).toMatchObject({ error: "login_required", state: "st-1", iss: ISS });
    expect(form.fields.code).toBeUndefined();
  });
});

describe("prompt", () => {
  it("prompt=none: a code with a session, login_required without one", async () => {
    const without = callbackOf(
      await new Browser().fetch(authorizePath("acme", codeRequest(w.app, { prompt: "none" }))),
    );
    expect(without.searchParams.get("error")).toBe("login_required");
    expect(without.searchParams.get("state")).toBe("st-1");
    expect(without.searchParams.get("iss")).toBe(ISS);

    const { browser } = await signedInBrowser();
    const withSession = callbackOf(await browser.fetch(authorizePath("acme", codeRequest(w.app, { prompt: "none" }))));
    expect(withSession.searchParams.get("error")).toBeNull();
    expect(withSession.searchParams.get("code")).toBeTruthy();
    expect(withSession.searchParams.get("iss")).toBe(ISS);
  });

  it("prompt=none: consent_required for a third-party client the user has not consented to", async () => {
    const { browser } = await signedInBrowser();
    const response = await browser.fetch(
      authorizePath("acme", codeRequest(w.partner, { redirect_uri: OTHER_REDIRECT, prompt: "none" })),
    );
    const callback = callbackOf(response);
    expect(callback.origin + callback.pathname).toBe(OTHER_REDIRECT);
    expect(callback.searchParams.get("error")).toBe("consent_required");
    expect(callback.searchParams.get("state")).toBe("st-1");
    expect(callback.searchParams.get("iss")).toBe(ISS);
  });

  it("prompt=login and max_age=0 ask for credentials again, and auth_time moves", async () => {
    const [one, two] = await Promise.all([signedInBrowser(), signedInBrowser()]);
    const [firstOne, firstTwo] = await Promise.all([redeem("acme", w.app, one.code), redeem("acme", w.app, two.code)]);
    await startOfSecond(); // auth_time has a resolution of one second

    // Without prompt, single sign-on: the authentication time is the original one.
    const sso = callbackOf(await one.browser.fetch(authorizePath("acme", codeRequest(w.app, { max_age: "3600" }))));
    const ssoTokens = await redeem("acme", w.app, sso.searchParams.get("code")!);
    expect(ssoTokens.claims.auth_time).toBe(firstOne.claims.auth_time);
    expect(ssoTokens.claims.sid).toBe(firstOne.claims.sid);

    for (const [{ browser }, first, extra] of [
      [one, firstOne, { prompt: "login" }],
      [two, firstTwo, { max_age: "0" }],
    ] as const) {
      const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, extra)));
      expect(page.status, JSON.stringify(extra)).toBe(200);
      const html = await page.text();
      expect(html).toContain('name="password"');
      const again = callbackOf(await signInOn(browser, html, "ana@example.com"));
      const second = await redeem("acme", w.app, again.searchParams.get("code")!);
      expect(second.claims.auth_time, JSON.stringify(extra)).toBeGreaterThan(first.claims.auth_time);
      expect(second.claims.sub).toBe(first.claims.sub);
    }
    expect((await auditEvents(w.admin, "acme", "user.signed_in")).length).toBe(4);
  });

  it("max_age=0 forces re-authentication even right after signing in (prompt=none: login_required)", async () => {
    await freshSecond(); // the sign-in and the requests below fall in the same second
    const { browser } = await signedInBrowser();
    const none = callbackOf(
      await browser.fetch(authorizePath("acme", codeRequest(w.app, { max_age: "0", prompt: "none" }))),
    );
    expect(none.searchParams.get("error")).toBe("login_required");
    const response = await browser.navigate(authorizePath("acme", codeRequest(w.app, { max_age: "0" })));
    expect(response.status, "max_age=0 must ask for credentials (it is prompt=login)").toBe(200);
    expect(await response.text()).toContain('name="password"');
  });

  it("select_account shows the chooser; continuing needs no credentials", async () => {
    const { browser } = await signedInBrowser();
    const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "select_account" })));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Choose an account");
    expect(html).toContain("ana@example.com");
    expect(html).not.toContain('name="password"');
    const callback = callbackOf(await browser.submit(html, "/select-account", { choice: "current" }));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims.sub).toBe(w.user.id);
  });

  it("select_account: 'use another account' asks for credentials and signs the other user in", async () => {
    const bob = await createUser(w.admin, "acme", { email: "bob@example.com", password: PASSWORD });
    const { browser } = await signedInBrowser();
    const chooser = await (
      await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "select_account" })))
    ).text();
    const login = await browser.submit(chooser, "/select-account", { choice: "other" });
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain('name="password"');
    const callback = callbackOf(await signInOn(browser, html, "bob@example.com"));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims.sub).toBe(bob.id);
    // The browser's session is now Bob's.
    const next = callbackOf(await browser.fetch(authorizePath("acme", codeRequest(w.app))));
    expect((await redeem("acme", w.app, next.searchParams.get("code")!)).claims.sub).toBe(bob.id);
  });

  it("prompt=select_account without a session asks for credentials", async () => {
    const page = await new Browser().navigate(authorizePath("acme", codeRequest(w.app, { prompt: "select_account" })));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="password"');
  });
});

describe("hints", () => {
  async function idTokenOf(email: string) {
    const browser = new Browser();
    const callback = await authorizeWithSignIn(browser, "acme", codeRequest(w.app), email);
    return (await redeem("acme", w.app, callback.searchParams.get("code")!)).id_token;
  }

  it("id_token_hint of the signed-in user: prompt=none completes", async () => {
    const { browser, code } = await signedInBrowser();
    const hint = (await redeem("acme", w.app, code)).id_token;
    const callback = callbackOf(
      await browser.fetch(authorizePath("acme", codeRequest(w.app, { prompt: "none", id_token_hint: hint }))),
    );
    expect(callback.searchParams.get("code")).toBeTruthy();
  });

  it("id_token_hint of another user forces a sign-in, and prompt=none gives login_required", async () => {
    await createUser(w.admin, "acme", { email: "bob@example.com", password: PASSWORD });
    const bobHint = await idTokenOf("bob@example.com");
    const { browser } = await signedInBrowser();

    const none = callbackOf(
      await browser.fetch(authorizePath("acme", codeRequest(w.app, { prompt: "none", id_token_hint: bobHint }))),
    );
    expect(none.searchParams.get("error")).toBe("login_required");
    expect(none.searchParams.get("iss")).toBe(ISS);

    const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, { id_token_hint: bobHint })));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="password"');
  });

  it("an invalid id_token_hint is invalid_request", async () => {
    const { browser, code } = await signedInBrowser();
    const tokens = await redeem("acme", w.app, code);
    const genuine = tokens.id_token;
    const [header, payload, signature] = genuine.split(".");
    const tampered = `${header}.${payload!.slice(0, -4)}AAAA.${signature}`;
    const forged = `${btoa(JSON.stringify({ alg: "none" })).replaceAll("=", "")}.${payload}.`;
    // An access token is signed by the same keys but is no ID token.
    for (const hint of ["not-a-jwt", tampered, forged, tokens.access_token]) {
      const callback = callbackOf(
        await browser.fetch(authorizePath("acme", codeRequest(w.app, { id_token_hint: hint }))),
      );
      expect(callback.searchParams.get("error"), hint).toBe("invalid_request");
      expect(callback.searchParams.get("state")).toBe("st-1");
      expect(callback.searchParams.get("iss")).toBe(ISS);
    }
  });

  it("an ID token of another tenant is not a valid hint", async () => {
    const other = await world("beta", { admin: w.admin, api: false });
    const browser = new Browser();
    const callback = await authorizeWithSignIn(browser, "beta", codeRequest(other.app));
    const foreign = (await redeem("beta", other.app, callback.searchParams.get("code")!)).id_token;
    const response = callbackOf(
      await new Browser().fetch(authorizePath("acme", codeRequest(w.app, { id_token_hint: foreign }))),
    );
    expect(response.searchParams.get("error")).toBe("invalid_request");
  });

  it("login_hint prefills the email field", async () => {
    const page = await new Browser().navigate(
      authorizePath("acme", codeRequest(w.app, { login_hint: "someone@example.org" })),
    );
    const html = await page.text();
    expect(html).toMatch(/<input[^>]*id="email"[^>]*value="someone@example\.org"/);
    const without = await (await new Browser().navigate(authorizePath("acme", codeRequest(w.app)))).text();
    expect(without).not.toContain("someone@example.org");
  });

  it("login_hint is escaped", async () => {
    const hint = '"><script>alert(1)</script>';
    const html = await (
      await new Browser().navigate(authorizePath("acme", codeRequest(w.app, { login_hint: hint })))
    ).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    const value = /<input[^>]*id="email"[^>]*value="([^"]*)"/.exec(html)?.[1];
    expect(unescapeHtml(value ?? "")).toBe(hint);
  });
});

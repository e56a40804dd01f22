// Pushed authorization requests (RFC 9126): the client pushes its parameters over the back
// channel and sends the user with a one-time request_uri.
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, basic, call, json, send } from "../helpers";
import { Browser } from "./browser";
import {
  authorizePath,
  callbackOf,
  API,
  codeRequest,
  createClient,
  ephemeralRecord,
  expireEphemeral,
  issuer,
  pkce,
  redeem,
  REDIRECT,
  signInOn,
  world,
  type TestClient,
  type World,
} from "./fixtures";

let w: World;
const ISS = issuer("acme");
const URN = "urn:ietf:params:oauth:request_uri:";

beforeEach(async () => {
  w = await world();
});

function push(params: Record<string, string> | URLSearchParams, headers: Record<string, string> = {}) {
  return send(
    new Request(`${BASE}/t/acme/par`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(params),
    }),
  );
}

async function pushed(client: TestClient, params: Record<string, string>) {
  const response = await push(params, { Authorization: basic(client.client_id, client.client_secret) });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<{ request_uri: string; expires_in: number }>(response);
}

async function expectJsonError(response: Response, error: string, status = 400) {
  expect(response.status).toBe(status);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  const body = await json(response);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe("string");
  return body;
}

describe("pushing", () => {
  it("answers 201 with a one-time request_uri that lives 60 seconds", async () => {
    const response = await push(codeRequest(w.app), { Authorization: basic(w.app.client_id, w.app.client_secret) });
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await json(response);
    expect(body.expires_in).toBe(60);
    expect(body.request_uri.startsWith(URN)).toBe(true);
    expect(body.request_uri.length).toBeGreaterThan(URN.length + 30);
    const second = await pushed(w.app, codeRequest(w.app));
    expect(second.request_uri).not.toBe(body.request_uri);
  });

  it("accepts client_secret_post and public clients (PKCE)", async () => {
    const post = await createClient(w.admin, "acme", {
      first_party: true,
      token_endpoint_auth_method: "client_secret_post",
    });
    const viaPost = await push({ ...codeRequest(post), client_secret: post.client_secret });
    expect(viaPost.status, await viaPost.clone().text()).toBe(201);

    const spa = await createClient(w.admin, "acme", { first_party: true, token_endpoint_auth_method: "none" });
    const { challenge } = await pkce();
    const viaNone = await push(codeRequest(spa, { code_challenge: challenge, code_challenge_method: "S256" }));
    expect(viaNone.status, await viaNone.clone().text()).toBe(201);
    // ... but the public client still needs PKCE.
    await expectJsonError(await push(codeRequest(spa)), "invalid_request");
  });

  it("refuses unauthenticated and badly authenticated pushes", async () => {
    await expectJsonError(await push(codeRequest(w.app)), "invalid_client", 401);
    await expectJsonError(
      await push(codeRequest(w.app), { Authorization: basic(w.app.client_id, "wrong-secret") }),
      "invalid_client",
      401,
    );
    const { client_id: _, ...withoutId } = codeRequest(w.app);
    await expectJsonError(
      await push(withoutId, { Authorization: basic("nobody", w.app.client_secret) }),
      "invalid_client",
      401,
    );
    // A body client_id naming another client than the credentials is refused too.
    await expectJsonError(
      await push(codeRequest(w.partner), { Authorization: basic(w.app.client_id, w.app.client_secret) }),
      "invalid_request",
    );
  });

  const invalid: [string, () => Record<string, string> | URLSearchParams, string][] = [
    ["an unregistered redirect_uri", () => codeRequest(w.app, { redirect_uri: `${REDIRECT}/` }), "invalid_request"],
    ["response_type=token", () => codeRequest(w.app, { response_type: "token" }), "unsupported_response_type"],
    ["an unknown scope", () => codeRequest(w.app, { scope: "openid nope" }), "invalid_scope"],
    ["an unknown resource", () => codeRequest(w.app, { resource: "https://unknown.example" }), "invalid_target"],
    [
      "code_challenge_method=plain",
      () => codeRequest(w.app, { code_challenge: "a".repeat(43), code_challenge_method: "plain" }),
      "invalid_request",
    ],
    ["a request_uri", () => codeRequest(w.app, { request_uri: `${URN}abc` }), "invalid_request"],
    ["a request object", () => codeRequest(w.app, { request: "eyJhbGciOiJub25lIn0.e30." }), "request_not_supported"],
    ["prompt=none login", () => codeRequest(w.app, { prompt: "none login" }), "invalid_request"],
    [
      // /authorize refuses a repeated resource, so a pushed request must not carry one either.
      "a repeated resource",
      () => {
        const p = new URLSearchParams(codeRequest(w.app));
        p.append("resource", API);
        p.append("resource", "https://other.example/api");
        return p;
      },
      "invalid_request",
    ],
    [
      "a repeated parameter",
      () => {
        const p = new URLSearchParams(codeRequest(w.app));
        p.append("state", "again");
        return p;
      },
      "invalid_request",
    ],
  ];
  it("validation errors are JSON 400 with the RFC error code", async () => {
    for (const [name, params, error] of invalid) {
      const response = await push(params(), { Authorization: basic(w.app.client_id, w.app.client_secret) });
      expect.soft(response.status, name).toBe(400);
      expect.soft(response.headers.get("Content-Type"), name).toMatch(/^application\/json/);
      expect.soft(response.headers.get("Cache-Control"), name).toBe("no-store");
      expect.soft(response.headers.get("Location"), name).toBeNull();
      const body = await json(response);
      expect.soft(body.error, name).toBe(error);
      expect.soft(typeof body.error_description, name).toBe("string");
      expect.soft(body.request_uri, name).toBeUndefined();
    }
  });

  it("only accepts POST", async () => {
    const response = await send(new Request(`${BASE}/t/acme/par?${new URLSearchParams(codeRequest(w.app))}`));
    expect(response.status).toBe(405);
  });
});

describe("using a request_uri", () => {
  it("works once; the pushed parameters are the request", async () => {
    const { request_uri } = await pushed(w.app, codeRequest(w.app, { state: "pushed-state", nonce: "pushed-nonce" }));
    const browser = new Browser();
    // Parameters on the URL other than client_id and request_uri do not count.
    const page = await browser.navigate(
      authorizePath("acme", { client_id: w.app.client_id, request_uri, state: "url-state", scope: "nope" }),
    );
    expect(page.status).toBe(200);
    const callback = callbackOf(await signInOn(browser, await page.text(), "ana@example.com"));
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get("state")).toBe("pushed-state");
    expect(callback.searchParams.get("iss")).toBe(ISS);
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims.nonce).toBe("pushed-nonce");

    const replay = await browser.fetch(authorizePath("acme", { client_id: w.app.client_id, request_uri }));
    expect(replay.status).toBe(400);
    expect(replay.headers.get("Location")).toBeNull();
    expect(await replay.text()).toMatch(/expired or was already used/);
  });

  it("lives 60 seconds; an expired one shows an error page", async () => {
    const { request_uri } = await pushed(w.app, codeRequest(w.app));
    const key = request_uri.slice(URN.length);
    const stored = await ephemeralRecord("acme", "par", key);
    expect(stored).toBeDefined();
    expect((stored!.expiresAt - Date.now()) / 1000).toBeGreaterThan(55);
    expect((stored!.expiresAt - Date.now()) / 1000).toBeLessThanOrEqual(60);
    // What is stored is the request, without the client's credentials.
    expect(JSON.stringify(stored!.value)).not.toContain(w.app.client_secret);

    await expireEphemeral("acme", "par", key);
    const response = await new Browser().fetch(authorizePath("acme", { client_id: w.app.client_id, request_uri }));
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(await response.text()).toMatch(/expired/);
  });

  it("does not keep a client_secret sent in the body", async () => {
    const post = await createClient(w.admin, "acme", {
      first_party: true,
      token_endpoint_auth_method: "client_secret_post",
    });
    const response = await push({ ...codeRequest(post), client_secret: post.client_secret });
    const { request_uri } = await json<{ request_uri: string }>(response);
    const stored = await ephemeralRecord("acme", "par", request_uri.slice(URN.length));
    expect(JSON.stringify(stored)).not.toContain(post.client_secret);
    expect(JSON.stringify(stored)).not.toContain("client_secret");
  });

  it("is refused for another client_id, or without client_id", async () => {
    const { request_uri } = await pushed(w.app, codeRequest(w.app));
    const other = await new Browser().fetch(authorizePath("acme", { client_id: w.partner.client_id, request_uri }));
    expect(other.status).toBe(400);
    expect(other.headers.get("Location")).toBeNull();

    const second = await pushed(w.app, codeRequest(w.app));
    const bare = await new Browser().fetch(authorizePath("acme", { request_uri: second.request_uri }));
    expect(bare.status).toBe(400);
    expect(bare.headers.get("Location")).toBeNull();
  });

  it("an unknown request_uri shows an error page", async () => {
    const response = await new Browser().fetch(
      authorizePath("acme", { client_id: w.app.client_id, request_uri: `${URN}${"x".repeat(43)}` }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("Location")).toBeNull();
  });

  it("is not valid at another tenant", async () => {
    const beta = await world("beta", { admin: w.admin, api: false });
    const { request_uri } = await pushed(w.app, codeRequest(w.app));
    const response = await new Browser().fetch(authorizePath("beta", { client_id: beta.app.client_id, request_uri }));
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
  });
});

describe("requiring PAR", () => {
  async function plainRequestError(client: TestClient) {
    const response = await new Browser().fetch(authorizePath("acme", codeRequest(client)));
    return callbackOf(response);
  }

  it("a tenant setting makes every plain request fail, while pushed ones work", async () => {
    const patched = await call("PATCH", "/admin/v1/tenants/acme", {
      token: w.admin,
      body: { require_pushed_authorization_requests: true },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect((await json(patched)).require_pushed_authorization_requests).toBe(true);

    for (const client of [w.app, w.partner]) {
      const params = codeRequest(client, client === w.partner ? { redirect_uri: "https://other.example.net/cb" } : {});
      const callback = callbackOf(await new Browser().fetch(authorizePath("acme", params)));
      expect(callback.searchParams.get("error")).toBe("invalid_request");
      expect(callback.searchParams.get("error_description")).toMatch(/push/i);
      expect(callback.searchParams.get("state")).toBe("st-1");
      expect(callback.searchParams.get("iss")).toBe(ISS);
    }

    const { request_uri } = await pushed(w.app, codeRequest(w.app));
    const page = await new Browser().navigate(authorizePath("acme", { client_id: w.app.client_id, request_uri }));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="password"');
  });

  it("a client setting makes that client's plain requests fail only", async () => {
    const strict = await createClient(w.admin, "acme", {
      first_party: true,
      require_pushed_authorization_requests: true,
    });
    const callback = await plainRequestError(strict);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("iss")).toBe(ISS);

    const relaxed = await new Browser().navigate(authorizePath("acme", codeRequest(w.app)));
    expect(relaxed.status).toBe(200);

    const { request_uri } = await pushed(strict, codeRequest(strict));
    const browser = new Browser();
    const page = await browser.navigate(authorizePath("acme", { client_id: strict.client_id, request_uri }));
    expect(page.status).toBe(200);
    const done = callbackOf(await signInOn(browser, await page.text(), "ana@example.com"));
    expect(done.searchParams.get("code")).toBeTruthy();
  });
});

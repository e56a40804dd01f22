// What the hot paths of the user grants cost, from Server-Timing: D1 round trips, KV
// reads and Durable Object calls, warm (every cache filled) and from a cold isolate.
import { beforeEach, describe, expect, it } from "vitest";
import { clearMemoryCache } from "../../../src/storage/cache";
import { call, json, usage } from "../helpers";
import {
  API,
  authorize,
  Browser,
  introspect,
  REDIRECT,
  refresh,
  registerClient,
  setupTenant,
  signIn,
  token,
  userinfo,
  type AuthMethod,
  type TestClient,
  type TokenSet,
  type World,
} from "./fixtures";

let world: World;

beforeEach(async () => {
  world = await setupTenant();
});

const SCOPE = { scope: "openid offline_access read:orders", resource: API };

/** A browser signed in to `client`, whose tokens have been issued and refreshed once: every cache is warm. */
async function warmedUp(client: TestClient) {
  const browser = new Browser();
  const { tokens } = await signIn(client, SCOPE, browser);
  expect((await refresh(client, tokens.refresh_token!)).status).toBe(200);
  return browser;
}

async function exchangeMeasured(client: TestClient, browser: Browser) {
  const authorized = await authorize(browser, client, SCOPE);
  const response = await token(client, {
    grant_type: "authorization_code",
    code: authorized.code,
    redirect_uri: REDIRECT,
    code_verifier: authorized.verifier!,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return { cost: usage(response), tokens: await json<TokenSet>(response) };
}

describe("cost of the user grants", () => {
  for (const method of ["client_secret_basic", "none"] as AuthMethod[]) {
    it(`warm authorization_code exchange (${method}): no D1 query or KV read, one Durable Object call`, async () => {
      const client = await registerClient(world, method);
      const browser = await warmedUp(client);
      const { cost } = await exchangeMeasured(client, browser);
      expect(cost).toEqual({ d1RoundTrips: 0, d1Statements: 0, kvReads: 0, durableObjectCalls: 1 });
    });

    it(`warm refresh (${method}): one D1 query (the user's status), no KV read, one Durable Object call`, async () => {
      const client = await registerClient(world, method);
      const browser = await warmedUp(client);
      const { tokens } = await exchangeMeasured(client, browser);
      const response = await refresh(client, tokens.refresh_token!);
      expect(response.status).toBe(200);
      expect(usage(response)).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 0, durableObjectCalls: 1 });
    });
  }

  it("counts the assertion replay check of private_key_jwt as a Durable Object call", async () => {
    const client = await registerClient(world, "private_key_jwt");
    const browser = await warmedUp(client);
    const { cost, tokens } = await exchangeMeasured(client, browser);
    // One call claims the assertion's jti (Ephemeral), one redeems the code (UserState).
    expect(cost).toEqual({ d1RoundTrips: 0, d1Statements: 0, kvReads: 0, durableObjectCalls: 2 });
    const refreshed = await refresh(client, tokens.refresh_token!);
    expect(usage(refreshed).durableObjectCalls).toBe(2);
  });

  it("a cold isolate's exchange reads tenant, signing key and resources from KV, and only the client from D1", async () => {
    const client = await registerClient(world);
    const browser = await warmedUp(client);
    const authorized = await authorize(browser, client, SCOPE);
    clearMemoryCache();
    const response = await token(client, {
      grant_type: "authorization_code",
      code: authorized.code,
      redirect_uri: REDIRECT,
      code_verifier: authorized.verifier!,
    });
    expect(response.status).toBe(200);
    expect(usage(response)).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 3, durableObjectCalls: 1 });
  });

  it("warm UserInfo: one D1 query (the user) and one Durable Object call (revocation)", async () => {
    const client = await registerClient(world);
    const browser = await warmedUp(client);
    const { tokens } = await exchangeMeasured(client, browser);
    const response = await userinfo(tokens.access_token);
    expect(response.status).toBe(200);
    expect(usage(response)).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 0, durableObjectCalls: 1 });
  });

  it("warm introspection of an access token: no D1 query (client from cache), one revocation check", async () => {
    const client = await registerClient(world);
    const browser = await warmedUp(client);
    const { tokens } = await exchangeMeasured(client, browser);
    const response = await introspect(client, tokens.access_token);
    expect((await json(response)).active).toBe(true);
    expect(usage(response)).toEqual({ d1RoundTrips: 0, d1Statements: 0, kvReads: 0, durableObjectCalls: 1 });
  });

  it("discovery and JWKS make no D1 query, KV read or Durable Object call once cached", async () => {
    const client = await registerClient(world);
    await warmedUp(client);
    for (const path of ["/t/acme/.well-known/openid-configuration", "/t/acme/jwks"]) {
      await call("GET", path);
      const response = await call("GET", path);
      expect(response.status).toBe(200);
      expect(usage(response)).toEqual({ d1RoundTrips: 0, d1Statements: 0, kvReads: 0, durableObjectCalls: 0 });
    }
    // From a cold isolate: tenant from KV, JWKS from KV; still no D1.
    clearMemoryCache();
    const jwks = await call("GET", "/t/acme/jwks");
    expect(usage(jwks)).toEqual({ d1RoundTrips: 0, d1Statements: 0, kvReads: 2, durableObjectCalls: 0 });
  });
});

// The UserInfo endpoint (OIDC Core 5.3, RFC 6750): Bearer header or form body, claims by
// scope and by the `claims` parameter, and the challenges of every refusal.
import { decodeProtectedHeader } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { basic, call, createTenant, json, send, BASE, tokenRequest } from "../helpers";
import {
  API,
  blockUser,
  Browser,
  claimsOf,
  registerClient,
  resignedWithForeignKey,
  revoke,
  setupTenant,
  signIn,
  unsigned,
  userinfo,
  type TestClient,
  type World,
} from "./fixtures";

let world: World;
let app: TestClient;

beforeEach(async () => {
  world = await setupTenant();
  app = await registerClient(world);
});

afterEach(() => {
  vi.useRealTimers();
});

/** Asserts an RFC 6750 error answer with its WWW-Authenticate challenge. */
async function expectBearerError(response: Response, status: number, error: string) {
  const text = await response.clone().text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  const challenge = response.headers.get("WWW-Authenticate") ?? "";
  expect(challenge).toMatch(/^Bearer /);
  expect(challenge).toContain(`realm="${BASE}/t/acme"`);
  expect(challenge).toContain(`error="${error}"`);
  expect((await json(response)).error).toBe(error);
  return challenge;
}

const expectInvalidToken = (response: Response) => expectBearerError(response, 401, "invalid_token");

describe("UserInfo: presenting the token", () => {
  it("answers GET with a Bearer header, no-store", async () => {
    const { tokens } = await signIn(app, { scope: "openid email" });
    const response = await userinfo(tokens.access_token);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(await json(response)).toEqual({ sub: world.userId, email: "ana@example.com", email_verified: true });
  });

  it("answers POST with the token in the form body (RFC 6750 2.2) or in the header", async () => {
    const { tokens } = await signIn(app, { scope: "openid email" });
    const viaBody = await send(
      new Request(`${BASE}/t/acme/userinfo`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ access_token: tokens.access_token }),
      }),
    );
    expect(viaBody.status).toBe(200);
    expect((await json(viaBody)).email).toBe("ana@example.com");
    const viaHeader = await call("POST", "/t/acme/userinfo", { token: tokens.access_token });
    expect(viaHeader.status).toBe(200);
  });

  it("refuses a token sent both in the header and in the body", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    const both = await send(
      new Request(`${BASE}/t/acme/userinfo`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Bearer ${tokens.access_token}`,
        },
        body: new URLSearchParams({ access_token: tokens.access_token }),
      }),
    );
    await expectBearerError(both, 400, "invalid_request");
  });

  it("answers a request with no token 401, with a Bearer challenge without error code (RFC 6750 3.1)", async () => {
    const response = await call("GET", "/t/acme/userinfo");
    expect(response.status).toBe(401);
    const challenge = response.headers.get("WWW-Authenticate")!;
    expect(challenge).toBe(`Bearer realm="${BASE}/t/acme"`);
    expect((await json(response)).error).toBe("invalid_token");
    // A token in the query string is not read (RFC 6750 2.3 is not supported).
    const { tokens } = await signIn(app, { scope: "openid" });
    const inQuery = await call("GET", `/t/acme/userinfo?access_token=${tokens.access_token}`);
    expect(inQuery.status).toBe(401);
  });
});

describe("UserInfo: which claims", () => {
  it("releases claims by scope: profile, email, phone, address", async () => {
    const cases: [string, Record<string, unknown>][] = [
      ["openid", {}],
      ["openid profile", { name: "Ana Lima", given_name: "Ana", family_name: "Lima" }],
      ["openid email", { email: "ana@example.com", email_verified: true }],
      ["openid phone", { phone_number: "+14155550123", phone_number_verified: true }],
      ["openid address", { address: { street_address: "1 Main St", locality: "Lisbon", country: "PT" } }],
    ];
    const browser = new Browser();
    for (const [scope, expected] of cases) {
      const { tokens } = await signIn(app, { scope }, browser);
      const body = await json(await userinfo(tokens.access_token));
      const { updated_at, ...rest } = body;
      expect(rest, scope).toEqual({ sub: world.userId, ...expected });
      if (scope.includes("profile")) expect(typeof updated_at).toBe("number");
      else expect(updated_at).toBeUndefined();
    }
  });

  it("releases a claim asked for in the userinfo member of the claims parameter, without its scope", async () => {
    const { tokens } = await signIn(app, {
      scope: "openid",
      claims: JSON.stringify({ userinfo: { email: null, unknown_claim: null }, id_token: { phone_number: null } }),
    });
    expect(await json(await userinfo(tokens.access_token))).toEqual({ sub: world.userId, email: "ana@example.com" });
    // The ID token got what its own member asked for, not the UserInfo member's claims.
    const idToken = claimsOf(tokens.id_token!);
    expect(idToken.phone_number).toBe("+14155550123");
    expect(idToken.email).toBeUndefined();
  });

  it("reads the user's current profile, not the one at sign-in", async () => {
    const { tokens } = await signIn(app, { scope: "openid profile" });
    const changed = await call("PATCH", `/admin/v1/tenants/acme/users/${world.userId}`, {
      token: world.admin,
      body: { given_name: "Anabela" },
    });
    expect(changed.status).toBe(200);
    expect((await json(await userinfo(tokens.access_token))).given_name).toBe("Anabela");
  });
});

describe("UserInfo: refusals", () => {
  it("refuses malformed tokens and tokens it did not sign", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    await expectInvalidToken(await userinfo("not-a-jwt"));
    await expectInvalidToken(await userinfo(`${tokens.access_token}x`));
    await expectInvalidToken(await userinfo(unsigned(tokens.access_token, { alg: "none", typ: "at+jwt" })));
    const kid = decodeProtectedHeader(tokens.access_token).kid!;
    await expectInvalidToken(await userinfo(await resignedWithForeignKey(tokens.access_token, kid, "at+jwt")));
    // A malformed Authorization header is no token at all.
    const response = await call("GET", "/t/acme/userinfo", { headers: { Authorization: "Bearer a b c" } });
    expect(response.status).toBe(401);
  });

  it("refuses an ID token presented as an access token", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    await expectInvalidToken(await userinfo(tokens.id_token!));
  });

  it("refuses an expired token", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    // Workers code runs in this isolate: moving its clock past exp expires the token.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((claimsOf(tokens.access_token).exp + 1) * 1000);
    await expectInvalidToken(await userinfo(tokens.access_token));
    vi.useRealTimers();
    expect((await userinfo(tokens.access_token)).status).toBe(200);
  });

  it("refuses a revoked token", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    expect((await revoke(app, tokens.access_token)).status).toBe(200);
    await expectInvalidToken(await userinfo(tokens.access_token));
  });

  it("refuses a client_credentials token", async () => {
    const machine = await call("POST", "/admin/v1/tenants/acme/clients", {
      token: world.admin,
      body: { grant_types: ["client_credentials"], scope: "read:orders" },
    });
    const created = await json(machine);
    const issued = await tokenRequest(
      "acme",
      { grant_type: "client_credentials", resource: API },
      { Authorization: basic(created.client_id, created.client_secret) },
    );
    expect(issued.status).toBe(200);
    await expectInvalidToken(await userinfo((await json(issued)).access_token));
  });

  it("answers 403 insufficient_scope for a UserInfo token without openid", async () => {
    const { tokens } = await signIn(app, { scope: "profile" });
    expect(claimsOf(tokens.access_token).aud).toBe(`${BASE}/t/acme/userinfo`);
    const challenge = await expectBearerError(await userinfo(tokens.access_token), 403, "insufficient_scope");
    expect(challenge).toContain('scope="openid"');
  });

  it("refuses a token for another API resource", async () => {
    const { tokens } = await signIn(app, { scope: "read:orders", resource: API });
    expect(claimsOf(tokens.access_token).aud).toBe(API);
    await expectInvalidToken(await userinfo(tokens.access_token));
  });

  it("refuses the token of a blocked user", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    await blockUser(world, world.userId);
    await expectInvalidToken(await userinfo(tokens.access_token));
  });

  it("refuses a token of another tenant", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    await createTenant(world.admin, "globex");
    const response = await userinfo(tokens.access_token, "globex");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });
});

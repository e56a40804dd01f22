// Token introspection (RFC 7662): what an active token carries, every way a token is
// inactive, who may ask, and that answers are never cached.
import { decodeProtectedHeader } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call, createTenant, json } from "../helpers";
import {
  API,
  backChannel,
  claimsOf,
  editUserState,
  expectOAuthError,
  familyOf,
  introspect,
  issuerOf,
  PASSWORD_ACR,
  refresh,
  registerClient,
  resignedWithForeignKey,
  revoke,
  setupTenant,
  signIn,
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

async function introspected(client: TestClient, value: string) {
  const response = await introspect(client, value);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("Pragma")).toBe("no-cache");
  return json(response);
}

async function expectInactive(client: TestClient, value: string) {
  expect(await introspected(client, value)).toEqual({ active: false });
}

describe("introspection: active tokens", () => {
  it("describes an active access token", async () => {
    const { tokens } = await signIn(app, { scope: "openid read:orders", resource: API });
    const claims = claimsOf(tokens.access_token);
    expect(await introspected(app, tokens.access_token)).toEqual({
      active: true,
      token_type: "Bearer",
      scope: "openid read:orders",
      client_id: app.client_id,
      sub: world.userId,
      aud: claims.aud,
      iss: issuerOf("acme"),
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      auth_time: claims.auth_time,
    });
    expect(claims.acr).toBe(PASSWORD_ACR);
  });

  it("describes an active refresh token", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const body = await introspected(app, tokens.refresh_token!);
    expect(body).toMatchObject({
      active: true,
      scope: "openid offline_access",
      client_id: app.client_id,
      sub: world.userId,
      iss: issuerOf("acme"),
    });
    expect(body.iat).toBeGreaterThanOrEqual(before);
    // exp is the nearer of the absolute (30 days) and idle (14 days) limits.
    expect(body.exp - body.iat).toBe(1_209_600);
    expect(body.token_type).toBeUndefined();
  });

  it("lets a resource server (another confidential client) introspect, with private_key_jwt too", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    const rs = await registerClient(world, "private_key_jwt");
    expect((await introspected(rs, tokens.access_token)).active).toBe(true);
    const post = await registerClient(world, "client_secret_post");
    expect((await introspected(post, tokens.access_token)).active).toBe(true);
  });
});

describe("introspection: inactive tokens", () => {
  it("for revoked access and refresh tokens", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await revoke(app, tokens.access_token);
    await revoke(app, tokens.refresh_token!);
    await expectInactive(app, tokens.access_token);
    await expectInactive(app, tokens.refresh_token!);
  });

  it("for an expired access token", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((claimsOf(tokens.access_token).exp + 1) * 1000);
    await expectInactive(app, tokens.access_token);
  });

  it("for expired refresh tokens (idle and absolute)", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const fid = familyOf(tokens.refresh_token!);
    const t = Math.floor(Date.now() / 1000);
    await editUserState<{ lastUsedAt: number }>(world, world.userId, `family:${fid}`, (f) => ({
      ...f,
      lastUsedAt: t - 1_209_600,
    }));
    await expectInactive(app, tokens.refresh_token!);
    await editUserState<{ lastUsedAt: number; expiresAt: number }>(world, world.userId, `family:${fid}`, (f) => ({
      ...f,
      lastUsedAt: t,
      expiresAt: t,
    }));
    await expectInactive(app, tokens.refresh_token!);
  });

  it("for a rotated-out refresh token, without revoking its family", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const next = await json(await refresh(app, tokens.refresh_token!));
    await expectInactive(app, tokens.refresh_token!);
    expect((await introspected(app, next.refresh_token)).active).toBe(true);
    // Introspection is not use: the family lives on.
    expect((await refresh(app, next.refresh_token)).status).toBe(200);
  });

  it("for garbage, ID tokens and forged signatures", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await expectInactive(app, "garbage");
    await expectInactive(
      app,
      "lkr.usr_00000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    await expectInactive(app, tokens.id_token!);
    await expectInactive(
      app,
      await resignedWithForeignKey(tokens.access_token, decodeProtectedHeader(tokens.access_token).kid!, "at+jwt"),
    );
  });

  it("for another tenant's access and refresh tokens", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await createTenant(world.admin, "globex");
    const created = await call("POST", "/admin/v1/tenants/globex/clients", {
      token: world.admin,
      body: { client_id: app.client_id, grant_types: ["client_credentials"] },
    });
    expect(created.status).toBe(201);
    const globexClient: TestClient = {
      slug: "globex",
      client_id: app.client_id,
      client_secret: (await json(created)).client_secret,
      method: "client_secret_basic",
    };
    await expectInactive(globexClient, tokens.access_token);
    await expectInactive(globexClient, tokens.refresh_token!);
    // Still active at home.
    expect((await introspected(app, tokens.refresh_token!)).active).toBe(true);
  });
});

describe("introspection: callers", () => {
  it("refuses public clients with invalid_client", async () => {
    const spa = await registerClient(world, "none");
    const { tokens } = await signIn(spa, { scope: "openid" });
    const response = await introspect(spa, tokens.access_token);
    await expectOAuthError(response, "invalid_client", 401);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("refuses unauthenticated callers and wrong secrets", async () => {
    const { tokens } = await signIn(app, { scope: "openid" });
    await expectOAuthError(
      await backChannel("acme", "introspect", null, { token: tokens.access_token }),
      "invalid_client",
      401,
    );
    await expectOAuthError(
      await introspect({ ...app, client_secret: "lksec_nope" }, tokens.access_token),
      "invalid_client",
      401,
    );
    await expectOAuthError(await backChannel("acme", "introspect", app, {}), "invalid_request");
  });

  it("accepts only POST", async () => {
    const response = await call("GET", "/t/acme/introspect");
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toContain("POST");
  });
});

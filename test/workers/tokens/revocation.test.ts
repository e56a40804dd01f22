// Token revocation (RFC 7009): refresh tokens (the whole family) and access tokens, only
// by the client they were issued to; unknown tokens answer 200 like revoked ones.
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, call, createTenant, json, send } from "../helpers";
import {
  auditEvents,
  backChannel,
  claimsOf,
  expectOAuthError,
  familyOf,
  introspect,
  refresh,
  registerClient,
  revoke,
  setupTenant,
  signIn,
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

async function expectRevokeOk(response: Response) {
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(await response.text()).toBe("");
}

describe("revocation: refresh tokens", () => {
  it("revokes the whole family, and audits token.revoked", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await expectRevokeOk(await revoke(app, tokens.refresh_token!));
    await expectOAuthError(await refresh(app, tokens.refresh_token!), "invalid_grant");
    expect(await json(await introspect(app, tokens.refresh_token!))).toEqual({ active: false });
    const events = await auditEvents(world, "token.revoked");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      client_id: app.client_id,
      user_id: world.userId,
      details: { token_type: "refresh_token", id: familyOf(tokens.refresh_token!) },
    });
  });

  it("revokes the family when a rotated-out token of it is presented", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const next = await json(await refresh(app, tokens.refresh_token!));
    await expectRevokeOk(await revoke(app, tokens.refresh_token!));
    await expectOAuthError(await refresh(app, next.refresh_token), "invalid_grant");
  });

  it("ignores a wrong token_type_hint", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await expectRevokeOk(
      await backChannel("acme", "revoke", app, { token: tokens.refresh_token!, token_type_hint: "access_token" }),
    );
    await expectOAuthError(await refresh(app, tokens.refresh_token!), "invalid_grant");
  });
});

describe("revocation: access tokens", () => {
  it("makes introspection report active=false and UserInfo refuse the token", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    expect((await json(await introspect(app, tokens.access_token))).active).toBe(true);
    await expectRevokeOk(await revoke(app, tokens.access_token));
    expect(await json(await introspect(app, tokens.access_token))).toEqual({ active: false });
    expect((await userinfo(tokens.access_token)).status).toBe(401);
    const events = await auditEvents(world, "token.revoked");
    expect(events[0]).toMatchObject({ user_id: world.userId, details: { token_type: "access_token" } });
    expect(events[0]!.details.id).toBe(claimsOf(tokens.access_token).jti);
    // The refresh token of the same grant is untouched.
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
  });
});

describe("revocation: who may revoke what", () => {
  it("answers 200 for unknown, malformed and foreign-tenant tokens, and records nothing", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const [prefix, user, fid] = tokens.refresh_token!.split(".");
    for (const value of [
      "garbage",
      `${prefix}.${user}.${fid}.${"A".repeat(43)}`,
      `${prefix}.${user}.${"B".repeat(22)}.${"A".repeat(43)}`,
      "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    ]) {
      await expectRevokeOk(await revoke(app, value));
    }
    expect(await auditEvents(world, "token.revoked")).toHaveLength(0);
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
  });

  it("does not let a client revoke another client's tokens", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const other = await registerClient(world);
    await expectRevokeOk(await revoke(other, tokens.refresh_token!));
    await expectRevokeOk(await revoke(other, tokens.access_token));
    expect(await auditEvents(world, "token.revoked")).toHaveLength(0);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
  });

  it("does not let another tenant's client with the same client_id revoke them", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await createTenant(world.admin, "globex");
    const twin = await call("POST", "/admin/v1/tenants/globex/clients", {
      token: world.admin,
      body: {
        client_id: app.client_id,
        first_party: true,
        redirect_uris: ["https://app.example.com/callback"],
        grant_types: ["authorization_code", "refresh_token"],
      },
    });
    const globexClient: TestClient = {
      slug: "globex",
      client_id: app.client_id,
      client_secret: (await json(twin)).client_secret,
      method: "client_secret_basic",
    };
    await expectRevokeOk(await revoke(globexClient, tokens.refresh_token!));
    await expectRevokeOk(await revoke(globexClient, tokens.access_token));
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
  });

  it("lets a public client revoke its own tokens with its client_id", async () => {
    const spa = await registerClient(world, "none");
    const { tokens } = await signIn(spa, { scope: "openid offline_access" });
    await expectRevokeOk(await revoke(spa, tokens.access_token));
    expect((await userinfo(tokens.access_token)).status).toBe(401);
    await expectRevokeOk(await revoke(spa, tokens.refresh_token!));
    await expectOAuthError(await refresh(spa, tokens.refresh_token!), "invalid_grant");
    expect((await auditEvents(world, "token.revoked")).map((e) => e.details.token_type)).toEqual([
      "access_token",
      "refresh_token",
    ]);
  });

  it("requires client authentication and a token", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await expectOAuthError(
      await backChannel("acme", "revoke", null, { token: tokens.refresh_token! }),
      "invalid_client",
      401,
    );
    const wrong: TestClient = { ...app, client_secret: "lksec_wrong" };
    await expectOAuthError(await revoke(wrong, tokens.refresh_token!), "invalid_client", 401);
    await expectOAuthError(await backChannel("acme", "revoke", app, {}), "invalid_request");
    const get = await send(new Request(`${BASE}/t/acme/revoke`));
    expect(get.status).toBe(405);
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
  });
});

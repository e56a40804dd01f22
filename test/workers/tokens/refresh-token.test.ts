// The refresh_token grant (RFC 6749 6, RFC 9700 4.14): rotation, reuse detection that
// revokes the family, races, scope narrowing, binding to the client, to the session
// (unless offline_access) and to the user's status, idle and absolute expiry.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call, json } from "../helpers";
import {
  auditEvents,
  blockUser,
  Browser,
  claimsOf,
  editUserState,
  expectOAuthError,
  familyOf,
  issuerOf,
  markBlocked,
  readUserState,
  refresh,
  registerClient,
  sessionIdOf,
  setupTenant,
  signIn,
  userinfo,
  verifyJwt,
  type TestClient,
  type TokenSet,
  type World,
} from "./fixtures";

let world: World;
let app: TestClient;

afterEach(() => {
  vi.useRealTimers();
});

beforeEach(async () => {
  world = await setupTenant();
  app = await registerClient(world);
});

async function refreshed(client: TestClient, refreshToken: string, extra: Record<string, string> = {}) {
  const response = await refresh(client, refreshToken, extra);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  return json<TokenSet>(response);
}

const t = () => Math.floor(Date.now() / 1000);

describe("refresh_token: rotation and reuse", () => {
  it("rotates on every use; the token it replaced is refused afterwards", async () => {
    const { tokens } = await signIn(app, { scope: "openid email offline_access" });
    const second = await refreshed(app, tokens.refresh_token!);
    expect(second.refresh_token).toMatch(/^lkr\./);
    expect(second.refresh_token).not.toBe(tokens.refresh_token);
    expect(familyOf(second.refresh_token!)).toBe(familyOf(tokens.refresh_token!));
    expect(second.scope).toBe("openid email offline_access");
    expect(second.access_token).not.toBe(tokens.access_token);
    const third = await refreshed(app, second.refresh_token!);
    expect(third.refresh_token).not.toBe(second.refresh_token);
    const issued = (await auditEvents(world, "token.issued")).filter((e) => e.details.grant_type === "refresh_token");
    expect(issued.map((e) => e.details.generation)).toEqual([2, 3]);
  });

  it("revokes the whole family when a rotated-out token comes back, and audits it", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const second = await refreshed(app, tokens.refresh_token!);
    const third = await refreshed(app, second.refresh_token!);
    const reuse = await expectOAuthError(await refresh(app, tokens.refresh_token!), "invalid_grant");
    expect(reuse.error_description).toContain("already used");
    // The newest token of the family is dead too.
    await expectOAuthError(await refresh(app, third.refresh_token!), "invalid_grant");
    const events = await auditEvents(world, "token.refresh_reused");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      client_id: app.client_id,
      user_id: world.userId,
      details: { revoked_family: familyOf(tokens.refresh_token!) },
    });
    expect(await readUserState(world, world.userId, `family:${familyOf(tokens.refresh_token!)}`)).toBeUndefined();
  });

  it("lets exactly one of two concurrent refreshes of the same token succeed", async () => {
    for (let round = 0; round < 4; round++) {
      const { tokens } = await signIn(app, { scope: "openid offline_access" });
      const results = await Promise.all([refresh(app, tokens.refresh_token!), refresh(app, tokens.refresh_token!)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 400]);
      const failed = results.find((r) => r.status === 400)!;
      expect((await json(failed)).error).toBe("invalid_grant");
    }
  });

  it("refuses a forged secret for a live family without harming it", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const [prefix, user, fid] = tokens.refresh_token!.split(".");
    const forged = `${prefix}.${user}.${fid}.${"A".repeat(43)}`;
    await expectOAuthError(await refresh(app, forged), "invalid_grant");
    await expectOAuthError(await refresh(app, "lkr.garbage"), "invalid_grant");
    await expectOAuthError(await refresh(app, ""), "invalid_request");
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
  });
});

describe("refresh_token: scope", () => {
  it("narrows to a subset of the granted scopes", async () => {
    const { tokens } = await signIn(app, {
      scope: "openid email offline_access read:orders write:orders",
      resource: "https://api.acme.test",
    });
    const narrow = await refreshed(app, tokens.refresh_token!, { scope: "openid read:orders" });
    expect(narrow.scope).toBe("openid read:orders");
    expect(claimsOf(narrow.access_token).scope).toBe("openid read:orders");
    expect(claimsOf(narrow.id_token!).email).toBeUndefined();
    // Narrowing one refresh does not shrink the grant: the next may ask for all of it again.
    const again = await refreshed(app, narrow.refresh_token!);
    expect(again.scope).toBe("openid email offline_access read:orders write:orders");
  });

  it("refuses a wider scope with invalid_scope", async () => {
    const { tokens } = await signIn(app, {
      scope: "openid offline_access read:orders",
      resource: "https://api.acme.test",
    });
    const wider = await expectOAuthError(
      await refresh(app, tokens.refresh_token!, { scope: "openid read:invoices" }),
      "invalid_scope",
    );
    expect(wider.error_description).toContain("read:invoices");
    expect(await auditEvents(world, "token.refresh_reused")).toHaveLength(0);
  });

  it("does not consume the refresh token when it refuses a wider scope", async () => {
    const { tokens } = await signIn(app, {
      scope: "openid offline_access read:orders",
      resource: "https://api.acme.test",
    });
    await expectOAuthError(await refresh(app, tokens.refresh_token!, { scope: "openid profile" }), "invalid_scope");
    // The client got no new token, so it must be able to go on with the one it has.
    const retry = await refresh(app, tokens.refresh_token!);
    expect(retry.status, await retry.clone().text()).toBe(200);
    expect(await auditEvents(world, "token.refresh_reused")).toHaveLength(0);
  });

  it("gives no ID token when openid is narrowed away", async () => {
    const { tokens } = await signIn(app, {
      scope: "openid offline_access read:orders",
      resource: "https://api.acme.test",
    });
    const narrow = await refreshed(app, tokens.refresh_token!, { scope: "read:orders" });
    expect(narrow.id_token).toBeUndefined();
    expect(claimsOf(narrow.access_token).aud).toBe("https://api.acme.test");
  });
});

describe("refresh_token: the tokens it gives", () => {
  it("gives an ID token without nonce that keeps auth_time, sub and sid", async () => {
    const browser = new Browser();
    const { tokens, authorized } = await signIn(app, { scope: "openid email" }, browser);
    const original = claimsOf(tokens.id_token!);
    expect(original.nonce).toBe(authorized.nonce);
    // Five seconds later (this isolate's clock is the worker's clock).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 5000 });
    const next = await refreshed(app, tokens.refresh_token!);
    const { payload } = await verifyJwt("acme", next.id_token!, { audience: app.client_id });
    expect(payload.nonce).toBeUndefined();
    expect(payload.auth_time).toBe(original.auth_time);
    expect(payload.iat).toBeGreaterThan(original.iat);
    expect(payload.sub).toBe(world.userId);
    expect(payload.sid).toBe(sessionIdOf(browser));
    expect(payload.email).toBe("ana@example.com");
    const access = claimsOf(next.access_token);
    expect(access.auth_time).toBe(original.auth_time);
    expect(access.aud).toBe(`${issuerOf("acme")}/userinfo`);
  });

  it("keeps what the claims parameter asked for UserInfo across a refresh", async () => {
    const { tokens } = await signIn(app, {
      scope: "openid",
      claims: JSON.stringify({ userinfo: { email: null } }),
    });
    const before = await json(await userinfo(tokens.access_token));
    expect(before.email).toBe("ana@example.com");
    const next = await refreshed(app, tokens.refresh_token!);
    const after = await json(await userinfo(next.access_token));
    expect(after).toEqual(before);
  });
});

describe("refresh_token: bindings", () => {
  it("refuses another client's refresh token, which keeps working for its own client", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const other = await registerClient(world);
    const body = await expectOAuthError(await refresh(other, tokens.refresh_token!), "invalid_grant");
    expect(body.error_description).toContain("another client");
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
  });

  it("refuses a client not registered for refresh_token", async () => {
    const noRefresh = await registerClient(world, "client_secret_basic", { grant_types: ["authorization_code"] });
    const { tokens } = await signIn(noRefresh, { scope: "openid offline_access" });
    expect(tokens.refresh_token).toBeUndefined();
    const { tokens: appTokens } = await signIn(app, { scope: "openid offline_access" });
    await expectOAuthError(await refresh(noRefresh, appTokens.refresh_token!), "unauthorized_client");
  });

  it("keeps offline_access families after logout, ends session-bound ones with the session", async () => {
    const browser = new Browser();
    const offline = await signIn(app, { scope: "openid offline_access" }, browser);
    const bound = await signIn(app, { scope: "openid" }, browser);
    expect(sessionIdOf(browser)).toBe(claimsOf(bound.tokens.id_token!).sid);
    const logout = await browser.fetch(
      `/t/acme/logout?${new URLSearchParams({ id_token_hint: bound.tokens.id_token! })}`,
    );
    expect(logout.status).toBe(200);
    expect(sessionIdOf(browser)).toBeNull();
    await expectOAuthError(await refresh(app, bound.tokens.refresh_token!), "invalid_grant");
    expect((await refresh(app, offline.tokens.refresh_token!)).status).toBe(200);
  });

  it("refuses a session-bound token once its session has expired", async () => {
    const browser = new Browser();
    const { tokens } = await signIn(app, { scope: "openid" }, browser);
    const sid = sessionIdOf(browser)!;
    const changed = await editUserState<{ expiresAt: number }>(world, world.userId, `session:${sid}`, (s) => ({
      ...s,
      expiresAt: t() - 1,
    }));
    expect(changed).toBe(1);
    await expectOAuthError(await refresh(app, tokens.refresh_token!), "invalid_grant");
  });

  it("refuses a refresh for a user blocked through the management API", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await blockUser(world, world.userId);
    await expectOAuthError(await refresh(app, tokens.refresh_token!), "invalid_grant");
  });

  it("refuses a refresh for a user whose status changed without the family being ended, and ends it", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    await markBlocked(world, world.userId);
    const body = await expectOAuthError(await refresh(app, tokens.refresh_token!), "invalid_grant");
    expect(body.error_description).toContain("can no longer sign in");
    expect(await readUserState(world, world.userId, `family:${familyOf(tokens.refresh_token!)}`)).toBeUndefined();
  });

  it("refuses a refresh for a deleted user", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const deleted = await call("DELETE", `/admin/v1/tenants/acme/users/${world.userId}`, { token: world.admin });
    expect(deleted.status).toBe(204);
    await expectOAuthError(await refresh(app, tokens.refresh_token!), "invalid_grant");
  });
});

describe("refresh_token: expiry", () => {
  it("expires a family left unused longer than its idle lifetime", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const fid = familyOf(tokens.refresh_token!);
    const family = await readUserState<{ idleTtl: number; expiresAt: number; createdAt: number }>(
      world,
      world.userId,
      `family:${fid}`,
    );
    // Tenant defaults: 30 days absolute, 14 days idle.
    expect(family!.idleTtl).toBe(1_209_600);
    expect(family!.expiresAt - family!.createdAt).toBe(2_592_000);
    // Used 13 days ago: still fine, and the use moves the idle window.
    await editUserState<{ lastUsedAt: number }>(world, world.userId, `family:${fid}`, (f) => ({
      ...f,
      lastUsedAt: t() - 13 * 86_400,
    }));
    const next = await refreshed(app, tokens.refresh_token!);
    // Unused for 14 days: expired.
    await editUserState<{ lastUsedAt: number }>(world, world.userId, `family:${fid}`, (f) => ({
      ...f,
      lastUsedAt: t() - 1_209_600,
    }));
    const body = await expectOAuthError(await refresh(app, next.refresh_token!), "invalid_grant");
    expect(body.error_description).toContain("expired");
  });

  it("expires a family at its absolute lifetime, however recently used", async () => {
    const { tokens } = await signIn(app, { scope: "openid offline_access" });
    const fid = familyOf(tokens.refresh_token!);
    const next = await refreshed(app, tokens.refresh_token!);
    await editUserState<{ expiresAt: number; lastUsedAt: number }>(world, world.userId, `family:${fid}`, (f) => ({
      ...f,
      expiresAt: t(),
      lastUsedAt: t(),
    }));
    await expectOAuthError(await refresh(app, next.refresh_token!), "invalid_grant");
  });

  it("uses the client's refresh lifetimes over the tenant's", async () => {
    const short = await registerClient(world, "client_secret_basic", {
      refresh_token_ttl: 3600,
      refresh_token_idle_ttl: 600,
    });
    const { tokens } = await signIn(short, { scope: "openid offline_access" });
    const family = await readUserState<{ idleTtl: number; expiresAt: number; createdAt: number }>(
      world,
      world.userId,
      `family:${familyOf(tokens.refresh_token!)}`,
    );
    expect(family!.idleTtl).toBe(600);
    expect(family!.expiresAt - family!.createdAt).toBe(3600);
  });
});

// Refresh token rotation through openid-client v6 (RFC 6749 6, RFC 9700 4.14): every
// refresh hands out a new token; presenting a rotated-out one revokes the whole family;
// two concurrent refreshes of one token cannot both win.
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Browser,
  discover,
  Management,
  oauthError,
  rejection,
  signIn,
  startWorker,
  type CreatedUser,
  type RegisteredClient,
  type Worker,
} from "./support.js";

const SLUG = "interop-refresh";
let worker: Worker;
let admin: Management;
let issuer: string;
let ana: CreatedUser;
let client: RegisteredClient;
let config: oidc.Configuration;
let browser: Browser;

beforeAll(async () => {
  worker = await startWorker();
  admin = await Management.connect(worker.baseUrl);
  issuer = await admin.createTenant(SLUG);
  ana = await admin.createUser(SLUG, "ana@example.com", { given_name: "Ana" });
  client = await admin.createClient(SLUG, { client_name: "Refreshing app" });
  config = await discover(issuer, client);
  browser = new Browser(worker.baseUrl);
});

afterAll(async () => {
  await worker?.close();
});

async function freshRefreshToken(scope = "openid profile email"): Promise<string> {
  const { tokens } = await signIn(config, browser, ana, { scope });
  expect(tokens.refresh_token).toMatch(/^lkr\./);
  return tokens.refresh_token!;
}

describe("openid-client: refresh tokens", () => {
  it("rotates on every refresh: new refresh token, new access token, fresh ID token without nonce", async () => {
    const first = await freshRefreshToken();
    const second = await oidc.refreshTokenGrant(config, first);
    expect(second.refresh_token).toMatch(/^lkr\./);
    expect(second.refresh_token).not.toBe(first);
    expect(second.scope).toBe("openid profile email");
    expect(second.claims()).toMatchObject({ iss: issuer, sub: ana.id, aud: client.client_id, given_name: "Ana" });
    expect(second.claims()).not.toHaveProperty("nonce");
    const userinfo = await oidc.fetchUserInfo(config, second.access_token, ana.id);
    expect(userinfo.email).toBe(ana.email);

    const third = await oidc.refreshTokenGrant(config, second.refresh_token!);
    expect(third.refresh_token).not.toBe(second.refresh_token);
    expect(await oidc.tokenIntrospection(config, third.refresh_token!)).toMatchObject({ active: true });
    // The rotated-out one is no longer active.
    expect(await oidc.tokenIntrospection(config, second.refresh_token!)).toEqual({ active: false });
  });

  it("may narrow the scope, never widen it", async () => {
    const token = await freshRefreshToken("openid email");
    const narrower = await oidc.refreshTokenGrant(config, token, { scope: "openid" });
    expect(narrower.scope).toBe("openid");
    expect(narrower.claims()).not.toHaveProperty("email");
    const wider = await oauthError(
      await rejection(oidc.refreshTokenGrant(config, narrower.refresh_token!, { scope: "openid email profile" })),
    );
    expect(wider).toMatchObject({ kind: "ResponseBodyError", error: "invalid_scope", status: 400 });
  });

  it("reuse of a rotated-out token revokes the family, the current token included, and is audited", async () => {
    const first = await freshRefreshToken();
    const second = await oidc.refreshTokenGrant(config, first);
    const reuse = await oauthError(await rejection(oidc.refreshTokenGrant(config, first)));
    expect(reuse).toMatchObject({ kind: "ResponseBodyError", error: "invalid_grant", status: 400 });

    const current = await oauthError(await rejection(oidc.refreshTokenGrant(config, second.refresh_token!)));
    expect(current).toMatchObject({ error: "invalid_grant" });
    expect(await oidc.tokenIntrospection(config, second.refresh_token!)).toEqual({ active: false });

    // The audit record is written after the response: poll briefly.
    let events: Record<string, unknown>[] = [];
    for (let i = 0; i < 20 && events.length === 0; i++) {
      events = await admin.auditEvents(SLUG, "token.refresh_reused");
      if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events[0]).toMatchObject({ client_id: client.client_id, user_id: ana.id });
  });

  it("two concurrent refreshes of the same token: exactly one succeeds", async () => {
    const token = await freshRefreshToken();
    const results = await Promise.allSettled([
      oidc.refreshTokenGrant(config, token),
      oidc.refreshTokenGrant(config, token),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(await oauthError(lost[0]!.reason)).toMatchObject({ kind: "ResponseBodyError", error: "invalid_grant" });

    // The loser presented a token that had just been rotated out, which is reuse: the
    // family is revoked, so the winner's new refresh token is dead as well (RFC 9700 4.14.2).
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof oidc.refreshTokenGrant>>>).value;
    const after = await oauthError(await rejection(oidc.refreshTokenGrant(config, winner.refresh_token!)));
    expect(after).toMatchObject({ error: "invalid_grant" });
    // The winner's access token is still a valid access token until it expires.
    expect(await oidc.tokenIntrospection(config, winner.access_token)).toMatchObject({ active: true });
  });
});

// A user's factors in the management API: listed without secrets, one removed (404 for
// an unknown id, another user's factor untouched), all reset (sessions ended, the risk
// history forgotten), each audited with the admin client as actor; scopes enforced.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDirectory, openTenantRegistry } from "../../../src/directory";
import { riskObject } from "../../../src/mfa/risk";
import { operatorToken } from "../helpers";
import { Browser } from "../flows/browser";
import { authorizeWithSignIn, codeRequest, createUser, PASSWORD, world } from "../flows/fixtures";
import { expectNotices } from "../mfa/notification-helpers";
import { api, expectProblem, expectStatus, tenantScopes } from "./fixtures";

const PASSKEY = {
  id: "cred-AbC_123-xyz",
  name: "Ana's phone",
  publicKey: "pQECAyYgASFYIPublicKeyOnly",
  signCount: 3,
  transports: ["internal", "hybrid"],
  deviceType: "multiDevice" as const,
  backedUp: true,
  aaguid: "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4",
};

async function directoryOf(slug: string) {
  const tenant = await openTenantRegistry(env).findBySlug(slug);
  return openDirectory(env, tenant!);
}

/** Ana with a passkey, a confirmed and an unconfirmed authenticator app, and ten recovery codes (one used). */
async function enrolled(userId: string) {
  const directory = await directoryOf("acme");
  await directory.factors.passkeys.add(userId, PASSKEY);
  const app = await directory.factors.totp.add(userId, "Authenticator", "sealed-secret-never-shown");
  expect(await directory.factors.totp.useStep(userId, app.id, 1000)).toBe(true);
  const pending = await directory.factors.totp.add(userId, "Second app", "sealed-secret-2");
  const hashes = Array.from({ length: 10 }, (_, i) => `hash-${i}`);
  await directory.factors.recoveryCodes.replace(userId, hashes);
  expect(await directory.factors.recoveryCodes.use(userId, "hash-3")).toBe(true);
  return { app, pending };
}

describe("a user's factors", () => {
  it("lists passkeys, authenticator apps, recovery codes and the email, never a secret", async () => {
    const w = await world("acme", { api: false });
    const empty = await api("listUserFactors", { tenant: "acme", user_id: w.user.id }, { token: w.admin });
    expectStatus(empty, 200);
    expect(empty.body).toEqual({
      passkeys: [],
      authenticator_apps: [],
      recovery_codes: { remaining: 0, generated_at: null },
      email: { address: "ana@example.com", verified: true },
    });

    const { app, pending } = await enrolled(w.user.id);
    const listed = await api("listUserFactors", { tenant: "acme", user_id: w.user.id }, { token: w.admin });
    expectStatus(listed, 200);
    expect(listed.body.passkeys).toEqual([
      {
        id: PASSKEY.id,
        name: PASSKEY.name,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        last_used_at: null,
        device_type: "multiDevice",
        backed_up: true,
        transports: ["internal", "hybrid"],
        aaguid: PASSKEY.aaguid,
      },
    ]);
    expect(listed.body.authenticator_apps).toEqual([
      {
        id: app.id,
        name: "Authenticator",
        confirmed: true,
        created_at: expect.any(String),
        last_used_at: expect.any(String),
      },
      { id: pending.id, name: "Second app", confirmed: false, created_at: expect.any(String), last_used_at: null },
    ]);
    expect(listed.body.recovery_codes).toEqual({ remaining: 9, generated_at: expect.stringMatching(/Z$/) });
    expect(listed.text).not.toContain("sealed-secret");
    expect(listed.text).not.toContain("PublicKeyOnly");
    expect(listed.text).not.toContain("hash-");

    expectProblem(
      await api("listUserFactors", { tenant: "acme", user_id: "usr_nobody" }, { token: w.admin }),
      "not-found",
    );
  });

  it("removes one passkey or app by id, audited; an unknown or another user's id is 404", async () => {
    const w = await world("acme", { api: false });
    const { app, pending } = await enrolled(w.user.id);
    const ben = await createUser(w.admin, "acme", { email: "ben@example.com", password: PASSWORD });

    const others = await api(
      "removeUserFactor",
      { tenant: "acme", user_id: ben.id, factor_id: PASSKEY.id },
      { token: w.admin },
    );
    expectProblem(others, "not-found");
    expectProblem(
      await api(
        "removeUserFactor",
        { tenant: "acme", user_id: w.user.id, factor_id: "totp_unknown" },
        { token: w.admin },
      ),
      "not-found",
    );

    expectStatus(
      await api("removeUserFactor", { tenant: "acme", user_id: w.user.id, factor_id: PASSKEY.id }, { token: w.admin }),
      204,
    );
    expectStatus(
      await api("removeUserFactor", { tenant: "acme", user_id: w.user.id, factor_id: app.id }, { token: w.admin }),
      204,
    );
    expectProblem(
      await api("removeUserFactor", { tenant: "acme", user_id: w.user.id, factor_id: PASSKEY.id }, { token: w.admin }),
      "not-found",
    );

    const listed = await api("listUserFactors", { tenant: "acme", user_id: w.user.id }, { token: w.admin });
    expect(listed.body.passkeys).toEqual([]);
    expect(listed.body.authenticator_apps.map((a: { name: string }) => a.name)).toEqual(["Second app"]);
    expect(listed.body.recovery_codes.remaining).toBe(9);
    // Ana hears of each removal (not of the refused ones), with no browser named: the admin's is not hers.
    const notice = await expectNotices("ana@example.com", ["adminAuthenticatorRemoved", "adminPasskeyRemoved"], {
      section: "mfa",
      secrets: [PASSKEY.id, app.id, "sealed-secret"],
    });
    expect(notice!.text).not.toContain("Browser or device");
    await expectNotices("ben@example.com", []);

    const audit = await api(
      "listAuditEvents",
      { tenant: "acme" },
      { token: w.admin, query: { type: "factor.removed" } },
    );
    expect(audit.body.data).toHaveLength(2);
    expect(audit.body.data[0]).toMatchObject({
      actor_type: "client",
      actor_id: expect.any(String),
      user_id: w.user.id,
      details: { kind: "passkey", factor_id: PASSKEY.id, name: PASSKEY.name },
    });
    expect(audit.body.data[1].details).toMatchObject({ kind: "authenticator_app", factor_id: app.id });

    // An app whose set-up was never finished was no sign-in method: its removal is no news.
    expectStatus(
      await api("removeUserFactor", { tenant: "acme", user_id: w.user.id, factor_id: pending.id }, { token: w.admin }),
      204,
    );
    await expectNotices("ana@example.com", ["adminAuthenticatorRemoved", "adminPasskeyRemoved"]);
  });

  it("resets every factor, ends the user's sessions and forgets the devices adaptive MFA knew", async () => {
    const w = await world("acme", { api: false });
    const browser = new Browser();
    await authorizeWithSignIn(browser, "acme", codeRequest(w.app));
    const sessions = await api("listUserSessions", { tenant: "acme", user_id: w.user.id }, { token: w.admin });
    expect(sessions.body.data).toHaveLength(1);
    await enrolled(w.user.id);
    const tenant = await openTenantRegistry(env).findBySlug("acme");
    await riskObject(env, tenant!.id, w.user.id).recordRiskSignIn({
      deviceId: "dev-a",
      country: "DE",
      asn: 3320,
      latitude: 52.5,
      longitude: 13.4,
      ip: null,
    });

    expectStatus(await api("resetUserFactors", { tenant: "acme", user_id: w.user.id }, { token: w.admin }), 204);
    const listed = await api("listUserFactors", { tenant: "acme", user_id: w.user.id }, { token: w.admin });
    expect(listed.body).toMatchObject({
      passkeys: [],
      authenticator_apps: [],
      recovery_codes: { remaining: 0, generated_at: null },
    });
    const after = await api("listUserSessions", { tenant: "acme", user_id: w.user.id }, { token: w.admin });
    expect(after.body.data).toEqual([]);
    expect((await riskObject(env, tenant!.id, w.user.id).riskHistory()).devices).toEqual({});
    await expectNotices("ana@example.com", ["adminReset"], { section: "mfa", secrets: [PASSKEY.id] });

    const audit = await api(
      "listAuditEvents",
      { tenant: "acme" },
      { token: w.admin, query: { type: "factors.reset" } },
    );
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      actor_type: "client",
      user_id: w.user.id,
      details: { passkeys: 1, authenticator_apps: 1, recovery_codes: 9 },
    });

    // A reset of an account without factors changes nothing to tell.
    expectStatus(await api("resetUserFactors", { tenant: "acme", user_id: w.user.id }, { token: w.admin }), 204);
    await expectNotices("ana@example.com", ["adminReset"]);
  });

  it("needs users:read to list and users:write to remove or reset", async () => {
    const w = await world("acme", { api: false });
    const reader = await operatorToken("users:read");
    expectStatus(await api("listUserFactors", { tenant: "acme", user_id: w.user.id }, { token: reader }), 200);
    expectProblem(
      await api("resetUserFactors", { tenant: "acme", user_id: w.user.id }, { token: reader }),
      "insufficient-scope",
    );
    expectProblem(
      await api("removeUserFactor", { tenant: "acme", user_id: w.user.id, factor_id: "x" }, { token: reader }),
      "insufficient-scope",
    );
    expect(tenantScopes("acme")).toEqual(expect.arrayContaining(["users:read", "users:write"]));
  });
});

// Users' consent records (read-only for admins, newest first) and the journey fields of
// the user representation: status, sign_in_count, deleted_at; a deleted account's
// tombstone cannot be brought back or changed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDirectory, openTenantRegistry } from "../../../src/directory";
import { Browser } from "../flows/browser";
import { authorizeWithSignIn, codeRequest, world } from "../flows/fixtures";
import { operatorToken } from "../helpers";
import { ADMIN, api, expectProblem, expectStatus, newRole, newTenant, newUser, raw } from "./fixtures";

async function directoryOf(slug: string) {
  const tenant = await openTenantRegistry(env).findBySlug(slug);
  return openDirectory(env, tenant!);
}

/** What an account deletion leaves: a tombstone without personal data. */
async function tombstone(userId: string, at: number) {
  const result = await env.DB.prepare(
    "UPDATE users SET status = 'deleted', deleted_at = ?, email = NULL, email_normalized = NULL, given_name = NULL WHERE id = ?",
  )
    .bind(at, userId)
    .run();
  expect(result.meta.changes).toBe(1);
}

describe("consent records", () => {
  it("lists a user's consent history newest first, with version, outcome and source", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    const directory = await directoryOf("acme");
    await directory.consentRecords.record(user.id, [
      { purpose: "terms", policyVersion: "2026-01", granted: true, source: "sign_up" },
      { purpose: "privacy", policyVersion: "v3", granted: true, source: "sign_up" },
    ]);
    await directory.consentRecords.record(user.id, [
      { purpose: "marketing", policyVersion: "m1", granted: true, source: "sign_up" },
    ]);
    await directory.consentRecords.record(user.id, [
      { purpose: "marketing", policyVersion: "m1", granted: false, source: "account" },
    ]);
    // Spread the records over time, as they would be in real life.
    const ids = (await directory.consentRecords.history(user.id)).map((r) => r.id);
    const times = [1_700_000_000, 1_700_000_000, 1_700_086_400, 1_700_172_800];
    for (const [index, id] of ids.entries())
      await env.DB.prepare("UPDATE consent_records SET created_at = ? WHERE id = ?").bind(times[index], id).run();

    const listed = await api("listUserConsentRecords", { tenant: "acme", user_id: user.id }, { token });
    expectStatus(listed, 200);
    const data = listed.body.data;
    expect(data).toHaveLength(4);
    expect(data[0]).toMatchObject({
      purpose: "marketing",
      policy_version: "m1",
      granted: false,
      source: "account",
      created_at: new Date(1_700_172_800_000).toISOString(),
    });
    expect(data[1]).toMatchObject({ purpose: "marketing", granted: true, source: "sign_up" });
    expect(new Set(data.slice(2).map((r: { purpose: string }) => r.purpose))).toEqual(new Set(["terms", "privacy"]));
    expect(data.find((r: { purpose: string }) => r.purpose === "terms").policy_version).toBe("2026-01");
  });

  it("answers an empty list for a user without records, 404 for users it does not know", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newTenant(token, "globex");
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    const empty = await api("listUserConsentRecords", { tenant: "acme", user_id: user.id }, { token });
    expectStatus(empty, 200);
    expect(empty.body.data).toEqual([]);
    expectProblem(
      await api("listUserConsentRecords", { tenant: "acme", user_id: "usr_nobody" }, { token }),
      "not-found",
    );
    // Another tenant's path never reaches acme's user.
    expectProblem(await api("listUserConsentRecords", { tenant: "globex", user_id: user.id }, { token }), "not-found");
  });

  it("is read-only for admins", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    const path = `${ADMIN}/tenants/acme/users/${user.id}/consent-records`;
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const result = await raw(method, path, {
        token,
        body: { purpose: "marketing", policy_version: "m1", granted: true },
      });
      expectProblem(result, "method-not-allowed");
      expect(result.headers.get("Allow")).toBe("GET");
    }
    expect((await api("listUserConsentRecords", { tenant: "acme", user_id: user.id }, { token })).body.data).toEqual(
      [],
    );
  });
});

describe("users' journey fields", () => {
  it("shows status, sign_in_count and deleted_at, and counts real sign-ins", async () => {
    const w = await world("acme");
    const before = await api("getUser", { tenant: "acme", user_id: w.user.id }, { token: w.admin });
    expect(before.body).toMatchObject({ status: "active", blocked: false, sign_in_count: 0, deleted_at: null });

    await authorizeWithSignIn(new Browser(), "acme", codeRequest(w.app));
    await authorizeWithSignIn(new Browser(), "acme", codeRequest(w.app));
    const after = await api("getUser", { tenant: "acme", user_id: w.user.id }, { token: w.admin });
    expect(after.body.sign_in_count).toBe(2);
    expect(after.body.last_sign_in_at).not.toBeNull();

    const blocked = await api(
      "updateUser",
      { tenant: "acme", user_id: w.user.id },
      { token: w.admin, body: { blocked: true } },
    );
    expectStatus(blocked, 200);
    expect(blocked.body).toMatchObject({ status: "blocked", blocked: true });
  });

  it("never brings a deleted account back: 409 on every change, the tombstone and its consent history stay readable", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const user = await newUser(token, "acme", { email: "ana@example.com", given_name: "Ana" });
    const role = await newRole(token, "acme", { name: "editor" });
    await (
      await directoryOf("acme")
    ).consentRecords.record(user.id, [{ purpose: "terms", policyVersion: "1", granted: true, source: "sign_up" }]);
    await tombstone(user.id, 1_750_000_000);

    const read = await api("getUser", { tenant: "acme", user_id: user.id }, { token });
    expectStatus(read, 200);
    expect(read.body).toMatchObject({
      status: "deleted",
      blocked: false,
      email: null,
      deleted_at: new Date(1_750_000_000_000).toISOString(),
    });
    for (const body of [
      { blocked: false },
      { blocked: true },
      { email: "ana@example.com" },
      { given_name: "Ana" },
      { password: "a new long password" },
    ]) {
      const result = await api("updateUser", { tenant: "acme", user_id: user.id }, { token, body });
      expectProblem(result, "conflict");
      expect(result.body.detail).toContain("deleted");
    }
    expectProblem(
      await api("assignUserRoles", { tenant: "acme", user_id: user.id }, { token, body: { roles: [role.id] } }),
      "conflict",
    );
    const after = await api("getUser", { tenant: "acme", user_id: user.id }, { token });
    expect(after.body).toEqual(read.body);
    const history = await api("listUserConsentRecords", { tenant: "acme", user_id: user.id }, { token });
    expect(history.body.data).toHaveLength(1);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDirectory, openTenantRegistry } from "../../../src/directory";
import { operatorToken } from "../helpers";
import { api, expectProblem, expectStatus, newResource, newRole, newTenant, newUser } from "./fixtures";

async function directoryOf(slug: string) {
  const tenant = await openTenantRegistry(env).findBySlug(slug);
  expect(tenant).not.toBeNull();
  return openDirectory(env, tenant!);
}

/** A PHC pbkdf2-sha256 hash, as another system would have stored it. */
async function pbkdf2Hash(password: string, iterations = 1000): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256),
  );
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
  return `$pbkdf2-sha256$i=${iterations}$${b64(salt)}$${b64(bits)}`;
}

const FULL_PROFILE = {
  email: "Ana.Lima@Example.com",
  email_verified: true,
  phone_number: "+14155550123",
  phone_number_verified: false,
  name: "Ana Lima",
  given_name: "Ana",
  family_name: "Lima",
  middle_name: "Maria",
  nickname: "ani",
  preferred_username: "ana",
  profile: "https://example.com/ana",
  picture: "https://example.com/ana.png",
  website: "https://ana.example.com",
  gender: "female",
  birthdate: "1990-02-28",
  zoneinfo: "Europe/Lisbon",
  locale: "pt-BR",
  address: { street_address: "Rua A 1", locality: "Lisboa", country: "PT" },
  custom_attributes: { plan: "gold", seats: 3, flags: { beta: true }, tags: ["a", "b"] },
};

describe("users", () => {
  it("creates a user without a password, with every profile claim, and gets it back", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const created = await api("createUser", { tenant: "acme" }, { token, body: FULL_PROFILE });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ ...FULL_PROFILE, blocked: false, has_password: false, last_sign_in_at: null });
    expect(created.body.id).toMatch(/^usr_/);
    expect(created.headers.get("Location")).toBe(`/admin/v1/tenants/acme/users/${created.body.id}`);

    const fetched = await api("getUser", { tenant: "acme", user_id: created.body.id }, { token });
    expectStatus(fetched, 200);
    expect(fetched.body).toEqual(created.body);
  });

  it("creates a user with a password: stored as a hash that verifies, never echoed", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const created = await api(
      "createUser",
      { tenant: "acme" },
      {
        token,
        body: { email: "ana@example.com", password: "correct horse battery" },
      },
    );
    expectStatus(created, 201);
    expect(created.body.has_password).toBe(true);
    expect(created.text).not.toContain("correct horse battery");
    const directory = await directoryOf("acme");
    expect(await directory.users.verifyPassword(created.body.id, "correct horse battery")).toEqual({
      valid: true,
      upgraded: false,
    });
    expect((await directory.users.verifyPassword(created.body.id, "wrong horse battery")).valid).toBe(false);
  });

  it("imports a password hash from another system; it verifies and is upgraded", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const hash = await pbkdf2Hash("imported secret 1");
    const created = await api(
      "createUser",
      { tenant: "acme" },
      { token, body: { email: "ana@example.com", password_hash: hash } },
    );
    expectStatus(created, 201);
    expect(created.body.has_password).toBe(true);
    expect(created.text).not.toContain(hash);
    const directory = await directoryOf("acme");
    expect((await directory.users.verifyPassword(created.body.id, "imported secret 2")).valid).toBe(false);
    expect(await directory.users.verifyPassword(created.body.id, "imported secret 1")).toEqual({
      valid: true,
      upgraded: true,
    });
  });

  it("refuses bad passwords and hashes, and both at once", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const cases: [Record<string, unknown>, string][] = [
      [{ password: "short" }, "#/password"],
      [{ password: "x".repeat(257) }, "#/password"],
      [{ password_hash: "$md5$abc" }, "#/password_hash"],
      [{ password_hash: "plaintext" }, "#/password_hash"],
      [
        { password_hash: "$pbkdf2-sha256$i=1000000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo" },
        "#/password_hash",
      ],
      [
        {
          password: "long enough password",
          password_hash: "$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
        },
        "#/password_hash",
      ],
    ];
    for (const [extra, pointer] of cases) {
      const result = await api(
        "createUser",
        { tenant: "acme" },
        { token, body: { email: "ana@example.com", ...extra } },
      );
      expectProblem(result, "validation-failed", { pointer });
    }
    expect((await api("listUsers", { tenant: "acme" }, { token })).body.data).toEqual([]);
  });

  it("lists users across several pages with a cursor", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await newUser(token, "acme", { email: `user${i}@example.com` })).id);

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await api(
        "listUsers",
        { tenant: "acme" },
        { token, query: { limit: 3, ...(cursor ? { cursor } : {}) } },
      );
      expectStatus(page, 200);
      pages.push(page.body.data.map((u: { id: string }) => u.id));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const seen = pages.flat();
    expect(seen).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(7);

    // A page that ends exactly at the last user says there is no more.
    const exact = await api("listUsers", { tenant: "acme" }, { token, query: { limit: 7 } });
    expect(exact.body.data).toHaveLength(7);
    expect(exact.body.next_cursor).toBeNull();
    const defaultPage = await api("listUsers", { tenant: "acme" }, { token });
    expect(defaultPage.body.data).toHaveLength(7);
  });

  it("finds a user by email, case-insensitively and across IDNA forms", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const ana = await newUser(token, "acme", { email: "Ana@Example.com" });
    await newUser(token, "acme", { email: "anabel@example.com" });
    const jose = await newUser(token, "acme", { email: "josé@exämple.com" });

    for (const email of ["ana@example.com", "ANA@EXAMPLE.COM", " Ana@Example.com "]) {
      const found = await api("listUsers", { tenant: "acme" }, { token, query: { email } });
      expectStatus(found, 200);
      expect(
        found.body.data.map((u: { id: string }) => u.id),
        email,
      ).toEqual([ana.id]);
      expect(found.body.data[0].email).toBe("Ana@Example.com");
    }
    const idna = await api("listUsers", { tenant: "acme" }, { token, query: { email: "JOSÉ@xn--exmple-cua.com" } });
    expect(idna.body.data.map((u: { id: string }) => u.id)).toEqual([jose.id]);
    const none = await api("listUsers", { tenant: "acme" }, { token, query: { email: "nobody@example.com" } });
    expect(none.body).toEqual({ data: [], next_cursor: null });
    const notAnEmail = await api("listUsers", { tenant: "acme" }, { token, query: { email: "ana" } });
    expect(notAnEmail.body.data).toEqual([]);
  });

  it("searches users by email prefix, case-insensitively", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const ana = await newUser(token, "acme", { email: "Ana@Example.com" });
    const anabel = await newUser(token, "acme", { email: "ANABEL@example.org" });
    await newUser(token, "acme", { email: "bob@example.com" });
    await newUser(token, "acme", { phone_number: "+14155550199" });

    const byPrefix = async (prefix: string, extra: Record<string, string | number> = {}) => {
      const result = await api(
        "listUsers",
        { tenant: "acme" },
        { token, query: { email_starts_with: prefix, ...extra } },
      );
      expectStatus(result, 200);
      return result.body;
    };
    const ids = (body: { data: { id: string }[] }) => body.data.map((u) => u.id).sort();
    expect(ids(await byPrefix("an"))).toEqual([ana.id, anabel.id].sort());
    expect(ids(await byPrefix("ANA"))).toEqual([ana.id, anabel.id].sort());
    expect(ids(await byPrefix("anab"))).toEqual([anabel.id]);
    expect(ids(await byPrefix("ana@example.c"))).toEqual([ana.id]);
    expect(ids(await byPrefix("zed"))).toEqual([]);
    // The prefix search pages like the plain list.
    const first = await byPrefix("a", { limit: 1 });
    expect(first.data).toHaveLength(1);
    expect(first.next_cursor).toBeTypeOf("string");
    const second = await byPrefix("a", { limit: 1, cursor: first.next_cursor });
    expect(second.data).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    expect([first.data[0].id, second.data[0].id].sort()).toEqual([ana.id, anabel.id].sort());

    const blank = await api("listUsers", { tenant: "acme" }, { token, query: { email_starts_with: "  " } });
    expectProblem(blank, "validation-failed", { parameter: "email_starts_with" });
  });

  it("updates given fields only, clears with null, blocks and unblocks", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const user = await newUser(token, "acme", { email: "ana@example.com", given_name: "Ana", family_name: "Lima" });

    const renamed = await api(
      "updateUser",
      { tenant: "acme", user_id: user.id },
      {
        token,
        body: { given_name: "Anna", family_name: null, custom_attributes: { tier: 2 } },
      },
    );
    expectStatus(renamed, 200);
    expect(renamed.body).toMatchObject({
      id: user.id,
      email: "ana@example.com",
      given_name: "Anna",
      family_name: null,
      custom_attributes: { tier: 2 },
      blocked: false,
      created_at: user.created_at,
    });

    const blocked = await api("updateUser", { tenant: "acme", user_id: user.id }, { token, body: { blocked: true } });
    expectStatus(blocked, 200);
    expect(blocked.body.blocked).toBe(true);
    expect((await api("getUser", { tenant: "acme", user_id: user.id }, { token })).body.blocked).toBe(true);
    const unblocked = await api(
      "updateUser",
      { tenant: "acme", user_id: user.id },
      { token, body: { blocked: false } },
    );
    expect(unblocked.body.blocked).toBe(false);
    expect(unblocked.body.given_name).toBe("Anna");

    const events = await api("listAuditEvents", { tenant: "acme" }, { token, query: { user_id: user.id } });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
      "user.created",
      "user.updated",
      "user.blocked",
      "user.unblocked",
    ]);
  });

  it("sets and replaces a password on update", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    expect(user.has_password).toBe(false);
    const updated = await api(
      "updateUser",
      { tenant: "acme", user_id: user.id },
      { token, body: { password: "first password" } },
    );
    expectStatus(updated, 200);
    expect(updated.body.has_password).toBe(true);
    const hash = await pbkdf2Hash("second password");
    const replaced = await api(
      "updateUser",
      { tenant: "acme", user_id: user.id },
      { token, body: { password_hash: hash } },
    );
    expectStatus(replaced, 200);
    const directory = await directoryOf("acme");
    expect((await directory.users.verifyPassword(user.id, "first password")).valid).toBe(false);
    expect((await directory.users.verifyPassword(user.id, "second password")).valid).toBe(true);
    const event = (await api("listAuditEvents", { tenant: "acme" }, { token, query: { type: "user.updated" } })).body
      .data;
    expect(event.map((e: { details: { password_changed: boolean } }) => e.details.password_changed)).toEqual([
      true,
      true,
    ]);
    expect(JSON.stringify(event)).not.toContain("first password");
  });

  it("keeps a user reachable: an email or a phone number must remain", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    const orphan = await api("updateUser", { tenant: "acme", user_id: user.id }, { token, body: { email: null } });
    expectProblem(orphan, "validation-failed", { pointer: "#/email" });
    const swapped = await api(
      "updateUser",
      { tenant: "acme", user_id: user.id },
      {
        token,
        body: { email: null, phone_number: "+351912345678" },
      },
    );
    expectStatus(swapped, 200);
    expect(swapped.body).toMatchObject({ email: null, phone_number: "+351912345678" });
    const neither = await api("createUser", { tenant: "acme" }, { token, body: { given_name: "Nobody" } });
    expectProblem(neither, "validation-failed", { pointer: "#/email" });
  });

  it("deletes a user", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    expectStatus(await api("deleteUser", { tenant: "acme", user_id: user.id }, { token }), 204);
    expectProblem(await api("getUser", { tenant: "acme", user_id: user.id }, { token }), "not-found");
    expectProblem(await api("deleteUser", { tenant: "acme", user_id: user.id }, { token }), "not-found");
    expectProblem(
      await api("updateUser", { tenant: "acme", user_id: user.id }, { token, body: { name: "x" } }),
      "not-found",
    );
    // The address is free again.
    await newUser(token, "acme", { email: "ANA@example.com" });
    // The audit trail keeps the deleted user's records.
    const trail = await api("listAuditEvents", { tenant: "acme" }, { token, query: { user_id: user.id } });
    expect(trail.body.data.map((e: { type: string }) => e.type)).toEqual(["user.created", "user.deleted"]);
  });

  it("refuses a duplicate email, whatever its case, with 409 naming the email", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newTenant(token, "globex");
    await newUser(token, "acme", { email: "ana@example.com" });
    for (const email of ["ana@example.com", "ANA@Example.COM", " ana@example.com"]) {
      const result = await api("createUser", { tenant: "acme" }, { token, body: { email } });
      expectProblem(result, "conflict", { pointer: "#/email" });
    }
    // IDNA: the Unicode and the ASCII form of a domain are one address.
    await newUser(token, "acme", { email: "bo@exämple.com" });
    expectProblem(
      await api("createUser", { tenant: "acme" }, { token, body: { email: "BO@xn--exmple-cua.com" } }),
      "conflict",
      {
        pointer: "#/email",
      },
    );
    // Taking another user's address by update is refused the same way.
    const other = await newUser(token, "acme", { email: "other@example.com" });
    const taken = await api(
      "updateUser",
      { tenant: "acme", user_id: other.id },
      { token, body: { email: "Ana@Example.com" } },
    );
    expectProblem(taken, "conflict", { pointer: "#/email" });
    expect((await api("getUser", { tenant: "acme", user_id: other.id }, { token })).body.email).toBe(
      "other@example.com",
    );
    // Changing the case of one's own address is not a conflict.
    const recased = await api(
      "updateUser",
      { tenant: "acme", user_id: other.id },
      { token, body: { email: "Other@Example.com" } },
    );
    expectStatus(recased, 200);
    // Another tenant is another directory.
    await newUser(token, "globex", { email: "ana@example.com" });
  });

  it("refuses invalid profile values, naming each field", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const cases: [Record<string, unknown>, string][] = [
      [{ email: "not-an-email" }, "#/email"],
      [{ email: "ana@localhost" }, "#/email"],
      [{ email: 42 }, "#/email"],
      [{ email: "ana@example.com", email_verified: "yes" }, "#/email_verified"],
      [{ phone_number: "0412345678" }, "#/phone_number"],
      [{ email: "ana@example.com", birthdate: "1990-02-30" }, "#/birthdate"],
      [{ email: "ana@example.com", zoneinfo: "Mars/Olympus" }, "#/zoneinfo"],
      [{ email: "ana@example.com", locale: "not a locale!" }, "#/locale"],
      [{ email: "ana@example.com", picture: "javascript:alert(1)" }, "#/picture"],
      [{ email: "ana@example.com", website: "ftp://example.com" }, "#/website"],
      [{ email: "ana@example.com", given_name: "" }, "#/given_name"],
      [{ email: "ana@example.com", given_name: "x".repeat(201) }, "#/given_name"],
      [{ email: "ana@example.com", address: { locality: 5 } }, "#/address/locality"],
      [{ email: "ana@example.com", address: { planet: "Mars" } }, "#/address/planet"],
      [{ email: "ana@example.com", custom_attributes: { "bad key": 1 } }, "#/custom_attributes/bad key"],
      [{ email: "ana@example.com", custom_attributes: { big: "x".repeat(17 * 1024) } }, "#/custom_attributes"],
      [{ email: "ana@example.com", blocked: "no" }, "#/blocked"],
      [{ email: "ana@example.com", favourite_color: "blue" }, "#/favourite_color"],
      [{ email: "ana@example.com", id: "usr_chosen" }, "#/id"],
      [{ email: "ana@example.com", has_password: true }, "#/has_password"],
    ];
    for (const [body, pointer] of cases) {
      const result = await api("createUser", { tenant: "acme" }, { token, body });
      expectProblem(result, "validation-failed", { pointer });
    }
    const user = await newUser(token, "acme", { email: "ana@example.com" });
    for (const [body, pointer] of cases) {
      if (pointer === "#/email" && body.email === undefined) continue;
      const result = await api("updateUser", { tenant: "acme", user_id: user.id }, { token, body });
      expectProblem(result, "validation-failed", { pointer });
    }
    expect((await api("listUsers", { tenant: "acme" }, { token })).body.data).toHaveLength(1);
  });

  it("lists, assigns and removes a user's roles", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const resource = await newResource(token, "acme");
    const reader = await newRole(token, "acme", {
      name: "reader",
      permissions: [{ resource: resource.identifier, scope: "read" }],
    });
    const writer = await newRole(token, "acme", {
      name: "writer",
      permissions: [{ resource: resource.identifier, scope: "write" }],
    });
    const user = await newUser(token, "acme", { email: "ana@example.com" });

    const empty = await api("listUserRoles", { tenant: "acme", user_id: user.id }, { token });
    expectStatus(empty, 200);
    expect(empty.body).toEqual({ data: [] });

    const assigned = await api(
      "assignUserRoles",
      { tenant: "acme", user_id: user.id },
      {
        token,
        body: { roles: [writer.id, reader.id, writer.id] },
      },
    );
    expectStatus(assigned, 200);
    expect(assigned.body.data.map((r: { name: string }) => r.name)).toEqual(["reader", "writer"]);
    expect(assigned.body.data[0].permissions).toEqual([{ resource: resource.identifier, scope: "read" }]);

    // Assigning a role already held keeps it once.
    const again = await api(
      "assignUserRoles",
      { tenant: "acme", user_id: user.id },
      { token, body: { roles: [reader.id] } },
    );
    expect(again.body.data.map((r: { id: string }) => r.id)).toEqual([reader.id, writer.id]);

    const removed = await api("removeUserRole", { tenant: "acme", user_id: user.id, role_id: reader.id }, { token });
    expectStatus(removed, 204);
    const after = await api("listUserRoles", { tenant: "acme", user_id: user.id }, { token });
    expect(after.body.data.map((r: { id: string }) => r.id)).toEqual([writer.id]);
    expectProblem(
      await api("removeUserRole", { tenant: "acme", user_id: user.id, role_id: reader.id }, { token }),
      "not-found",
    );

    const events = await api("listAuditEvents", { tenant: "acme" }, { token, query: { user_id: user.id } });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
      "user.created",
      "user.roles_assigned",
      "user.roles_assigned",
      "user.role_removed",
    ]);
  });

  it("refuses roles that do not exist, naming the list entry, and changes nothing", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newTenant(token, "globex");
    const role = await newRole(token, "acme", { name: "reader" });
    const foreign = await newRole(token, "globex", { name: "reader" });
    const user = await newUser(token, "acme", { email: "ana@example.com" });

    const unknown = await api(
      "assignUserRoles",
      { tenant: "acme", user_id: user.id },
      { token, body: { roles: [role.id, "rol_nope"] } },
    );
    expectProblem(unknown, "validation-failed", { pointer: "#/roles/1" });
    const otherTenant = await api(
      "assignUserRoles",
      { tenant: "acme", user_id: user.id },
      { token, body: { roles: [foreign.id] } },
    );
    expectProblem(otherTenant, "validation-failed", { pointer: "#/roles/0" });
    expect((await api("listUserRoles", { tenant: "acme", user_id: user.id }, { token })).body.data).toEqual([]);

    expectProblem(
      await api("assignUserRoles", { tenant: "acme", user_id: user.id }, { token, body: { roles: [] } }),
      "validation-failed",
      {
        pointer: "#/roles",
      },
    );
    expectProblem(
      await api("assignUserRoles", { tenant: "acme", user_id: user.id }, { token, body: { roles: "x" } }),
      "validation-failed",
      {
        pointer: "#/roles",
      },
    );
    expectProblem(
      await api("assignUserRoles", { tenant: "acme", user_id: user.id }, { token, body: { roles: [1] } }),
      "validation-failed",
      {
        pointer: "#/roles/0",
      },
    );
    expectProblem(await api("listUserRoles", { tenant: "acme", user_id: "usr_nope" }, { token }), "not-found");
    expectProblem(
      await api("assignUserRoles", { tenant: "acme", user_id: "usr_nope" }, { token, body: { roles: [role.id] } }),
      "not-found",
    );
  });
});

// The users repository: normalized, case-insensitive email uniqueness, lookups, paging,
// prefix search, and user + credential written atomically.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ConflictError, type Directory, type Tenant } from "../../../src/directory";
import { countRows, directoryOf, IMPORTED_HASH, newTenant } from "./fixtures";

let tenant: Tenant;
let directory: Directory;

beforeEach(async () => {
  tenant = await newTenant("acme");
  directory = directoryOf(tenant);
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("email uniqueness", () => {
  // Pairs of spellings of one address: the second create must conflict with the first.
  const sameAddress: [string, string, string][] = [
    ["IDNA: Unicode domain vs its punycode", "Ana@Exämple.com", "ana@xn--exmple-cua.com"],
    ["IDNA: punycode vs upper-case Unicode domain", "ana@xn--exmple-cua.com", "ANA@EXÄMPLE.COM"],
    ["case of local part and domain", "ana@example.com", "ANA@Example.COM"],
    ["NFC: precomposed vs combining accent in the local part", "Jos\u00e9@example.com", "jose\u0301@example.com"],
    ["NFC: combining accent in the domain", "ana@exa\u0308mple.com", "ana@exämple.com"],
    ["surrounding whitespace", "  ana@example.com\t", "ana@example.com"],
    ["fullwidth domain letters (IDNA mapping)", "ana@ｅｘａｍｐｌｅ.com", "ana@example.com"],
  ];

  it.each(sameAddress)("%s conflicts: %s / %s", async (_label, first, second) => {
    const created = await directory.users.create({ email: first });
    const error = await rejection(directory.users.create({ email: second }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).field).toBe("email");
    expect(await countRows("users", tenant.id)).toBe(1);
    // And a lookup by either spelling finds the one user.
    expect((await directory.users.findByEmail(second))?.id).toBe(created.id);
    expect((await directory.users.findByEmail(first))?.id).toBe(created.id);
  });

  it("stores the address as given and its normalized form", async () => {
    const user = await directory.users.create({ email: "Ana@Exämple.com" });
    expect(user.email).toBe("Ana@Exämple.com");
    expect(user.emailNormalized).toBe("ana@xn--exmple-cua.com");
    const [row] = (await env.DB.prepare("SELECT email, email_normalized FROM users WHERE id = ?").bind(user.id).all())
      .results;
    expect(row).toEqual({ email: "Ana@Exämple.com", email_normalized: "ana@xn--exmple-cua.com" });
  });

  it("different addresses do not conflict, and users without email never collide", async () => {
    await directory.users.create({ email: "ana@example.com" });
    await directory.users.create({ email: "ana@example.org" });
    await directory.users.create({ email: "ana.b@example.com" });
    await directory.users.create({ name: "No Email 1" });
    await directory.users.create({ name: "No Email 2", email: null });
    expect(await countRows("users", tenant.id)).toBe(5);
  });

  it("an update to another user's address (any spelling) is a ConflictError and changes nothing", async () => {
    await directory.users.create({ email: "ana@exämple.com" });
    const bob = await directory.users.create({ email: "bob@example.com", name: "Bob" });
    const error = await rejection(directory.users.update(bob.id, { email: "ANA@xn--exmple-cua.com", name: "Robert" }));
    expect(error).toMatchObject({ name: "ConflictError", field: "email" });
    const after = await directory.users.get(bob.id);
    expect(after?.email).toBe("bob@example.com");
    expect(after?.name).toBe("Bob");
  });

  it("an update of the email re-normalizes it; clearing it frees the address", async () => {
    const ana = await directory.users.create({ email: "ana@example.com" });
    const updated = await directory.users.update(ana.id, { email: "Ana.New@EXÄMPLE.com" });
    expect(updated?.emailNormalized).toBe("ana.new@xn--exmple-cua.com");
    expect(await directory.users.findByEmail("ana@example.com")).toBeNull();
    expect((await directory.users.findByEmail("ana.new@exämple.com"))?.id).toBe(ana.id);
    const cleared = await directory.users.update(ana.id, { email: null });
    expect(cleared?.email).toBeNull();
    expect(cleared?.emailNormalized).toBeNull();
    const other = await directory.users.create({ email: "ana.new@exämple.com" });
    expect(other.id).not.toBe(ana.id);
  });

  it("findByEmail returns null for an unusable address instead of matching anything", async () => {
    await directory.users.create({ name: "No Email" });
    expect(await directory.users.findByEmail("")).toBeNull();
    expect(await directory.users.findByEmail("not an email")).toBeNull();
    expect(await directory.users.list({ limit: 10, email: "not an email" })).toEqual([]);
  });
});

describe("listing", () => {
  it("pages through users by id", async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await directory.users.create({ email: `user${i}@example.com` })).id);
    const seen: string[] = [];
    let after: string | undefined;
    const pageSizes: number[] = [];
    for (;;) {
      const page = await directory.users.list({ limit: 3, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      pageSizes.push(page.length);
      seen.push(...page.map((u) => u.id));
      after = page[page.length - 1]!.id;
    }
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...created].sort());
    expect(new Set(seen).size).toBe(7);
  });

  it("reports hasPassword from the credential row", async () => {
    const withPassword = await directory.users.create({ email: "a@example.com" }, { passwordHash: IMPORTED_HASH });
    const without = await directory.users.create({ email: "b@example.com" });
    expect(withPassword.hasPassword).toBe(true);
    expect(without.hasPassword).toBe(false);
    const listed = await directory.users.list({ limit: 10 });
    expect(Object.fromEntries(listed.map((u) => [u.id, u.hasPassword]))).toEqual({
      [withPassword.id]: true,
      [without.id]: false,
    });
    expect((await directory.users.get(without.id))?.hasPassword).toBe(false);
  });

  it("filters by exact normalized email", async () => {
    const ana = await directory.users.create({ email: "ana@exämple.com" });
    await directory.users.create({ email: "anabel@exämple.com" });
    expect((await directory.users.list({ limit: 10, email: "ANA@xn--exmple-cua.com" })).map((u) => u.id)).toEqual([
      ana.id,
    ]);
  });

  it("searches by email prefix, case-insensitively, with no wildcard characters", async () => {
    const ids: Record<string, string> = {};
    for (const email of [
      "ana@example.com",
      "Anabel@example.com",
      "ana.maria@example.org",
      "bob@example.com",
      "a_b@example.com",
      "axb@example.com",
      "a%c@example.com",
      "zana@example.com",
    ])
      ids[email] = (await directory.users.create({ email })).id;
    const search = async (prefix: string) =>
      (await directory.users.list({ limit: 50, emailPrefix: prefix })).map((u) => u.email).sort();
    expect(await search("ANA")).toEqual(["Anabel@example.com", "ana.maria@example.org", "ana@example.com"].sort());
    expect(await search("ana@")).toEqual(["ana@example.com"]);
    expect(await search("a_")).toEqual(["a_b@example.com"]);
    expect(await search("a%")).toEqual(["a%c@example.com"]);
    expect(await search("nobody")).toEqual([]);
    // Combined with paging: ordered by id, `after` continues the search.
    const first = await directory.users.list({ limit: 2, emailPrefix: "ana" });
    const rest = await directory.users.list({ limit: 50, emailPrefix: "ana", after: first[1]!.id });
    expect([...first, ...rest].map((u) => u.id)).toEqual(
      [ids["ana@example.com"]!, ids["Anabel@example.com"]!, ids["ana.maria@example.org"]!].sort(),
    );
  });

  it("prefix search finds addresses whose next character is outside the BMP", async () => {
    // normalizeEmail accepts any non-ASCII local part, emoji included.
    const emoji = await directory.users.create({ email: "fan\u{1F600}@example.com" });
    const plain = await directory.users.create({ email: "fanny@example.com" });
    const found = (await directory.users.list({ limit: 50, emailPrefix: "fan" })).map((u) => u.id).sort();
    expect(found).toEqual([emoji.id, plain.id].sort());
  });
});

describe("create, update and delete", () => {
  it("creates user, credential and audit event in one batch", async () => {
    const user = await directory.users.create(
      { email: "ana@example.com", givenName: "Ana", customAttributes: { plan: "pro" } },
      { passwordHash: IMPORTED_HASH },
      { type: "user.created", actorType: "client", actorId: "cli-admin" },
    );
    expect(user.tenantId).toBe(tenant.id);
    expect(user.id).toMatch(/^usr_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(user.customAttributes).toEqual({ plan: "pro" });
    expect(user.status).toBe("active");
    const events = await directory.audit.list({ limit: 10 });
    expect(events.map((e) => [e.type, e.userId])).toEqual([["user.created", user.id]]);
    const [credential] = (
      await env.DB.prepare("SELECT tenant_id, hash FROM password_credentials WHERE user_id = ?").bind(user.id).all()
    ).results;
    expect(credential).toEqual({ tenant_id: tenant.id, hash: IMPORTED_HASH });
  });

  it("leaves no user row (and no audit event) when the credential insert fails", async () => {
    await env.DB.prepare(
      "CREATE TRIGGER refuse_credentials BEFORE INSERT ON password_credentials BEGIN SELECT RAISE(ABORT, 'credential refused'); END",
    ).run();
    const error = await rejection(
      directory.users.create(
        { email: "ana@example.com" },
        { passwordHash: IMPORTED_HASH },
        { type: "user.created", actorType: "system" },
      ),
    );
    expect(String((error as Error).cause ?? error)).toMatch(/credential refused/);
    expect(await countRows("users", tenant.id)).toBe(0);
    expect(await countRows("audit_events", tenant.id)).toBe(0);
    expect(await directory.users.findByEmail("ana@example.com")).toBeNull();
    // Without the credential the same user is created: the failure was the credential's.
    await env.DB.prepare("DROP TRIGGER refuse_credentials").run();
    const user = await directory.users.create({ email: "ana@example.com" }, { passwordHash: IMPORTED_HASH });
    expect(user.hasPassword).toBe(true);
  });

  it("leaves no user row when the credential row violates a constraint", async () => {
    // A NULL hash (NOT NULL column): the second statement of the batch fails.
    const error = await rejection(
      directory.users.create({ email: "ana@example.com" }, { passwordHash: null as unknown as string }),
    );
    expect(String((error as Error).cause ?? error)).toMatch(/NOT NULL constraint failed: password_credentials\.hash/);
    expect(await countRows("users", tenant.id)).toBe(0);
  });

  it("hashes a plain password on create and replaces it on update", async () => {
    const user = await directory.users.create({ email: "ana@example.com" }, { password: "first password 1" });
    expect(user.hasPassword).toBe(true);
    const [stored] = (
      await env.DB.prepare("SELECT hash FROM password_credentials WHERE user_id = ?")
        .bind(user.id)
        .all<{ hash: string }>()
    ).results;
    expect(stored?.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored?.hash).not.toContain("first password");

    const updated = await directory.users.update(user.id, { name: "Ana" }, { password: "second password 2" });
    expect(updated?.name).toBe("Ana");
    expect((await directory.users.verifyPassword(user.id, "second password 2")).valid).toBe(true);
    expect((await directory.users.verifyPassword(user.id, "first password 1")).valid).toBe(false);
    expect(await countRows("password_credentials", tenant.id)).toBe(1);
  });

  it("an update gives a password to a user who had none", async () => {
    const user = await directory.users.create({ email: "ana@example.com" });
    expect(user.hasPassword).toBe(false);
    await directory.users.update(user.id, {}, { passwordHash: IMPORTED_HASH });
    expect((await directory.users.get(user.id))?.hasPassword).toBe(true);
  });

  it("a refused update (email conflict) does not replace the password either", async () => {
    await directory.users.create({ email: "ana@example.com" });
    const bob = await directory.users.create({ email: "bob@example.com" }, { passwordHash: IMPORTED_HASH });
    await expect(
      directory.users.update(
        bob.id,
        { email: "ana@example.com" },
        { passwordHash: IMPORTED_HASH.replace("Mo+9KYg", "AAAAAAA") },
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    const [row] = (
      await env.DB.prepare("SELECT hash FROM password_credentials WHERE user_id = ?")
        .bind(bob.id)
        .all<{ hash: string }>()
    ).results;
    expect(row?.hash).toBe(IMPORTED_HASH);
  });

  it("update of an unknown user returns null", async () => {
    expect(await directory.users.update("usr_unknown", { name: "x" })).toBeNull();
  });

  it("delete removes the user, its credential and its role assignments, and records the event", async () => {
    const resource = await directory.resources.create({ identifier: "https://api.test", name: "API", scopes: [] });
    const role = await directory.roles.create({ name: "admin" });
    const user = await directory.users.create({ email: "ana@example.com" }, { passwordHash: IMPORTED_HASH });
    const keep = await directory.users.create({ email: "bob@example.com" }, { passwordHash: IMPORTED_HASH });
    await directory.roles.assign(user.id, [role.id]);
    await directory.roles.assign(keep.id, [role.id]);
    await directory.users.delete(user.id, { type: "user.deleted", actorType: "system" });
    expect(await directory.users.get(user.id)).toBeNull();
    expect(await directory.users.findByEmail("ana@example.com")).toBeNull();
    expect(await countRows("password_credentials", tenant.id)).toBe(1);
    expect(await countRows("user_roles", tenant.id)).toBe(1);
    expect((await directory.roles.rolesOfUser(keep.id)).map((r) => r.id)).toEqual([role.id]);
    expect((await directory.audit.list({ limit: 10, type: "user.deleted" })).map((e) => e.userId)).toEqual([user.id]);
    expect(await directory.resources.get(resource.id)).not.toBeNull();
    // The address is free again.
    await directory.users.create({ email: "ana@example.com" });
  });
});

describe("tombstones", () => {
  it("an update that lands after the account was erased writes nothing back and says so", async () => {
    const user = await directory.users.create({ email: "ana@example.com", givenName: "Ana" });
    expect(await directory.users.erase(user.id)).toBe(true);
    expect(await directory.users.update(user.id, { givenName: "Ana again", email: "ana@example.com" })).toBeNull();
    const row = await directory.users.getProfile(user.id);
    expect(row).toMatchObject({ status: "deleted", givenName: null, email: null });
    expect(await directory.users.findByEmail("ana@example.com")).toBeNull();
  });
});

// users.verifyPassword: a stored hash of an older scheme or weaker parameters is replaced
// by a current argon2id hash on a successful check, compare-and-set, and never otherwise.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { openDirectory, type Directory, type Tenant } from "../../../src/directory";
import type { Env } from "../../../src/env";
import { verifyPassword } from "../../../src/passwords";
import { loadArgon2 } from "../../../src/passwords/argon2-module";
import { IMPORTED_HASH, newTenant, pbkdf2Hash } from "../directory/fixtures";

const CURRENT = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

let tenant: Tenant;
let directory: Directory;

beforeEach(async () => {
  tenant = await newTenant("acme");
  directory = openDirectory(env, tenant);
});

async function storedCredential(userId: string): Promise<{ hash: string; updated_at: number }> {
  const row = await env.DB.prepare("SELECT hash, updated_at FROM password_credentials WHERE user_id = ?")
    .bind(userId)
    .first<{ hash: string; updated_at: number }>();
  if (!row) throw new Error(`no credential for ${userId}`);
  return row;
}

describe("users.verifyPassword", () => {
  it("replaces an imported pbkdf2-sha256 hash with argon2id on success", async () => {
    const imported = await pbkdf2Hash("imported password", 100_000);
    const user = await directory.users.create({ email: "ana@example.com" }, { passwordHash: imported });
    expect((await storedCredential(user.id)).hash).toBe(imported);

    expect(await directory.users.verifyPassword(user.id, "imported password")).toEqual({ valid: true, upgraded: true });
    const upgraded = (await storedCredential(user.id)).hash;
    expect(upgraded).toMatch(CURRENT);
    expect(await verifyPassword(upgraded, "imported password")).toEqual({ valid: true });

    // Now current: the next sign-in verifies and rewrites nothing.
    expect(await directory.users.verifyPassword(user.id, "imported password")).toEqual({
      valid: true,
      upgraded: false,
    });
    expect((await storedCredential(user.id)).hash).toBe(upgraded);
  });

  it("leaves the pbkdf2 hash in place when the password is wrong", async () => {
    const imported = await pbkdf2Hash("imported password", 1000);
    const user = await directory.users.create({ email: "ana@example.com" }, { passwordHash: imported });
    expect(await directory.users.verifyPassword(user.id, "imported passwore")).toEqual({
      valid: false,
      upgraded: false,
    });
    expect((await storedCredential(user.id)).hash).toBe(imported);
  });

  it("replaces an argon2id hash of weaker parameters (m=4096,t=1) on success", async () => {
    const argon2 = await loadArgon2();
    const weak = argon2.hash(new TextEncoder().encode("weak but right"), crypto.getRandomValues(new Uint8Array(16)), {
      memoryKiB: 4096,
      passes: 1,
      parallelism: 1,
    });
    const user = await directory.users.create({ email: "ana@example.com" }, { passwordHash: weak });
    expect(await directory.users.verifyPassword(user.id, "weak but wrong")).toEqual({ valid: false, upgraded: false });
    expect((await storedCredential(user.id)).hash).toBe(weak);
    expect(await directory.users.verifyPassword(user.id, "weak but right")).toEqual({ valid: true, upgraded: true });
    const upgraded = (await storedCredential(user.id)).hash;
    expect(upgraded).toMatch(CURRENT);
    expect(await verifyPassword(upgraded, "weak but right")).toEqual({ valid: true });
  });

  it("does not touch a current argon2id hash", async () => {
    const user = await directory.users.create({ email: "ana@example.com" }, { passwordHash: IMPORTED_HASH });
    await env.DB.prepare("UPDATE password_credentials SET updated_at = 1 WHERE user_id = ?").bind(user.id).run();
    expect(await directory.users.verifyPassword(user.id, "correct horse battery staple")).toEqual({
      valid: true,
      upgraded: false,
    });
    expect(await storedCredential(user.id)).toEqual({ hash: IMPORTED_HASH, updated_at: 1 });
  });

  it("an imported hash of the unnormalized password is rewritten over the NFKC form", async () => {
    const fullwidth = "\uff53\uff45\uff43\uff52\uff45\uff54\uff11\uff12"; // ｓｅｃｒｅｔ１２
    const imported = await pbkdf2Hash(fullwidth, 1000);
    const user = await directory.users.create({ email: "ana@example.com" }, { passwordHash: imported });
    expect((await directory.users.verifyPassword(user.id, "secret12")).valid).toBe(false);
    expect(await directory.users.verifyPassword(user.id, fullwidth)).toEqual({ valid: true, upgraded: true });
    expect(await directory.users.verifyPassword(user.id, "secret12")).toEqual({ valid: true, upgraded: false });
  });

  it("is false for a user without a password and for an unknown user", async () => {
    const user = await directory.users.create({ email: "ana@example.com" });
    expect(await directory.users.verifyPassword(user.id, "anything at all")).toEqual({ valid: false, upgraded: false });
    expect(await directory.users.verifyPassword("usr_unknown", "anything at all")).toEqual({
      valid: false,
      upgraded: false,
    });
  });

  it("does not overwrite a password changed between the read and the upgrade", async () => {
    const imported = await pbkdf2Hash("old password", 1000);
    const user = await directory.users.create({ email: "ana@example.com" }, { passwordHash: imported });
    // A D1 binding that, right after the credential is read, lets an administrator set a
    // new password: the verification then runs against the old hash it read.
    const changedMeanwhile = "$argon2id$v=19$m=19456,t=2,p=1$Y2hhbmdlZG1lYW53aGlsZQ$" + "B".repeat(43);
    const racing = raceAfterCredentialRead(() =>
      env.DB.prepare("UPDATE password_credentials SET hash = ? WHERE user_id = ?")
        .bind(changedMeanwhile, user.id)
        .run(),
    );
    const result = await openDirectory({ DB: racing.db, CACHE: env.CACHE } as Env, tenant).users.verifyPassword(
      user.id,
      "old password",
    );
    expect(racing.fired()).toBe(true);
    expect(result).toEqual({ valid: true, upgraded: false });
    expect((await storedCredential(user.id)).hash).toBe(changedMeanwhile);
  });
});

/** Wraps env.DB so that `action` runs once, after the first read of password_credentials. */
function raceAfterCredentialRead(action: () => Promise<unknown>) {
  const real = env.DB;
  let fired = false;
  const after = async <T>(result: Promise<T>): Promise<T> => {
    const value = await result;
    if (!fired) {
      fired = true;
      await action();
    }
    return value;
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    ({
      bind: (...values: unknown[]) => wrap(statement.bind(...values)),
      first: (column?: string) => after(column === undefined ? statement.first() : statement.first(column)),
      all: () => after(statement.all()),
      raw: (options?: { columnNames?: boolean }) => after(statement.raw(options as { columnNames: true })),
      run: () => after(statement.run()),
    }) as unknown as D1PreparedStatement;
  const db = {
    prepare: (query: string) => {
      const statement = real.prepare(query);
      return /^select\b/i.test(query) && /from "password_credentials"/i.test(query) ? wrap(statement) : statement;
    },
    batch: (statements: D1PreparedStatement[]) => real.batch(statements),
    exec: (query: string) => real.exec(query),
    dump: () => real.dump(),
  } as unknown as D1Database;
  return { db, fired: () => fired };
}

// Users of one tenant and their password credentials. A user and its credential are
// always written together in one D1 batch (a transaction), so neither exists alone.
import { and, asc, eq, gt, gte, lt, ne, sql } from "drizzle-orm";
import { nowSeconds } from "../config";
import { hashPassword, verifyAgainstNothing, verifyPassword } from "../passwords";
import { atomically } from "../storage/batch";
import type { Database } from "../storage/database";
import { uniqueViolation } from "../storage/errors";
import { newId } from "../storage/ids";
import { consents, passwordCredentials, userRoles, users } from "../storage/schema";
import { normalizeEmail } from "./email";
import { removeAllFactorStatements } from "./factors";
import { auditStatements, type AuditEventInput } from "./audit";
import { consentRecordStatements, type ConsentRecordInput } from "./consent-records";
import { ConflictError } from "./errors";

export type User = typeof users.$inferSelect;
export type UserRecord = User & { hasPassword: boolean };

/** Profile fields an admin (or later the user) may set; ids and timestamps are ours. */
export type UserProfile = Partial<
  Omit<User, "id" | "tenantId" | "emailNormalized" | "createdAt" | "updatedAt" | "lastSignInAt">
>;

/** How a credential arrives: a password to hash, or a hash imported from another system. */
export type PasswordInput = { password: string } | { passwordHash: string };

export interface UserListQuery {
  limit: number;
  after?: string;
  /** Exact match on the normalized address. */
  email?: string;
  /** Prefix match on the normalized address. */
  emailPrefix?: string;
}

export function usersRepository(db: Database, tenantId: string) {
  const inTenant = eq(users.tenantId, tenantId);

  /** Users left-joined to their credential, which tells whether they have a password. */
  const withCredentialFlag = () =>
    db
      .select({ user: users, credentialOf: passwordCredentials.userId })
      .from(users)
      .leftJoin(
        passwordCredentials,
        and(eq(passwordCredentials.tenantId, users.tenantId), eq(passwordCredentials.userId, users.id)),
      );
  const flatten = (row: { user: User; credentialOf: string | null }): UserRecord => ({
    ...row.user,
    hasPassword: row.credentialOf !== null,
  });

  async function credentialHash(input: PasswordInput): Promise<string> {
    return "password" in input ? hashPassword(input.password) : input.passwordHash;
  }

  function emailConflict(error: unknown): never {
    if (uniqueViolation(error)?.includes("email_normalized"))
      throw new ConflictError("email", "another user of this tenant has this email address");
    throw error;
  }

  return {
    async get(id: string): Promise<UserRecord | null> {
      const [row] = await withCredentialFlag()
        .where(and(inTenant, eq(users.id, id)))
        .limit(1);
      return row ? flatten(row) : null;
    },

    /** The user alone (status and claims), without the credential join: token and UserInfo hot paths. */
    async getProfile(id: string): Promise<User | null> {
      const [row] = await db
        .select()
        .from(users)
        .where(and(inTenant, eq(users.id, id)))
        .limit(1);
      return row ?? null;
    },

    async findByEmail(email: string): Promise<User | null> {
      const normalized = normalizeEmail(email);
      if (!normalized) return null;
      const [row] = await db
        .select()
        .from(users)
        .where(and(inTenant, eq(users.emailNormalized, normalized)))
        .limit(1);
      return row ?? null;
    },

    async list(query: UserListQuery): Promise<UserRecord[]> {
      const conditions = [inTenant];
      if (query.after) conditions.push(gt(users.id, query.after));
      if (query.email !== undefined) {
        conditions.push(eq(users.emailNormalized, normalizeEmail(query.email) ?? "\u0000"));
      }
      if (query.emailPrefix !== undefined) {
        // A range on the (tenant_id, email_normalized) index instead of LIKE, which
        // SQLite would not serve from the index for mixed-case collations.
        const prefix = query.emailPrefix.trim().normalize("NFC").toLowerCase();
        // D1 compares UTF-8 bytes: U+10FFFF sorts above every character, BMP or not.
        conditions.push(gte(users.emailNormalized, prefix), lt(users.emailNormalized, `${prefix}\u{10FFFF}`));
      }
      const rows = await withCredentialFlag()
        .where(and(...conditions))
        .orderBy(asc(users.id))
        .limit(query.limit);
      return rows.map(flatten);
    },

    /** Creates the user, with its credential, consent records and audit record, in one transaction. */
    async create(
      profile: UserProfile,
      credential?: PasswordInput,
      audit?: AuditEventInput,
      options: { consents?: readonly ConsentRecordInput[] } = {},
    ): Promise<UserRecord> {
      const now = nowSeconds();
      const id = newId("usr");
      const hash = credential ? await credentialHash(credential) : undefined;
      try {
        const [rows] = await atomically(db, [
          db
            .insert(users)
            .values({
              ...profile,
              id,
              tenantId,
              emailNormalized: profile.email ? normalizeEmail(profile.email) : null,
              createdAt: now,
              updatedAt: now,
            })
            .returning(),
          ...(hash === undefined
            ? []
            : [db.insert(passwordCredentials).values({ userId: id, tenantId, hash, createdAt: now, updatedAt: now })]),
          ...consentRecordStatements(db, tenantId, id, options.consents ?? [], now),
          ...auditStatements(db, tenantId, audit && { ...audit, userId: id }),
        ]);
        return { ...rows[0]!, hasPassword: hash !== undefined };
      } catch (error) {
        emailConflict(error);
      }
    },

    /** Applies a profile change and, when given, replaces the password, in one transaction; null for an unknown or deleted user. */
    async update(
      id: string,
      profile: UserProfile,
      credential?: PasswordInput,
      audit?: AuditEventInput,
    ): Promise<User | null> {
      const now = nowSeconds();
      const hash = credential ? await credentialHash(credential) : undefined;
      const changes = {
        ...profile,
        ...(profile.email !== undefined
          ? { emailNormalized: profile.email ? normalizeEmail(profile.email) : null }
          : {}),
        updatedAt: now,
      };
      try {
        const [rows] = await atomically(db, [
          // A tombstone (the customer deleted the account) never gets data back, even when
          // the deletion lands between a caller's check and this write.
          db
            .update(users)
            .set(changes)
            .where(and(inTenant, eq(users.id, id), ne(users.status, "deleted")))
            .returning(),
          ...(hash === undefined
            ? []
            : [
                db
                  .insert(passwordCredentials)
                  .values({ userId: id, tenantId, hash, createdAt: now, updatedAt: now })
                  // user_id is unique across tenants: never overwrite another tenant's row.
                  .onConflictDoUpdate({
                    target: passwordCredentials.userId,
                    set: { hash, updatedAt: now },
                    setWhere: eq(passwordCredentials.tenantId, tenantId),
                  }),
              ]),
          ...auditStatements(db, tenantId, audit && { ...audit, userId: id }),
        ]);
        return rows[0] ?? null;
      } catch (error) {
        emailConflict(error);
      }
    },

    async delete(id: string, audit?: AuditEventInput): Promise<void> {
      await atomically(db, [
        db.delete(users).where(and(inTenant, eq(users.id, id))),
        ...auditStatements(db, tenantId, audit && { ...audit, userId: id }),
      ]);
    },

    /**
     * Replaces the address with one the user just proved to own (the account page): it is
     * verified. ConflictError when another user of the tenant has it.
     */
    async changeEmail(id: string, email: string, audit?: AuditEventInput): Promise<User | null> {
      const now = nowSeconds();
      try {
        const [rows] = await atomically(db, [
          db
            .update(users)
            .set({ email, emailNormalized: normalizeEmail(email), emailVerified: true, updatedAt: now })
            .where(and(inTenant, eq(users.id, id), eq(users.status, "active")))
            .returning(),
          ...auditStatements(db, tenantId, audit && { ...audit, userId: id }),
        ]);
        return rows[0] ?? null;
      } catch (error) {
        emailConflict(error);
      }
    },

    /**
     * Erases a user on their own request, in one transaction: the password, the apps'
     * consents and roles go, every personal field is emptied, and the row stays as a
     * tombstone (status `deleted`) so that the audit trail and consent records still
     * point at something. A tombstone has no email: it cannot be found or signed in to,
     * and its address is free for a new sign-up. False when there was no live user.
     */
    async erase(id: string, audit?: AuditEventInput): Promise<boolean> {
      const now = nowSeconds();
      const ofUser = <T extends { tenantId: any; userId: any }>(table: T) =>
        and(eq(table.tenantId, tenantId), eq(table.userId, id));
      const [erased] = await atomically(db, [
        db
          .update(users)
          .set({
            email: null,
            emailNormalized: null,
            emailVerified: false,
            phoneNumber: null,
            phoneNumberVerified: false,
            name: null,
            givenName: null,
            familyName: null,
            middleName: null,
            nickname: null,
            preferredUsername: null,
            profile: null,
            picture: null,
            website: null,
            gender: null,
            birthdate: null,
            zoneinfo: null,
            locale: null,
            address: null,
            customAttributes: {},
            status: "deleted",
            deletedAt: now,
            updatedAt: now,
          })
          .where(and(inTenant, eq(users.id, id), ne(users.status, "deleted")))
          .returning({ id: users.id }),
        db.delete(passwordCredentials).where(ofUser(passwordCredentials)),
        db.delete(consents).where(ofUser(consents)),
        db.delete(userRoles).where(ofUser(userRoles)),
        ...removeAllFactorStatements(db, tenantId, id),
        ...auditStatements(db, tenantId, audit && { ...audit, userId: id }),
      ]);
      return erased.length > 0;
    },

    /** Counts the sign-in (progressive profiling asks after some) and remembers when. */
    async recordSignIn(id: string, at = nowSeconds()): Promise<void> {
      await db
        .update(users)
        .set({ lastSignInAt: at, signInCount: sql`${users.signInCount} + 1` })
        .where(and(inTenant, eq(users.id, id)));
    },

    /**
     * Checks a password against the user's credential. A hash of an older scheme or of
     * weaker parameters is replaced on success, compare-and-set so that a password
     * changed meanwhile is never overwritten.
     */
    async verifyPassword(id: string, password: string): Promise<{ valid: boolean; upgraded: boolean }> {
      const [credential] = await db
        .select({ hash: passwordCredentials.hash })
        .from(passwordCredentials)
        .where(and(eq(passwordCredentials.tenantId, tenantId), eq(passwordCredentials.userId, id)))
        .limit(1);
      if (!credential) {
        // An account without a password costs the same hashing as a wrong password.
        await verifyAgainstNothing(password);
        return { valid: false, upgraded: false };
      }
      const check = await verifyPassword(credential.hash, password);
      if (!check.valid || !check.upgradedHash) return { valid: check.valid, upgraded: false };
      const replaced = await db
        .update(passwordCredentials)
        .set({ hash: check.upgradedHash, updatedAt: nowSeconds() })
        .where(
          and(
            eq(passwordCredentials.tenantId, tenantId),
            eq(passwordCredentials.userId, id),
            eq(passwordCredentials.hash, credential.hash),
          ),
        )
        .returning({ userId: passwordCredentials.userId });
      return { valid: true, upgraded: replaced.length > 0 };
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;

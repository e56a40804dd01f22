// A user's passkeys, authenticator apps and recovery codes (docs/mfa/). Checks that must
// not race (a TOTP step used twice, a recovery code used twice) are single conditional
// UPDATEs: D1 runs each statement atomically, so two concurrent uses cannot both succeed.
import { and, asc, eq, isNotNull, isNull, lt, max, or, sql } from "drizzle-orm";
import { nowSeconds } from "../config";
import { atomicallyAll } from "../storage/batch";
import type { Database } from "../storage/database";
import { newId } from "../storage/ids";
import { passkeys, recoveryCodes, totpAuthenticators } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";

export type Passkey = typeof passkeys.$inferSelect;
export type PasskeyInput = Omit<Passkey, "tenantId" | "createdAt" | "lastUsedAt">;
export type TotpAuthenticator = typeof totpAuthenticators.$inferSelect;

/** What a user can present as a second factor: enough for the sign-in decision. */
export interface FactorSummary {
  passkeys: number;
  /** Confirmed authenticator apps. */
  totp: number;
  /** Unused recovery codes. */
  recoveryCodes: number;
}

export function hasStrongFactor(summary: FactorSummary): boolean {
  return summary.passkeys > 0 || summary.totp > 0;
}

/** Statements that remove every factor of a user (reset, account deletion). */
export function removeAllFactorStatements(db: Database, tenantId: string, userId: string) {
  return [
    db.delete(passkeys).where(and(eq(passkeys.tenantId, tenantId), eq(passkeys.userId, userId))),
    db
      .delete(totpAuthenticators)
      .where(and(eq(totpAuthenticators.tenantId, tenantId), eq(totpAuthenticators.userId, userId))),
    db.delete(recoveryCodes).where(and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.userId, userId))),
  ];
}

const changed = (result: unknown) => ((result as { meta?: { changes?: number } }).meta?.changes ?? 0) > 0;

export function factorsRepository(db: Database, tenantId: string) {
  const passkeyOf = (userId: string) => and(eq(passkeys.tenantId, tenantId), eq(passkeys.userId, userId));
  const totpOf = (userId: string) =>
    and(eq(totpAuthenticators.tenantId, tenantId), eq(totpAuthenticators.userId, userId));
  const codesOf = (userId: string) => and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.userId, userId));
  const withAudit = async (statements: Parameters<typeof atomicallyAll>[1], audit?: AuditEventInput) =>
    atomicallyAll(db, [...statements, ...auditStatements(db, tenantId, audit)]);

  return {
    /** Counts of each kind, in one query. */
    async summary(userId: string): Promise<FactorSummary> {
      const [row] = await db
        .select({
          passkeys: sql<number>`(select count(*) from ${passkeys} where ${passkeyOf(userId)})`,
          totp: sql<number>`(select count(*) from ${totpAuthenticators} where ${and(totpOf(userId), isNotNull(totpAuthenticators.confirmedAt))})`,
          recoveryCodes: sql<number>`(select count(*) from ${recoveryCodes} where ${and(codesOf(userId), isNull(recoveryCodes.usedAt))})`,
        })
        .from(sql`(select 1)`);
      return { passkeys: row?.passkeys ?? 0, totp: row?.totp ?? 0, recoveryCodes: row?.recoveryCodes ?? 0 };
    },

    async removeAll(userId: string, audit?: AuditEventInput): Promise<void> {
      await withAudit(removeAllFactorStatements(db, tenantId, userId), audit);
    },

    passkeys: {
      list(userId: string): Promise<Passkey[]> {
        return db.select().from(passkeys).where(passkeyOf(userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id));
      },
      /** By credential id, whoever owns it: usernameless sign-in learns the user from it. */
      async byCredentialId(id: string): Promise<Passkey | null> {
        const [row] = await db
          .select()
          .from(passkeys)
          .where(and(eq(passkeys.tenantId, tenantId), eq(passkeys.id, id)))
          .limit(1);
        return row ?? null;
      },
      async add(userId: string, input: Omit<PasskeyInput, "userId">, audit?: AuditEventInput): Promise<Passkey> {
        const row: Passkey = { ...input, userId, tenantId, createdAt: nowSeconds(), lastUsedAt: null };
        await withAudit([db.insert(passkeys).values(row)], audit);
        return row;
      },
      async rename(userId: string, id: string, name: string): Promise<boolean> {
        const result = await db
          .update(passkeys)
          .set({ name })
          .where(and(passkeyOf(userId), eq(passkeys.id, id)));
        return changed(result);
      },
      async remove(userId: string, id: string, audit?: AuditEventInput): Promise<boolean> {
        const [result] = await withAudit(
          [db.delete(passkeys).where(and(passkeyOf(userId), eq(passkeys.id, id)))],
          audit,
        );
        return changed(result);
      },
      /** After a verified assertion: the new counter and backup state, and when. */
      async recordUse(id: string, use: { signCount: number; backedUp: boolean }): Promise<void> {
        await db
          .update(passkeys)
          .set({ ...use, lastUsedAt: nowSeconds() })
          .where(and(eq(passkeys.tenantId, tenantId), eq(passkeys.id, id)));
      },
    },

    totp: {
      list(userId: string): Promise<TotpAuthenticator[]> {
        return db
          .select()
          .from(totpAuthenticators)
          .where(totpOf(userId))
          .orderBy(asc(totpAuthenticators.createdAt), asc(totpAuthenticators.id));
      },
      /** A new, unconfirmed authenticator app: it counts once `confirm` succeeds. */
      async add(userId: string, name: string, secretSealed: string): Promise<TotpAuthenticator> {
        const row: TotpAuthenticator = {
          id: newId("totp"),
          tenantId,
          userId,
          name,
          secretSealed,
          confirmedAt: null,
          lastUsedStep: null,
          createdAt: nowSeconds(),
          lastUsedAt: null,
        };
        await db.insert(totpAuthenticators).values(row);
        return row;
      },
      /**
       * Accepts time step `step` for this app once: false if it (or a later step) was
       * used already. Confirms an unconfirmed app on its first code.
       */
      async useStep(userId: string, id: string, step: number, audit?: AuditEventInput): Promise<boolean> {
        const now = nowSeconds();
        const [result] = await withAudit(
          [
            db
              .update(totpAuthenticators)
              .set({
                lastUsedStep: step,
                lastUsedAt: now,
                confirmedAt: sql`coalesce(${totpAuthenticators.confirmedAt}, ${now})`,
              })
              .where(
                and(
                  totpOf(userId),
                  eq(totpAuthenticators.id, id),
                  or(isNull(totpAuthenticators.lastUsedStep), lt(totpAuthenticators.lastUsedStep, step)),
                ),
              ),
          ],
          audit,
        );
        return changed(result);
      },
      async rename(userId: string, id: string, name: string): Promise<boolean> {
        const result = await db
          .update(totpAuthenticators)
          .set({ name })
          .where(and(totpOf(userId), eq(totpAuthenticators.id, id), isNotNull(totpAuthenticators.confirmedAt)));
        return changed(result);
      },
      async remove(userId: string, id: string, audit?: AuditEventInput): Promise<boolean> {
        const [result] = await withAudit(
          [db.delete(totpAuthenticators).where(and(totpOf(userId), eq(totpAuthenticators.id, id)))],
          audit,
        );
        return changed(result);
      },
      /** Unconfirmed apps older than `before` (abandoned enrollments). */
      async dropUnconfirmed(userId: string, before: number): Promise<void> {
        await db
          .delete(totpAuthenticators)
          .where(and(totpOf(userId), isNull(totpAuthenticators.confirmedAt), lt(totpAuthenticators.createdAt, before)));
      },
    },

    recoveryCodes: {
      /** Replaces the user's codes (all of them, used or not) with new hashes. */
      async replace(userId: string, hashes: readonly string[], audit?: AuditEventInput): Promise<void> {
        const createdAt = nowSeconds();
        await withAudit(
          [
            db.delete(recoveryCodes).where(codesOf(userId)),
            ...hashes.map((codeHash) =>
              db.insert(recoveryCodes).values({ tenantId, userId, codeHash, createdAt, usedAt: null }),
            ),
          ],
          audit,
        );
      },
      /** Marks the code with this hash used; false if there is none or it was used. */
      async use(userId: string, codeHash: string, audit?: AuditEventInput): Promise<boolean> {
        const [result] = await withAudit(
          [
            db
              .update(recoveryCodes)
              .set({ usedAt: nowSeconds() })
              .where(and(codesOf(userId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt))),
          ],
          audit,
        );
        return changed(result);
      },
      /** How many are left and when the set was made (all codes of a set share it); never the hashes. */
      async status(userId: string): Promise<{ remaining: number; generatedAt: number | null }> {
        const [row] = await db
          .select({
            remaining: sql<number>`count(*) filter (where ${isNull(recoveryCodes.usedAt)})`,
            generatedAt: max(recoveryCodes.createdAt),
          })
          .from(recoveryCodes)
          .where(codesOf(userId));
        return { remaining: row?.remaining ?? 0, generatedAt: row?.generatedAt ?? null };
      },
      async remaining(userId: string): Promise<number> {
        const [row] = await db
          .select({ n: sql<number>`count(*)` })
          .from(recoveryCodes)
          .where(and(codesOf(userId), isNull(recoveryCodes.usedAt)));
        return row?.n ?? 0;
      },
    },
  };
}

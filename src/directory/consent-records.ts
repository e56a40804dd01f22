// What each user agreed to, under which version of the tenant's terms, privacy policy or
// marketing statement, when and where: an append-only log (withdrawing adds a record).
// The current state of a purpose is its newest record.
import { and, asc, desc, eq } from "drizzle-orm";
import { nowSeconds } from "../config";
import { atomicallyAll } from "../storage/batch";
import type { Database } from "../storage/database";
import { newId } from "../storage/ids";
import { consentRecords, type ConsentPurpose } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";

export type ConsentRecord = typeof consentRecords.$inferSelect;
export type ConsentRecordInput = Pick<ConsentRecord, "purpose" | "policyVersion" | "granted" | "source">;

/** Insert statements for a user's consent records, to commit with other writes. */
export function consentRecordStatements(
  db: Database,
  tenantId: string,
  userId: string,
  entries: readonly ConsentRecordInput[],
  at = nowSeconds(),
) {
  return entries.map((entry) =>
    db.insert(consentRecords).values({ ...entry, id: newId("cns"), tenantId, userId, createdAt: at }),
  );
}

export function consentRecordsRepository(db: Database, tenantId: string) {
  const of = (userId: string) => and(eq(consentRecords.tenantId, tenantId), eq(consentRecords.userId, userId));
  return {
    /** Every record of the user, oldest first. */
    history(userId: string): Promise<ConsentRecord[]> {
      return db.select().from(consentRecords).where(of(userId)).orderBy(asc(consentRecords.id));
    },

    /** Every record of the user, newest first (ids break ties within a second). */
    newestFirst(userId: string): Promise<ConsentRecord[]> {
      return db
        .select()
        .from(consentRecords)
        .where(of(userId))
        .orderBy(desc(consentRecords.createdAt), desc(consentRecords.id));
    },

    /** The newest record of each purpose the user has one for. */
    async current(userId: string): Promise<Partial<Record<ConsentPurpose, ConsentRecord>>> {
      const rows = await db.select().from(consentRecords).where(of(userId)).orderBy(desc(consentRecords.id));
      const latest: Partial<Record<ConsentPurpose, ConsentRecord>> = {};
      for (const row of rows) latest[row.purpose] ??= row;
      return latest;
    },

    async record(userId: string, entries: readonly ConsentRecordInput[], audit?: AuditEventInput): Promise<void> {
      await atomicallyAll(db, [
        ...consentRecordStatements(db, tenantId, userId, entries),
        ...auditStatements(db, tenantId, audit && { ...audit, userId }),
      ]);
    },
  };
}

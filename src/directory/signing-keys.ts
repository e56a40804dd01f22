// Signing keys of one tenant (private parts encrypted). Only the KeyRing Durable Object
// writes here, applying a whole rotation plan as one transaction.
import { and, asc, eq } from "drizzle-orm";
import { atomicallyAll } from "../storage/batch";
import type { Database } from "../storage/database";
import { signingKeys } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";

export type SigningKeyRecord = typeof signingKeys.$inferSelect;

export interface SigningKeyChanges {
  insert: SigningKeyRecord[];
  update: (Pick<SigningKeyRecord, "kid" | "status"> &
    Partial<Pick<SigningKeyRecord, "activatedAt" | "retiredAt" | "expiresAt">>)[];
  remove: string[];
}

export function signingKeysRepository(db: Database, tenantId: string) {
  const inTenant = eq(signingKeys.tenantId, tenantId);
  return {
    all(): Promise<SigningKeyRecord[]> {
      return db.select().from(signingKeys).where(inTenant).orderBy(asc(signingKeys.createdAt));
    },

    async apply(changes: SigningKeyChanges, audit?: AuditEventInput): Promise<void> {
      const statements = [
        ...changes.remove.map((kid) => db.delete(signingKeys).where(and(inTenant, eq(signingKeys.kid, kid)))),
        ...changes.update.map(({ kid, ...fields }) =>
          db
            .update(signingKeys)
            .set(fields)
            .where(and(inTenant, eq(signingKeys.kid, kid))),
        ),
        ...changes.insert.map((record) => db.insert(signingKeys).values({ ...record, tenantId })),
        ...auditStatements(db, tenantId, audit),
      ];
      await atomicallyAll(db, statements);
    },
  };
}

export type SigningKeysRepository = ReturnType<typeof signingKeysRepository>;

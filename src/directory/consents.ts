// What users allowed third-party clients to do: one row per user, client and scope.
import { and, asc, eq } from "drizzle-orm";
import { nowSeconds } from "../config";
import { atomically, atomicallyAll, chunked } from "../storage/batch";
import type { Database } from "../storage/database";
import { consents } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";

export interface ClientConsent {
  clientId: string;
  scopes: string[];
  grantedAt: number;
}

export function consentsRepository(db: Database, tenantId: string) {
  const of = (userId: string) => and(eq(consents.tenantId, tenantId), eq(consents.userId, userId));
  return {
    async grantedScopes(userId: string, clientId: string): Promise<Set<string>> {
      const rows = await db
        .select({ scope: consents.scope })
        .from(consents)
        .where(and(of(userId), eq(consents.clientId, clientId)));
      return new Set(rows.map((r) => r.scope));
    },

    /** Adds scopes to what the user granted the client (those granted before stay). */
    async grant(userId: string, clientId: string, scopes: string[], audit?: AuditEventInput): Promise<void> {
      if (scopes.length === 0) return;
      const now = nowSeconds();
      // Five parameters a row: 18 rows per statement stays under D1's 100.
      await atomicallyAll(db, [
        ...chunked([...new Set(scopes)], 18).map((some) =>
          db
            .insert(consents)
            .values(some.map((scope) => ({ tenantId, userId, clientId, scope, grantedAt: now })))
            .onConflictDoNothing(),
        ),
        ...auditStatements(db, tenantId, audit && { ...audit, userId, clientId }),
      ]);
    },

    async listForUser(userId: string): Promise<ClientConsent[]> {
      const rows = await db
        .select()
        .from(consents)
        .where(of(userId))
        .orderBy(asc(consents.clientId), asc(consents.scope));
      const byClient = new Map<string, ClientConsent>();
      for (const row of rows) {
        const entry = byClient.get(row.clientId) ?? { clientId: row.clientId, scopes: [], grantedAt: row.grantedAt };
        entry.scopes.push(row.scope);
        entry.grantedAt = Math.min(entry.grantedAt, row.grantedAt);
        byClient.set(row.clientId, entry);
      }
      return [...byClient.values()];
    },

    /** Withdraws everything the user granted the client. */
    async revoke(userId: string, clientId: string, audit?: AuditEventInput): Promise<boolean> {
      const [deleted] = await atomically(db, [
        db
          .delete(consents)
          .where(and(of(userId), eq(consents.clientId, clientId)))
          .returning({ scope: consents.scope }),
        ...auditStatements(db, tenantId, audit && { ...audit, userId, clientId }),
      ]);
      return deleted.length > 0;
    },
  };
}

export type ConsentsRepository = ReturnType<typeof consentsRepository>;

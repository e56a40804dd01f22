// What the management API shows of a user's recovery codes: how many are left and when
// the set was generated (all codes of a set share their creation time). Never the hashes.
import { and, eq, isNull, max, sql } from "drizzle-orm";
import type { Database } from "../storage/database";
import { recoveryCodes } from "../storage/schema";

export interface RecoveryCodeStatus {
  remaining: number;
  /** Null when the user never generated codes (or an admin reset them). */
  generatedAt: number | null;
}

export function factorOverviewRepository(db: Database, tenantId: string) {
  return {
    async recoveryCodes(userId: string): Promise<RecoveryCodeStatus> {
      const [row] = await db
        .select({
          remaining: sql<number>`count(*) filter (where ${isNull(recoveryCodes.usedAt)})`,
          generatedAt: max(recoveryCodes.createdAt),
        })
        .from(recoveryCodes)
        .where(and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.userId, userId)));
      return { remaining: row?.remaining ?? 0, generatedAt: row?.generatedAt ?? null };
    },
  };
}

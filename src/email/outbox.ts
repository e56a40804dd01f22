// The development outbox: emails kept in D1 instead of sent, listed at /dev/outbox and
// read by tests. Only used when EMAIL_PROVIDER=outbox on a local PUBLIC_BASE_URL.
import { and, desc, eq, sql } from "drizzle-orm";
import { nowSeconds } from "../config";
import type { Env } from "../env";
import { newRequestStats, openDatabase } from "../storage/database";
import { newId } from "../storage/ids";
import { devOutbox } from "../storage/schema";
import type { EmailMessage } from "./message";

export type OutboxEmail = typeof devOutbox.$inferSelect;

export async function recordInOutbox(env: Env, tenantId: string, message: EmailMessage): Promise<void> {
  await openDatabase(env.DB, newRequestStats())
    .insert(devOutbox)
    .values({
      id: newId("msg"),
      tenantId,
      recipient: message.to.toLowerCase(),
      subject: message.subject,
      textBody: message.text,
      htmlBody: message.html,
      createdAt: nowSeconds(),
    });
}

/**
 * The newest emails first, all tenants or one, optionally to one address (any case).
 * Ordered by insertion (rowid): ids sort by millisecond only, and tests read the last
 * email of a flow that may send two within one.
 */
export async function readOutbox(
  env: Env,
  options: { to?: string; tenantId?: string; limit?: number } = {},
): Promise<OutboxEmail[]> {
  const db = openDatabase(env.DB, newRequestStats());
  return db
    .select()
    .from(devOutbox)
    .where(
      and(
        options.tenantId ? eq(devOutbox.tenantId, options.tenantId) : undefined,
        options.to ? eq(devOutbox.recipient, options.to.toLowerCase()) : undefined,
      ),
    )
    .orderBy(desc(sql`rowid`))
    .limit(options.limit ?? 50);
}

// The development outbox: emails kept in D1 instead of sent, listed at /dev/outbox and
// read by tests. Only used when EMAIL_PROVIDER=outbox on a local PUBLIC_BASE_URL.
import { desc, eq } from "drizzle-orm";
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

/** The newest emails first, all tenants, optionally to one address (any case). */
export async function readOutbox(env: Env, options: { to?: string; limit?: number } = {}): Promise<OutboxEmail[]> {
  const db = openDatabase(env.DB, newRequestStats());
  const rows = await db
    .select()
    .from(devOutbox)
    .where(options.to ? eq(devOutbox.recipient, options.to.toLowerCase()) : undefined)
    .orderBy(desc(devOutbox.id))
    .limit(options.limit ?? 50);
  return rows;
}

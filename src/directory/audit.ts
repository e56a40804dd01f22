// The audit trail of one tenant: who did what, when, from where. Details never carry
// secrets or passwords; callers pass only ids, names and outcomes.
import { and, asc, eq, gt, gte, lte } from "drizzle-orm";
import { nowSeconds } from "../config";
import type { Database } from "../storage/database";
import { newId } from "../storage/ids";
import { auditEvents } from "../storage/schema";
import { recordAfterResponse } from "./audit-writer";

export type AuditEvent = typeof auditEvents.$inferSelect;

export interface AuditEventInput {
  type: string;
  actorType: AuditEvent["actorType"];
  actorId?: string | null;
  userId?: string | null;
  clientId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  limit: number;
  after?: string;
  type?: string;
  userId?: string;
  clientId?: string;
  since?: number;
  until?: number;
}

/** The insert as a query, so a change and its audit record commit in one batch. */
export function auditInsert(db: Database, tenantId: string, event: AuditEventInput) {
  return db.insert(auditEvents).values({
    id: newId("evt"),
    tenantId,
    type: event.type,
    actorType: event.actorType,
    actorId: event.actorId ?? null,
    userId: event.userId ?? null,
    clientId: event.clientId ?? null,
    ip: event.ip ?? null,
    userAgent: event.userAgent?.slice(0, 512) ?? null,
    details: event.details ?? {},
    createdAt: nowSeconds(),
  });
}

/** The audit statements to add to a batch: none when there is nothing to record. */
export function auditStatements(db: Database, tenantId: string, event: AuditEventInput | undefined) {
  return event ? [auditInsert(db, tenantId, event)] : [];
}

export function auditRepository(db: Database, d1: D1Database, tenantId: string) {
  return {
    async record(event: AuditEventInput): Promise<void> {
      await auditInsert(db, tenantId, event);
    },

    /**
     * For records written after the response (pass the promise to waitUntil): coalesced
     * with other requests' records into one D1 statement.
     */
    recordAfterResponse(event: AuditEventInput): Promise<void> {
      return recordAfterResponse(d1, tenantId, event);
    },

    list(query: AuditQuery): Promise<AuditEvent[]> {
      return db
        .select()
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.tenantId, tenantId),
            query.after ? gt(auditEvents.id, query.after) : undefined,
            query.type ? eq(auditEvents.type, query.type) : undefined,
            query.userId ? eq(auditEvents.userId, query.userId) : undefined,
            query.clientId ? eq(auditEvents.clientId, query.clientId) : undefined,
            query.since !== undefined ? gte(auditEvents.createdAt, query.since) : undefined,
            query.until !== undefined ? lte(auditEvents.createdAt, query.until) : undefined,
          ),
        )
        .orderBy(asc(auditEvents.id))
        .limit(query.limit);
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;

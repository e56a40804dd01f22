// Audit records written after the response (token issued, client authentication failed,
// ...), coalesced per isolate: the records of requests that finish within a few
// milliseconds of each other reach D1 as one statement. A D1 database runs its statements
// one at a time, so one insert per token would bound token issuance for every tenant on it.
// Each request's waitUntil awaits the write that holds its record, so nothing is dropped
// when the isolate goes idle, and a failed write is logged like any after-response write.
import { nowSeconds } from "../config";
import { newId } from "../storage/ids";
import type { AuditEventInput } from "./audit";

/** How long the first record of a batch waits for others: short enough to read back at once. */
const FLUSH_DELAY_MS = 20;
/** A busier isolate writes sooner rather than build one huge statement. */
const MAX_BATCH = 200;

// Rows as arrays in column order; the statement unpacks them from one JSON parameter, so a
// batch is one bound value whatever its size (D1 allows 100 per statement).
const INSERT_ROWS = `INSERT INTO audit_events
  (id, tenant_id, type, actor_type, actor_id, user_id, client_id, ip, user_agent, details, created_at)
  SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8,
         value->>9, value->>10
  FROM json_each(?1)`;

type Row = (string | number | null)[];

interface PendingBatch {
  rows: Row[];
  written: Promise<void>;
}

const pendingByDatabase = new WeakMap<D1Database, PendingBatch>();

function toRow(tenantId: string, event: AuditEventInput): Row {
  return [
    newId("evt"),
    tenantId,
    event.type,
    event.actorType,
    event.actorId ?? null,
    event.userId ?? null,
    event.clientId ?? null,
    event.ip ?? null,
    event.userAgent?.slice(0, 512) ?? null,
    JSON.stringify(event.details ?? {}),
    nowSeconds(),
  ];
}

async function write(d1: D1Database, rows: Row[]): Promise<void> {
  try {
    await d1.prepare(INSERT_ROWS).bind(JSON.stringify(rows)).run();
  } catch (error) {
    // Types and ids only: details may name users, and never hold secrets, but stay out of logs.
    const types = [...new Set(rows.map((row) => row[2]))].join(", ");
    console.error(`audit write of ${rows.length} records (${types}) failed: ${(error as Error).message}`);
  }
}

/** Queues one record; the promise settles once it is in D1 (or its write failed and was logged). */
export function recordAfterResponse(d1: D1Database, tenantId: string, event: AuditEventInput): Promise<void> {
  let batch = pendingByDatabase.get(d1);
  if (!batch) {
    const rows: Row[] = [];
    const written = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_DELAY_MS)).then(() => {
      if (pendingByDatabase.get(d1)?.rows === rows) pendingByDatabase.delete(d1);
      return write(d1, rows);
    });
    batch = { rows, written };
    pendingByDatabase.set(d1, batch);
  }
  batch.rows.push(toRow(tenantId, event));
  // Later records start a new batch; this one still goes out when its timer fires.
  if (batch.rows.length >= MAX_BATCH) pendingByDatabase.delete(d1);
  return batch.written;
}

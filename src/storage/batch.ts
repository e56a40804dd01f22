// D1 runs a batch as one transaction: the way every multi-step write here stays atomic.
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Database } from "./database";

export async function atomically<T extends [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]>(
  db: Database,
  statements: T,
): Promise<BatchResponse<T>> {
  return db.batch(statements);
}

/** For statement lists assembled at run time; results in the order given. */
export async function atomicallyAll(db: Database, statements: BatchItem<"sqlite">[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (!first) return [];
  return db.batch([first, ...rest]);
}

/** D1 binds at most 100 parameters per statement; lists bound one per value are split below it. */
export const D1_MAX_BOUND_PARAMETERS = 100;

export function chunked<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Room for values in one IN list, leaving space for a statement's other parameters. */
export const IN_LIST_CHUNK = D1_MAX_BOUND_PARAMETERS - 10;

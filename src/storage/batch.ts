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

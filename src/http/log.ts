// Error logging that never writes secrets: drizzle puts a failed query's bound parameters
// (password hashes, emails, secret hashes) into its error message, so we log the SQL and
// the database's own message, never the parameters or request bodies.
import { DrizzleQueryError } from "drizzle-orm/errors";

export function describeError(error: unknown): string {
  if (error instanceof DrizzleQueryError) {
    const cause = error.cause instanceof Error ? error.cause.message : "unknown cause";
    return `database query failed: ${cause} (query: ${error.query})`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return "non-error value thrown";
}

export function logFailure(context: string, error: unknown): void {
  console.error(
    `${context}: ${describeError(error)}`,
    error instanceof Error && !(error instanceof DrizzleQueryError) ? error.stack : "",
  );
}

// Schemas shared by every management resource: path parameters, pagination, timestamps.
import { z } from "zod";
import { SLUG_PATTERN } from "../../config";
import { MAX_SIGNED_TOKEN_TTL } from "../../keys/policy";
import { isAbsoluteUriWithoutFragment } from "../../oidc/resources";

export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, "must be 3 to 63 lowercase letters, digits or hyphens")
  .describe("Tenant slug: lowercase letters, digits and hyphens, 3 to 63 characters");

export const tenantParams = z.object({ tenant: z.string() });

export const timestamp = z.iso.datetime().describe("RFC 3339 date-time (UTC)");
export const nullableTimestamp = timestamp.nullable();

export const tokenTtlSchema = z
  .number()
  .int("must be a whole number of seconds")
  .min(60, "must be at least 60 seconds")
  .max(MAX_SIGNED_TOKEN_TTL, `must be at most ${MAX_SIGNED_TOKEN_TTL} seconds (24 hours)`);

export const absoluteUriSchema = z
  .string()
  .max(512)
  .refine(isAbsoluteUriWithoutFragment, "must be an absolute URI without a fragment");

const CURSOR_PREFIX = "c1:";

export function encodeCursor(lastKey: string): string {
  return btoa(`${CURSOR_PREFIX}${lastKey}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): string | null {
  try {
    const decoded = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    return decoded.startsWith(CURSOR_PREFIX) && decoded.length > CURSOR_PREFIX.length
      ? decoded.slice(CURSOR_PREFIX.length)
      : null;
  } catch {
    return null;
  }
}

export const paginationQuery = z.object({
  limit: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .default(50)
    .describe("Page size, 1 to 100"),
  cursor: z
    .string()
    .refine((c) => decodeCursor(c) !== null, "is not a cursor this API returned")
    .transform((c) => decodeCursor(c)!)
    .optional()
    .describe("The next_cursor of the previous page"),
});

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  });
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says there is more. */
export function page<Row, Item>(rows: Row[], limit: number, keyOf: (row: Row) => string, present: (row: Row) => Item) {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    data: shown.map(present),
    next_cursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}

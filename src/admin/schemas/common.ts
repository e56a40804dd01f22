// Schemas shared by every management resource: path parameters, pagination, timestamps.
import { SLUG_PATTERN } from "../../config";
import { MAX_SIGNED_TOKEN_TTL } from "../../keys/policy";
import { isAbsoluteUriWithoutFragment } from "../../oidc/resources";
import * as z from "zod/mini";

export const slugSchema = z
  .string()
  .check(
    z.regex(SLUG_PATTERN, "must be 3 to 63 lowercase letters, digits or hyphens"),
    z.describe("Tenant slug: lowercase letters, digits and hyphens, 3 to 63 characters"),
  );

export const tenantParams = z.object({ tenant: z.string() });

export const timestamp = z.iso.datetime().check(z.describe("RFC 3339 date-time (UTC)"));
export const nullableTimestamp = z.nullable(timestamp);

/** A required, trimmed, non-empty string of at most `max` characters. */
export const text = (max: number) =>
  z
    .string()
    .check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(max, `must be at most ${max} characters`));

export const described = <T extends z.ZodMiniType>(schema: T, description: string): T =>
  schema.check(z.describe(description)) as T;

export const tokenTtlSchema = z
  .int("must be a whole number of seconds")
  .check(
    z.minimum(60, "must be at least 60 seconds"),
    z.maximum(MAX_SIGNED_TOKEN_TTL, `must be at most ${MAX_SIGNED_TOKEN_TTL} seconds (24 hours)`),
  );

export const absoluteUriSchema = z
  .string()
  .check(z.maxLength(512), z.refine(isAbsoluteUriWithoutFragment, "must be an absolute URI without a fragment"));

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

export const paginationShape = {
  limit: z._default(
    z.coerce
      .number("must be a number")
      .check(
        z.refine(Number.isInteger, "must be a whole number"),
        z.minimum(1, "must be at least 1"),
        z.maximum(100, "must be at most 100"),
        z.describe("Page size, 1 to 100"),
      ),
    50,
  ),
  cursor: z.optional(
    z.pipe(
      z.string().check(
        z.refine((c) => decodeCursor(c) !== null, "is not a cursor this API returned"),
        z.describe("The next_cursor of the previous page"),
      ),
      z.transform((c) => decodeCursor(c)!),
    ),
  ),
};

export const paginationQuery = z.object(paginationShape);

export function listOf<T extends z.ZodMiniType>(item: T) {
  return z.object({
    data: z.array(item),
    next_cursor: described(z.nullable(z.string()), "Pass as `cursor` for the next page; null on the last page"),
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

/** An https URL (pages, logos and policies customers open: never plain http). */
export const httpsUrlSchema = z
  .url({ protocol: /^https$/, error: "must be an https URL" })
  .check(z.maxLength(2048, "must be at most 2048 characters"));

/** A short version label, e.g. "2026-01" or "v3". */
export const versionSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, "must not be empty"),
    z.maxLength(64, "must be at most 64 characters"),
    z.regex(/^[\p{L}\p{N}._:\-+ ]+$/u, "may use letters, digits, spaces and . _ : - +"),
  );

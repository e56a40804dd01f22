// Opaque credentials (authorization codes, refresh tokens, session cookies) name the
// records they stand for, so checking one costs a single lookup in the right Durable
// Object: `<kind>.<user id>.<record id>.<secret>`. Only a hash of the secret is stored.
import { randomToken, sha256Base64url } from "../crypto/encoding";

const PREFIXES = { code: "lkc", refresh: "lkr", session: "lks" } as const;
export type OpaqueKind = keyof typeof PREFIXES;

export interface OpaqueParts {
  userId: string;
  recordId: string;
  secret: string;
}

const SHAPE = /^([a-z]{3})\.(usr_[0-9A-Z]{26})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export function newRecordId(): string {
  return randomToken(16);
}

export function newSecret(): string {
  return randomToken(32);
}

export function formatOpaque(kind: OpaqueKind, parts: OpaqueParts): string {
  return `${PREFIXES[kind]}.${parts.userId}.${parts.recordId}.${parts.secret}`;
}

/** The parts of a well-formed credential of `kind`, or null for anything else. */
export function parseOpaque(kind: OpaqueKind, value: string | undefined): OpaqueParts | null {
  const match = value ? SHAPE.exec(value) : null;
  if (!match || match[1] !== PREFIXES[kind]) return null;
  return { userId: match[2]!, recordId: match[3]!, secret: match[4]! };
}

export function hashSecret(secret: string): Promise<string> {
  return sha256Base64url(secret);
}

// Byte helpers the Web Crypto API leaves to us.
import { base64url } from "jose";

export const utf8 = new TextEncoder();

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A random string of `bytes` bytes of entropy, base64url encoded. */
export function randomToken(bytes = 32): string {
  return base64url.encode(randomBytes(bytes));
}

export async function sha256(data: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof data === "string" ? utf8.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function sha256Base64url(data: string | Uint8Array): Promise<string> {
  return base64url.encode(await sha256(data));
}

/**
 * Compares two byte strings in time that depends only on their lengths.
 * Callers compare digests of equal length, so the length check leaks nothing.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let difference = 0;
  for (let i = 0; i < a.byteLength; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

export { base64url };

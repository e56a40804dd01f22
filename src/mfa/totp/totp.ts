// Authenticator app codes (RFC 6238 TOTP over RFC 4226 HOTP): HMAC-SHA1, 6 digits, 30-second
// steps, the way every authenticator app computes them. Secrets are 20 random bytes, shown
// to the user in base32 (RFC 4648, no padding) and inside an otpauth:// URI.
import { timingSafeEqual, utf8 } from "../../crypto/encoding";

export const TOTP_DIGITS = 6;
export const TOTP_PERIOD = 30;
export const TOTP_SECRET_BYTES = 20;
/** Steps accepted either side of the current one (clock skew). */
export const TOTP_SKEW_STEPS = 1;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case, spaces and padding ignored); null if it is not base32. */
export function base32Decode(text: string): Uint8Array | null {
  const clean = text.toUpperCase().replace(/[\s=]/g, "");
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32.indexOf(char);
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

export function newTotpSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(TOTP_SECRET_BYTES));
}

/** The secret as a person types it: base32 in groups of four. */
export function groupedSecret(secret: Uint8Array): string {
  return base32Encode(secret)
    .match(/.{1,4}/g)!
    .join(" ");
}

/** The time step of `seconds` (Unix time). */
export function totpStep(seconds: number): number {
  return Math.floor(seconds / TOTP_PERIOD);
}

/** The HOTP value of `counter` (RFC 4226 5.3), as 6 digits. */
export async function hotp(secret: Uint8Array, counter: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 2 ** 32));
  message.setUint32(4, counter >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message.buffer));
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, "0");
}

export const TOTP_CODE = /^[0-9]{6}$/;

/** What a typed code looks like once spaces are gone (apps show "123 456"). */
export function cleanTotpCode(typed: string): string {
  return typed.replace(/[\s-]/g, "").slice(0, 16);
}

/**
 * The step whose code `code` is, among the current step and one either side, or null.
 * Every candidate is computed and compared in constant time, so the answer takes the
 * same time whichever step (if any) matched.
 */
export async function matchingStep(secret: Uint8Array, code: string, nowSeconds: number): Promise<number | null> {
  const presented = utf8.encode(TOTP_CODE.test(code) ? code : "------");
  const current = totpStep(nowSeconds);
  let found: number | null = null;
  for (let delta = -TOTP_SKEW_STEPS; delta <= TOTP_SKEW_STEPS; delta++) {
    const step = current + delta;
    const expected = utf8.encode(await hotp(secret, step));
    // The latest matching step wins: a code valid for two steps cannot occur twice in a window anyway.
    if (timingSafeEqual(expected, presented)) found = step;
  }
  return TOTP_CODE.test(code) ? found : null;
}

/** The otpauth:// URI an authenticator app reads from the QR code (Key Uri Format). */
export function otpauthUri(issuer: string, account: string, secret: Uint8Array): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret: base32Encode(secret),
    issuer,
    algorithm: "SHA1",
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, "%20")}`;
}

// CSRF protection for hosted pages outside an interaction (password reset, account
// page): double submit. A random token lives in an HttpOnly cookie and is repeated in
// every form; a POST whose field does not match the cookie is refused. Other sites can
// neither read the cookie nor, with SameSite=Lax and the Origin check, send it along.
import type { Context } from "hono";
import { randomToken, timingSafeEqual, utf8 } from "../crypto/encoding";
import type { AppEnv } from "../env";
import { csrfCookie, readCookie, writeCookie } from "../sessions/cookies";

const CSRF_COOKIE_TTL = 24 * 3600;

/** The browser's CSRF token, set now if it has none. */
export function csrfToken(c: Context<AppEnv>): string {
  const spec = csrfCookie(c.env);
  const existing = readCookie(c, spec);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomToken(32);
  writeCookie(c, spec, token, CSRF_COOKIE_TTL);
  return token;
}

export function csrfValid(c: Context<AppEnv>, presented: string | undefined): boolean {
  const expected = readCookie(c, csrfCookie(c.env));
  if (!expected || typeof presented !== "string") return false;
  return timingSafeEqual(utf8.encode(presented), utf8.encode(expected));
}

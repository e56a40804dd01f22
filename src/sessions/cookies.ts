// Cookie names and attributes. Over https every cookie is Secure and prefixed: the SSO
// session cookie is `__Host-` (host-only, Path=/); the per-interaction binding cookie is
// `__Secure-` with a path of its own interaction. On http (local development only)
// browsers refuse those prefixes, so plain names are used.
import type { AppEnv } from "../env";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { publicBaseUrl } from "../config";
import type { Env } from "../env";

function secure(env: Env): boolean {
  return publicBaseUrl(env).startsWith("https://");
}

export interface CookieSpec {
  name: string;
  path: string;
}

export function sessionCookie(env: Env, slug: string): CookieSpec {
  return { name: `${secure(env) ? "__Host-" : ""}lk-session-${slug}`, path: "/" };
}

export function interactionCookie(env: Env, slug: string, interactionId: string): CookieSpec {
  return { name: `${secure(env) ? "__Secure-" : ""}lk-interaction`, path: `/t/${slug}/interaction/${interactionId}` };
}

export function deviceCookie(env: Env): CookieSpec {
  return { name: `${secure(env) ? "__Host-" : ""}lk-device`, path: "/" };
}

/** The double-submit CSRF token of pages outside an interaction (src/http/csrf.ts). */
export function csrfCookie(env: Env): CookieSpec {
  return { name: `${secure(env) ? "__Host-" : ""}lk-csrf`, path: "/" };
}

export function readCookie(c: Context<AppEnv>, spec: CookieSpec): string | undefined {
  return getCookie(c, spec.name);
}

export function writeCookie(c: Context<AppEnv>, spec: CookieSpec, value: string, maxAgeSeconds: number): void {
  setCookie(c, spec.name, value, {
    path: spec.path,
    httpOnly: true,
    secure: secure(c.env),
    sameSite: "Lax",
    maxAge: maxAgeSeconds,
  });
}

export function clearCookie(c: Context<AppEnv>, spec: CookieSpec): void {
  deleteCookie(c, spec.name, { path: spec.path, secure: secure(c.env), httpOnly: true, sameSite: "Lax" });
}

// Derived configuration: issuer URLs and the fixed names the design decides.
import type { Env } from "./env";

export const SYSTEM_TENANT_SLUG = "system";
/** Created by migrations/0001_system_tenant.sql. */
export const SYSTEM_TENANT_ID = "ten_system";
/** Lowercase letters, digits and hyphens, 3 to 63 characters (DESIGN.md). */
export const SLUG_PATTERN = /^[a-z0-9-]{3,63}$/;

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

/**
 * PUBLIC_BASE_URL as an origin ("https://id.example.com"). Routes live at the root of the
 * worker's host, so a path prefix would give issuers nobody serves: it is refused.
 */
export function publicBaseUrl(env: Env): string {
  const raw = env.PUBLIC_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError("PUBLIC_BASE_URL is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ConfigurationError("PUBLIC_BASE_URL must be an http or https URL");
  if (url.pathname !== "/" || url.search || url.hash)
    throw new ConfigurationError("PUBLIC_BASE_URL must be an origin, without a path, query or fragment");
  return url.origin;
}

export function issuerFor(env: Env, slug: string): string {
  return `${publicBaseUrl(env)}/t/${slug}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function toRfc3339(seconds: number | null | undefined): string | null {
  return seconds === null || seconds === undefined ? null : new Date(seconds * 1000).toISOString();
}

// Reading a hosted page's form POST: urlencoded, small, and sent from our own pages (a
// cross-site POST is refused outright, whatever its CSRF token says).
import type { Context } from "hono";
import { publicBaseUrl } from "../config";
import type { AppEnv } from "../env";
import { readAtMost } from "../oidc/token/parameters";

/** Hosted forms hold a few fields; nothing legitimate comes near this. */
export const MAX_FORM_BYTES = 16 * 1024;

export type FormRead =
  { ok: true; form: Record<string, string> } | { ok: false; reason: "cross_site" | "too_large" | "not_a_form" };

export function isCrossSite(c: Context<AppEnv>): boolean {
  const origin = c.req.header("Origin");
  if (origin && origin !== "null" && origin !== new URL(publicBaseUrl(c.env)).origin) return true;
  return c.req.header("Sec-Fetch-Site") === "cross-site";
}

export async function readHostedForm(c: Context<AppEnv>, maxBytes = MAX_FORM_BYTES): Promise<FormRead> {
  if (isCrossSite(c)) return { ok: false, reason: "cross_site" };
  if (!(c.req.header("Content-Type") ?? "").startsWith("application/x-www-form-urlencoded"))
    return { ok: false, reason: "not_a_form" };
  const bytes = await readAtMost(c.req.raw, maxBytes);
  if (!bytes) return { ok: false, reason: "too_large" };
  // A repeated field keeps its first value: no field of ours is a list.
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(new TextDecoder().decode(bytes)))
    if (!Object.hasOwn(form, name)) form[name] = value;
  return { ok: true, form };
}

// The guard of a standalone hosted page's POST (the account page, password reset, an
// emailed verification link): a small urlencoded form from our own site, carrying the
// browser's double-submit CSRF token (./csrf.ts). Anything else gets the error page
// that says why. Pages inside an interaction use withInteraction instead.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { errorPage } from "../ui/render";
import { csrfValid } from "./csrf";
import { readHostedForm } from "./forms";

/** The form's fields, or the error page for a form that is not ours. */
export async function readStandaloneForm(c: Context<AppEnv>): Promise<Record<string, string> | Response> {
  const read = await readHostedForm(c);
  if (!read.ok) {
    if (read.reason === "cross_site") return errorPage(c, 403, "common.refusedTitle", "common.crossSite");
    if (read.reason === "too_large") return errorPage(c, 413, "common.refusedTitle", "common.formTooLarge");
    return errorPage(c, 400, "common.refusedTitle", "common.formExpired");
  }
  if (!csrfValid(c, read.form.csrf)) return errorPage(c, 403, "common.refusedTitle", "common.formExpired");
  return read.form;
}

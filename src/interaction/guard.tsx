/** @jsxImportSource hono/jsx */
// What every interaction page checks before it acts: the interaction exists and this
// browser started it; a POST comes from our own page, is a small form, and carries the
// interaction's CSRF token. Journeys (sign-up, email code, ...) use the same guard.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { readHostedForm } from "../http/forms";
import { pageContext, type PageContext } from "../ui/page";
import { formActionSource } from "../ui/headers";
import { errorPage } from "../ui/render";
import { csrfMatches, loadInteraction, type Interaction } from "./state";

export function interactionExpired(c: Context<AppEnv>, page?: PageContext): Promise<Response> {
  return errorPage(c, 400, "common.expiredTitle", "common.expiredSignIn", undefined, page);
}

/** The page context of an interaction: its app's ui_locales, then the browser. */
export function interactionPage(c: Context<AppEnv>, interaction: Interaction): Promise<PageContext> {
  return pageContext(c, interaction.request.uiLocales);
}

export async function withInteraction(
  c: Context<AppEnv>,
  handle: (interaction: Interaction, form: Record<string, string>) => Promise<Response>,
): Promise<Response> {
  const interaction = await loadInteraction(c, c.var.tenant, c.req.param("id") ?? "");
  if (!interaction) return interactionExpired(c);
  // Its forms end, through redirects, at the app: the page's form-action must allow it.
  const target = formActionSource(interaction.request.redirectUri);
  if (target) c.set("formActionTarget", target);
  if (c.req.method !== "POST") return handle(interaction, {});
  const read = await readHostedForm(c);
  if (!read.ok) {
    if (read.reason === "cross_site") return errorPage(c, 403, "common.refusedTitle", "common.crossSite");
    if (read.reason === "too_large") return errorPage(c, 413, "common.refusedTitle", "common.formTooLarge");
    return interactionExpired(c);
  }
  if (!csrfMatches(interaction, read.form.csrf)) return errorPage(c, 403, "common.refusedTitle", "common.formExpired");
  return handle(interaction, read.form);
}

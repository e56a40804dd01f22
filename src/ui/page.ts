// What every hosted page is built from: the language chosen for this request, the
// tenant's texts in it, and the tenant's branding (name, logo, stylesheet, links), read
// from the cache in one go.
import type { Context } from "hono";
import { brandingStylesheetPath } from "../branding";
import { openDirectory, type Tenant } from "../directory";
import type { AppEnv } from "../env";
import { negotiateLocale, translator, type Locale, type Translator } from "../i18n";

export interface PageContext {
  locale: Locale;
  t: Translator["t"];
  tenantName: string;
  logoUri: string | null;
  /** The tenant's stylesheet (colors, background, custom CSS), when it has branding. */
  stylesheet: string | null;
  links: { terms: string | null; privacy: string | null; support: string | null };
}

/**
 * The page context of this request. `uiLocales` is the app's ui_locales where a page
 * belongs to an authorization request; otherwise the browser's languages decide.
 */
export async function pageContext(
  c: Context<AppEnv>,
  uiLocales?: string | readonly string[] | null,
): Promise<PageContext> {
  const tenant = c.get("tenant") as Tenant | undefined;
  const acceptLanguage = c.req.header("Accept-Language");
  if (!tenant) {
    // Errors met before the tenant is known: plain pages, the browser's language.
    const locale = negotiateLocale(uiLocales, acceptLanguage, "en");
    return {
      locale,
      t: translator(locale).t,
      tenantName: "Latchkey",
      logoUri: null,
      stylesheet: null,
      links: { terms: null, privacy: null, support: null },
    };
  }
  const appearance = await openDirectory(c.env, tenant, c.var.stats).appearance.cached();
  const locale = negotiateLocale(uiLocales, acceptLanguage, tenant.defaultLocale);
  const branding = appearance.branding;
  return {
    locale,
    t: translator(locale, appearance.texts[locale]).t,
    tenantName: tenant.displayName,
    logoUri: branding?.logoUri ?? null,
    stylesheet: branding ? brandingStylesheetPath(tenant.slug, branding) : null,
    links: { terms: tenant.termsUrl, privacy: tenant.privacyUrl, support: branding?.supportUrl ?? null },
  };
}

// The languages of the hosted pages and emails, and how one is chosen for a request:
// the app's `ui_locales` first (OIDC Core 3.1.2.1), then the browser's Accept-Language,
// then the tenant's default.
export const LOCALES = ["en", "de", "fr", "es"] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The supported language a BCP 47 tag asks for ("de-AT" is German), or null. */
export function localeOf(tag: string): Locale | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return isLocale(primary) ? primary : null;
}

/** Accept-Language tags, best first (RFC 9110 12.5.4); q=0 means "not this one". */
export function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const qParam = params.find((p) => /^\s*q\s*=/i.test(p));
      // A q-value is 0 to 1 with at most three decimals; an entry with any other is dropped.
      const q = qParam === undefined ? "1" : /^\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/i.exec(qParam)?.[1];
      return { tag: tag.trim(), q: q === undefined ? 0 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.tag !== "*" && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** `uiLocales`: the request's ui_locales, as given (space-separated) or already split. */
export function negotiateLocale(
  uiLocales: string | readonly string[] | null | undefined,
  acceptLanguage: string | null | undefined,
  fallback: string,
): Locale {
  const requested = typeof uiLocales === "string" ? uiLocales.split(" ").filter(Boolean) : (uiLocales ?? []);
  const candidates = [...requested, ...acceptedLanguages(acceptLanguage)];
  for (const candidate of candidates) {
    const locale = localeOf(candidate);
    if (locale) return locale;
  }
  return isLocale(fallback) ? fallback : "en";
}

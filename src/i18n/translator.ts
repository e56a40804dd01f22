// Turning a message key into the text for one language, with the tenant's own wording
// where it set one. Placeholders are filled with plain text: pages escape it (hono/jsx)
// and emails escape it when building HTML.
import { CATALOG, type MessageKey } from "./catalog";
import type { Locale } from "./locales";

export type MessageParams = Record<string, string | number>;

export interface Translator {
  locale: Locale;
  t(key: MessageKey, params?: MessageParams): string;
}

export function fill(template: string, params: MessageParams | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** `overrides`: the tenant's texts for this language, by key. */
export function translator(locale: Locale, overrides: Readonly<Record<string, string>> = {}): Translator {
  const catalog = CATALOG[locale];
  return {
    locale,
    // The types and the catalog test keep every key in every language; should one slip
    // through anyway (a key built at run time), English and then the key beat a 500.
    t: (key, params) =>
      fill(
        (Object.hasOwn(overrides, key) ? overrides[key] : undefined) ?? catalog[key] ?? CATALOG.en[key] ?? key,
        params,
      ),
  };
}

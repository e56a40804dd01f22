// The message catalogs and how a language is chosen. Every area must carry the same keys
// in en, de, fr and es with the same placeholders and no empty texts: a page or email
// must never show a key, an unfilled {placeholder} or nothing. Runs on the whole catalog,
// so a newly added text in one language only fails here.
import { describe, expect, it } from "vitest";
import { AREAS } from "../../../src/i18n/catalog";
import {
  acceptedLanguages,
  CATALOG,
  fill,
  isMessageKey,
  LOCALES,
  localeOf,
  negotiateLocale,
  placeholdersOf,
  translator,
  type MessageKey,
} from "../../../src/i18n";

const areas = Object.entries(AREAS) as [string, Record<string, Record<string, string>>][];

describe("catalogs", () => {
  it.each(areas)("area %s has the same keys in every language", (_name, area) => {
    const english = Object.keys(area.en!).sort();
    expect(english.length).toBeGreaterThan(0);
    for (const locale of LOCALES) expect(Object.keys(area[locale]!).sort(), locale).toEqual(english);
  });

  it.each(areas)("area %s uses the same placeholders in every language", (_name, area) => {
    const problems: string[] = [];
    for (const [key, english] of Object.entries(area.en!)) {
      for (const locale of LOCALES) {
        const text = area[locale]![key];
        if (text === undefined) continue; // reported by the keys test
        if (placeholdersOf(text).join() !== placeholdersOf(english).join())
          problems.push(`${locale} ${key}: {${placeholdersOf(text)}} vs en {${placeholdersOf(english)}}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(areas)("area %s has no empty or untrimmed texts and no stray braces", (_name, area) => {
    const problems: string[] = [];
    for (const locale of LOCALES)
      for (const [key, text] of Object.entries(area[locale]!)) {
        if (!text.trim()) problems.push(`${locale} ${key}: empty`);
        else if (text !== text.trim()) problems.push(`${locale} ${key}: leading or trailing space`);
        // A brace that is not part of a {placeholder} is a typo ("{tenant" or "tenant}").
        if (/[{}]/.test(text.replace(/\{\w+\}/g, ""))) problems.push(`${locale} ${key}: unbalanced brace`);
      }
    expect(problems).toEqual([]);
  });

  it("has no key in two areas (the later one would silently win)", () => {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const [name, area] of areas)
      for (const key of Object.keys(area.en!)) {
        if (seen.has(key)) problems.push(`${key} is in ${seen.get(key)} and ${name}`);
        seen.set(key, name);
      }
    expect(problems).toEqual([]);
    expect(Object.keys(CATALOG.en).length).toBe(seen.size);
  });

  it("translates rather than copies: most German, French and Spanish texts differ from English", () => {
    for (const locale of ["de", "fr", "es"] as const) {
      const keys = Object.keys(CATALOG.en) as MessageKey[];
      const same = keys.filter((key) => CATALOG[locale][key] === CATALOG.en[key] && CATALOG.en[key].length > 12);
      // A few texts may legitimately match (brand names, "OK"); whole areas copied do not.
      expect(same.length, `${locale}: ${same.slice(0, 10).join(", ")}`).toBeLessThan(keys.length * 0.05);
    }
  });

  it("knows its own keys only", () => {
    expect(isMessageKey("common.continue") || isMessageKey(Object.keys(CATALOG.en)[0]!)).toBe(true);
    expect(isMessageKey("nope.missing")).toBe(false);
    expect(isMessageKey("toString")).toBe(false);
    expect(isMessageKey("__proto__")).toBe(false);
  });
});

describe("placeholders", () => {
  it("fills known placeholders and leaves unknown ones visible", () => {
    expect(fill("Hello {name}, {name}!", { name: "Ana" })).toBe("Hello Ana, Ana!");
    expect(fill("{count} codes for {who}", { count: 3 })).toBe("3 codes for {who}");
    expect(fill("plain", undefined)).toBe("plain");
  });

  it("does not read inherited properties as parameters", () => {
    expect(fill("{constructor} {toString}", {})).toBe("{constructor} {toString}");
  });

  it("fills values as plain text, not as templates again", () => {
    expect(fill("Hi {a}", { a: "{b}", b: "x" })).toBe("Hi {b}");
  });

  it("lists placeholders sorted and once", () => {
    expect(placeholdersOf("{b} {a} {b}")).toEqual(["a", "b"]);
    expect(placeholdersOf("none")).toEqual([]);
  });
});

describe("negotiateLocale", () => {
  it("takes the first supported ui_locales entry (space-separated, regions ignored)", () => {
    expect(negotiateLocale("ja fr-CA de", "es", "en")).toBe("fr");
    expect(negotiateLocale(["it", "es-MX"], null, "en")).toBe("es");
    expect(negotiateLocale("  de  ", null, "en")).toBe("de");
  });

  it("falls back to Accept-Language when ui_locales has nothing supported", () => {
    expect(negotiateLocale("ja it", "fr;q=0.5, de-CH;q=0.9", "en")).toBe("de");
    expect(negotiateLocale(null, "de-CH", "en")).toBe("de");
    expect(negotiateLocale(undefined, "pt-BR, es-419;q=0.8, en;q=0.1", "de")).toBe("es");
  });

  it("orders Accept-Language by q-value, keeping the header's order among equals", () => {
    expect(acceptedLanguages("en;q=0.2, fr, de;q=0.9, es")).toEqual(["fr", "es", "de", "en"]);
    expect(negotiateLocale(null, "en;q=0.2, fr;q=0.8", "de")).toBe("fr");
  });

  it("ignores q=0, the wildcard and malformed q-values", () => {
    expect(acceptedLanguages("fr;q=0, *, de;q=abc, it;q=2, es;q=0.3")).toEqual(["es"]);
    expect(acceptedLanguages("fr;Q=0.500, de;level=1")).toEqual(["de", "fr"]);
    expect(negotiateLocale(null, "fr;q=0, *;q=1", "es")).toBe("es");
    expect(negotiateLocale(null, "de;q=0", "fr")).toBe("fr");
  });

  it("uses the tenant's default when nothing else matches, and English when that is unknown", () => {
    expect(negotiateLocale(null, null, "fr")).toBe("fr");
    expect(negotiateLocale("", "", "es")).toBe("es");
    expect(negotiateLocale("ja", "zh-CN, ko", "de")).toBe("de");
    expect(negotiateLocale(null, null, "xx")).toBe("en");
  });

  it("reads tags case-insensitively and with underscores", () => {
    expect(localeOf("DE-at")).toBe("de");
    expect(localeOf("fr_CA")).toBe("fr");
    expect(localeOf("english")).toBeNull();
    expect(localeOf("")).toBeNull();
  });

  it("survives absurd headers", () => {
    const huge = Array.from({ length: 500 }, (_, i) => `x${i};q=0.${i % 10}`).join(",") + ",de";
    expect(negotiateLocale(null, huge, "fr")).toBe("fr"); // only the first 20 entries are read
    expect(negotiateLocale(null, ";;;,,,;q=", "es")).toBe("es");
  });
});

describe("tenant texts", () => {
  const anyKey = Object.keys(CATALOG.en)[0] as MessageKey;

  it("win over the catalog in their language only", () => {
    const overridden = translator("de", { [anyKey]: "Eigener Text" });
    expect(overridden.t(anyKey)).toBe("Eigener Text");
    expect(translator("de").t(anyKey)).toBe(CATALOG.de[anyKey]);
    expect(translator("fr", {}).t(anyKey)).toBe(CATALOG.fr[anyKey]);
  });

  it("have their placeholders filled like the catalog's", () => {
    const t = translator("en", { "emails.sentBy": "Sent with love by {tenant}" }).t;
    expect(t("emails.sentBy", { tenant: "Acme" })).toBe("Sent with love by Acme");
  });

  it("cannot be confused by inherited names, and an unknown key shows itself rather than failing", () => {
    const t = translator("fr", Object.create({ "emails.ignore": "inherited" }) as Record<string, string>).t;
    expect(t("emails.ignore")).toBe(CATALOG.fr["emails.ignore"]);
    expect(translator("de").t("emails.noSuchKey" as MessageKey)).toBe("emails.noSuchKey");
  });

  it("do not leak into other keys", () => {
    const t = translator("es", { "emails.sentBy": "X" }).t;
    expect(t("emails.ignore")).toBe(CATALOG.es["emails.ignore"]);
  });
});

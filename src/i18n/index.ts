export { CATALOG, isMessageKey, placeholdersOf, type MessageKey } from "./catalog";
export { acceptedLanguages, isLocale, localeOf, LOCALES, negotiateLocale, type Locale } from "./locales";
export { fill, translator, type MessageParams, type Translator } from "./translator";

// Message catalogs are written per area (sign-in, sign-up, emails, ...), each in every
// language: the types make a missing translation a compile error.
import type { Locale } from "./locales";

export type AreaMessages<K extends string> = { en: Record<K, string> } & Record<
  Exclude<Locale, "en">,
  Record<K, string>
>;

/** Declares an area's messages; keys are prefixed by the area ("signIn.title") by convention. */
export function defineMessages<const K extends string>(messages: AreaMessages<K>): AreaMessages<K> {
  return messages;
}

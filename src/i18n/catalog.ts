// Every text of the hosted pages and emails, by language: the areas in messages/ merged.
// A tenant can replace any of them per language (tenant_texts, through the management API).
import type { AreaMessages } from "./define";
import type { Locale } from "./locales";
import { account } from "./messages/account";
import { attributes } from "./messages/attributes";
import { authorize } from "./messages/authorize";
import { common } from "./messages/common";
import { emailCode } from "./messages/email-code";
import { emails } from "./messages/emails";
import { logout } from "./messages/logout";
import { mfa } from "./messages/mfa";
import { passkeys } from "./messages/passkeys";
import { authenticators } from "./messages/authenticators";
import { passwordReset } from "./messages/password-reset";
import { profile } from "./messages/profile";
import { signIn } from "./messages/sign-in";
import { signUp } from "./messages/sign-up";
import { verifyEmail } from "./messages/verify-email";

export const AREAS = {
  common,
  signIn,
  authorize,
  logout,
  signUp,
  verifyEmail,
  passwordReset,
  emailCode,
  profile,
  account,
  emails,
  attributes,
  mfa,
  passkeys,
  authenticators,
} as const;

type KeysOf<A> = A extends AreaMessages<infer K> ? K : never;
export type MessageKey = { [Area in keyof typeof AREAS]: KeysOf<(typeof AREAS)[Area]> }[keyof typeof AREAS];

function merged(locale: Locale): Record<MessageKey, string> {
  return Object.assign({}, ...Object.values(AREAS).map((area) => area[locale])) as Record<MessageKey, string>;
}

export const CATALOG: Record<Locale, Record<MessageKey, string>> = {
  en: merged("en"),
  de: merged("de"),
  fr: merged("fr"),
  es: merged("es"),
};

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(CATALOG.en, key);
}

/** The `{name}` placeholders a text uses. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

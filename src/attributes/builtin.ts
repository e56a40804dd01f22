// The OIDC standard claims (OIDC Core 5.1) a tenant may collect on its pages, with the
// input each needs and the check its value must pass. Email and address are not here:
// email is the sign-in identifier with its own verification, address a structured claim.
import type { User } from "../directory";
import type { MessageKey } from "../i18n";

export type BuiltinAttribute =
  | "given_name"
  | "family_name"
  | "middle_name"
  | "name"
  | "nickname"
  | "preferred_username"
  | "phone_number"
  | "birthdate"
  | "locale"
  | "zoneinfo"
  | "gender"
  | "website";

export interface BuiltinSpec {
  column: keyof User & string;
  input: "text" | "tel" | "date" | "url";
  /** HTML autocomplete token, so browsers can fill it in. */
  autocomplete: string;
  maxLength: number;
  /** Returns why the (non-empty, trimmed) value is refused. */
  check?: (value: string) => MessageKey | null;
}

const PHONE = /^\+[1-9][0-9]{6,14}$/;
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8}){0,3}$/;

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** A birth date: a real date, not in the future, not before 1900. */
export function isPastDate(value: string): boolean {
  if (!isCalendarDate(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return date.getTime() <= Date.now() && date.getUTCFullYear() >= 1900;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.includes("/") || value === "UTC";
  } catch {
    return false;
  }
}

export const BUILTIN_ATTRIBUTES: Record<BuiltinAttribute, BuiltinSpec> = {
  given_name: { column: "givenName", input: "text", autocomplete: "given-name", maxLength: 100 },
  family_name: { column: "familyName", input: "text", autocomplete: "family-name", maxLength: 100 },
  middle_name: { column: "middleName", input: "text", autocomplete: "additional-name", maxLength: 100 },
  name: { column: "name", input: "text", autocomplete: "name", maxLength: 200 },
  nickname: { column: "nickname", input: "text", autocomplete: "nickname", maxLength: 100 },
  preferred_username: { column: "preferredUsername", input: "text", autocomplete: "username", maxLength: 100 },
  phone_number: {
    column: "phoneNumber",
    input: "tel",
    autocomplete: "tel",
    maxLength: 16,
    check: (value) => (PHONE.test(value) ? null : "attributes.errorPhone"),
  },
  birthdate: {
    column: "birthdate",
    input: "date",
    autocomplete: "bday",
    maxLength: 10,
    check: (value) => (isPastDate(value) ? null : "attributes.errorDate"),
  },
  locale: {
    column: "locale",
    input: "text",
    autocomplete: "language",
    maxLength: 35,
    check: (value) => (LANGUAGE_TAG.test(value) ? null : "attributes.errorLocale"),
  },
  zoneinfo: {
    column: "zoneinfo",
    input: "text",
    autocomplete: "off",
    maxLength: 64,
    check: (value) => (isTimeZone(value) ? null : "attributes.errorTimeZone"),
  },
  gender: { column: "gender", input: "text", autocomplete: "sex", maxLength: 50 },
  website: {
    column: "website",
    input: "url",
    autocomplete: "url",
    maxLength: 500,
    check: (value) => {
      try {
        return new URL(value).protocol === "https:" ? null : "attributes.errorUrl";
      } catch {
        return "attributes.errorUrl";
      }
    },
  },
};

export function isBuiltinAttribute(name: string): name is BuiltinAttribute {
  return Object.hasOwn(BUILTIN_ATTRIBUTES, name);
}

// A tenant's own wording of the hosted pages' and emails' texts, per language. The body
// of a change is an object of catalog keys, so unknown keys are refused by name and the
// OpenAPI document lists every key that can be changed.
import * as z from "zod/mini";
import { CATALOG, LOCALES, type MessageKey } from "../../i18n";
import { described } from "./common";

export const MAX_TEXT_LENGTH = 2000;

const textSchema = z.string().check(
  z.refine((value) => value.trim().length > 0, "must not be empty (send null to go back to the default text)"),
  z.maxLength(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`),
  // Line breaks are allowed (emails); other control characters never show as intended.
  z.refine((value) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(value), "must not contain control characters"),
);

const keys = Object.keys(CATALOG.en) as MessageKey[];

export const textsUpdateSchema = z.strictObject(
  Object.fromEntries(
    keys.map((key) => [key, z.optional(described(z.nullable(textSchema), `Default (en): ${CATALOG.en[key]}`))]),
  ) as Record<MessageKey, z.ZodMiniOptional<z.ZodMiniNullable<typeof textSchema>>>,
);

const textMap = z.record(z.string(), z.string());

export const textsSchema = z.object({
  locale: z.enum(LOCALES),
  overrides: described(textMap, "The tenant's texts in this language, by message key"),
  defaults: z.optional(described(textMap, "The catalog's texts in this language (with ?include=defaults)")),
});

export const textsQuery = z.object({
  include: z.optional(described(z.enum(["defaults"]), "`defaults` adds the catalog's texts")),
});

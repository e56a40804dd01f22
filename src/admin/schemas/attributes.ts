// Custom attribute definitions: what a tenant's pages collect beside the built-in claims.
// Names never shadow a claim tokens or UserInfo carry; rules that combine fields (lengths
// only for strings, min <= max, enum or pattern) are checked on the definition as it will
// be after a change (definitionErrors), so a PATCH cannot slip past them either.
import * as z from "zod/mini";
import { toRfc3339 } from "../../config";
import type { AttributeDefinition, AttributeDefinitionInput } from "../../directory";
import { MAX_ATTRIBUTE_VALUE_LENGTH } from "../../attributes";
import { patternProblem } from "../pattern-safety";
import { pointerTo, type FieldError } from "../problem";
import { described, text, timestamp } from "./common";
import { ATTRIBUTE_NAME } from "./journeys";

/** OIDC standard claims (Core 5.1), ID token and access token claims, and names of our own. */
export const RESERVED_ATTRIBUTE_NAMES = new Set([
  // OIDC Core 5.1
  "sub",
  "name",
  "given_name",
  "family_name",
  "middle_name",
  "nickname",
  "preferred_username",
  "profile",
  "picture",
  "website",
  "email",
  "email_verified",
  "gender",
  "birthdate",
  "zoneinfo",
  "locale",
  "phone_number",
  "phone_number_verified",
  "address",
  "updated_at",
  // ID token, JWT (RFC 7519) and access token (RFC 9068) claims
  "iss",
  "aud",
  "exp",
  "nbf",
  "iat",
  "jti",
  "auth_time",
  "nonce",
  "acr",
  "amr",
  "azp",
  "at_hash",
  "c_hash",
  "s_hash",
  "sid",
  "scope",
  "client_id",
  "cnf",
  "roles",
  "groups",
  "entitlements",
  "permissions",
  "act",
  "may_act",
  "events",
  "txn",
  "typ",
  // Ours
  "status",
  "blocked",
  "custom_attributes",
  "password",
  "password_hash",
  "has_password",
  "sign_in_count",
  "created_at",
  "deleted_at",
  "last_sign_in_at",
  "tenant",
  "tenant_id",
  "id",
]);

export const MAX_ENUM_VALUES = 50;

const nameSchema = z.string().check(
  z.regex(ATTRIBUTE_NAME, "must be 2 to 40 lowercase letters, digits or _, starting with a letter"),
  z.refine((name) => !RESERVED_ATTRIBUTE_NAMES.has(name), "is a built-in or standard claim name; choose another name"),
);

const labelsSchema = described(
  z
    .partial(z.strictObject({ en: text(100), de: text(100), fr: text(100), es: text(100) }))
    .check(z.refine((labels) => Object.keys(labels).length > 0, "give a label in at least one language")),
  "Field label per language (en, de, fr, es); pages fall back to en, then to the name",
);

const lengthSchema = z.nullable(
  z
    .int("must be a whole number")
    .check(
      z.minimum(0, "must be at least 0"),
      z.maximum(MAX_ATTRIBUTE_VALUE_LENGTH, `must be at most ${MAX_ATTRIBUTE_VALUE_LENGTH}`),
    ),
);

const patternSchema = z.nullable(
  z.string().check(
    z.minLength(1, "must not be empty (send null for none)"),
    z.superRefine((value, ctx) => {
      const problem = patternProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    }),
  ),
);

const enumSchema = z.nullable(
  z.array(text(100)).check(
    z.minLength(1, "list at least one value (send null for free text)"),
    z.maxLength(MAX_ENUM_VALUES, `at most ${MAX_ENUM_VALUES} values`),
    z.superRefine((values, ctx) => {
      values.forEach((value, index) => {
        if (values.indexOf(value) !== index)
          ctx.addIssue({ code: "custom", path: [index], message: `'${value}' is listed twice`, input: value });
      });
    }),
  ),
);

const changeableShape = {
  labels: labelsSchema,
  required: described(z.boolean(), "Required wherever it is collected"),
  min_length: described(lengthSchema, "Strings: fewest characters"),
  max_length: described(lengthSchema, `Strings: most characters (never more than ${MAX_ATTRIBUTE_VALUE_LENGTH})`),
  pattern: described(
    patternSchema,
    "Strings: a regular expression the whole value must match (no backreferences or nested quantifiers)",
  ),
  enum_values: described(enumSchema, "Strings: the values allowed (a choice list)"),
};

export const attributeCreateSchema = z.strictObject({
  name: described(nameSchema, "Key in the user's custom_attributes; cannot change"),
  type: described(z.enum(["string", "integer", "boolean", "date"]), "Value type; cannot change"),
  labels: labelsSchema,
  required: z.optional(changeableShape.required),
  min_length: z.optional(changeableShape.min_length),
  max_length: z.optional(changeableShape.max_length),
  pattern: z.optional(changeableShape.pattern),
  enum_values: z.optional(changeableShape.enum_values),
});

export const attributeUpdateSchema = z.partial(z.strictObject(changeableShape));

export const attributeSchema = z.object({
  name: z.string(),
  type: z.enum(["string", "integer", "boolean", "date"]),
  labels: z.record(z.string(), z.string()),
  required: z.boolean(),
  min_length: z.nullable(z.int()),
  max_length: z.nullable(z.int()),
  pattern: z.nullable(z.string()),
  enum_values: z.nullable(z.array(z.string())),
  created_at: timestamp,
  updated_at: timestamp,
});

type Changeable = Omit<AttributeDefinitionInput, "name" | "type">;

export function definitionChangesFrom(body: z.infer<typeof attributeUpdateSchema>): Partial<Changeable> {
  const changes: Partial<Changeable> = {};
  if (body.labels !== undefined) changes.labels = body.labels as Record<string, string>;
  if (body.required !== undefined) changes.required = body.required;
  if (body.min_length !== undefined) changes.minLength = body.min_length;
  if (body.max_length !== undefined) changes.maxLength = body.max_length;
  if (body.pattern !== undefined) changes.pattern = body.pattern;
  if (body.enum_values !== undefined) changes.enumValues = body.enum_values;
  return changes;
}

/** What is wrong with a definition as a whole (as it will be stored). */
export function definitionErrors(definition: AttributeDefinitionInput): FieldError[] {
  const errors: FieldError[] = [];
  const at = (field: string, detail: string) => errors.push({ pointer: pointerTo([field]), detail });
  if (definition.type !== "string") {
    for (const [field, value] of [
      ["min_length", definition.minLength],
      ["max_length", definition.maxLength],
      ["pattern", definition.pattern],
      ["enum_values", definition.enumValues],
    ] as const)
      if (value !== null && value !== undefined)
        at(field, `applies to string attributes only (this one is ${definition.type})`);
    return errors;
  }
  if (definition.minLength !== null && definition.maxLength !== null && definition.minLength > definition.maxLength)
    at("min_length", `must not exceed max_length (${definition.maxLength})`);
  if (definition.enumValues) {
    if (definition.pattern !== null) at("pattern", "cannot be combined with enum_values: the choice list decides");
    if (definition.minLength !== null || definition.maxLength !== null)
      at(definition.minLength !== null ? "min_length" : "max_length", "cannot be combined with enum_values");
    const longest = Math.max(...definition.enumValues.map((v) => [...v].length));
    if (longest > MAX_ATTRIBUTE_VALUE_LENGTH)
      at("enum_values", `values must be at most ${MAX_ATTRIBUTE_VALUE_LENGTH} characters`);
  }
  return errors;
}

export function presentAttribute(definition: AttributeDefinition): z.infer<typeof attributeSchema> {
  return {
    name: definition.name,
    type: definition.type,
    labels: definition.labels,
    required: definition.required,
    min_length: definition.minLength,
    max_length: definition.maxLength,
    pattern: definition.pattern,
    enum_values: definition.enumValues,
    created_at: toRfc3339(definition.createdAt)!,
    updated_at: toRfc3339(definition.updatedAt)!,
  };
}

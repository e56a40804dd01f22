// The form fields for a list of attributes (built-in claims and a tenant's custom
// attributes), how their submitted values are checked, and which a user still lacks.
// Sign-up, progressive profiling and the account page all collect attributes this way.
import type { AttributeDefinition, User, UserProfile } from "../directory";
import type { Locale, Translator } from "../i18n";
import type { AttributeRequirement } from "../storage/schema";
import { BUILTIN_ATTRIBUTES, isBuiltinAttribute, isCalendarDate } from "./builtin";

/** Longest value any field accepts, whatever its definition says (patterns run on it). */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 500;

export interface AttributeField {
  name: string;
  label: string;
  input: "text" | "tel" | "date" | "url" | "number" | "checkbox" | "select";
  required: boolean;
  autocomplete?: string;
  hint?: string;
  options?: string[];
  minLength?: number;
  maxLength: number;
  /** Custom attributes: the definition that checks values; built-ins check themselves. */
  definition?: AttributeDefinition;
}

/**
 * The fields for `requirements`, in order. Unknown names (a custom attribute whose
 * definition was deleted) are skipped. A custom attribute defined as required is
 * required wherever it is collected.
 */
export function attributeFields(
  requirements: readonly AttributeRequirement[],
  definitions: readonly AttributeDefinition[],
  t: Translator["t"],
  locale: Locale,
): AttributeField[] {
  const fields: AttributeField[] = [];
  for (const requirement of requirements) {
    if (isBuiltinAttribute(requirement.name)) {
      const spec = BUILTIN_ATTRIBUTES[requirement.name];
      fields.push({
        name: requirement.name,
        label: t(`attributes.${requirement.name}`),
        input: spec.input,
        required: requirement.required,
        autocomplete: spec.autocomplete,
        maxLength: spec.maxLength,
        ...(requirement.name === "phone_number" ? { hint: t("attributes.phoneHint") } : {}),
      });
      continue;
    }
    const definition = definitions.find((d) => d.name === requirement.name);
    if (!definition) continue;
    fields.push({
      name: definition.name,
      label: definition.labels[locale] ?? definition.labels.en ?? definition.name,
      input:
        definition.type === "boolean"
          ? "checkbox"
          : definition.type === "integer"
            ? "number"
            : definition.type === "date"
              ? "date"
              : definition.enumValues?.length
                ? "select"
                : "text",
      required: requirement.required || definition.required,
      ...(definition.enumValues?.length ? { options: definition.enumValues } : {}),
      ...(definition.minLength !== null ? { minLength: definition.minLength } : {}),
      maxLength: Math.min(definition.maxLength ?? MAX_ATTRIBUTE_VALUE_LENGTH, MAX_ATTRIBUTE_VALUE_LENGTH),
      definition,
    });
  }
  return fields;
}

export interface AttributeInput {
  /** Built-in claims, by column; an empty optional field is null. */
  profile: UserProfile;
  /** Custom attributes, typed; an empty optional field is null. */
  custom: Record<string, unknown>;
  /** Field name -> message, for each refused value. */
  errors: Record<string, string>;
  /** What was typed, by field, to show the form again. */
  typed: Record<string, string>;
}

function customValue(field: AttributeField, value: string, t: Translator["t"]): { value: unknown } | { error: string } {
  const definition = field.definition!;
  switch (definition.type) {
    case "boolean":
      return { value: true };
    case "integer":
      return /^-?\d{1,15}$/.test(value) ? { value: Number(value) } : { error: t("attributes.errorInteger") };
    case "date":
      return isCalendarDate(value) ? { value } : { error: t("attributes.errorDate") };
    case "string": {
      if (definition.enumValues?.length)
        return definition.enumValues.includes(value) ? { value } : { error: t("attributes.errorEnum") };
      const length = [...value].length;
      if (definition.minLength !== null && length < definition.minLength)
        return { error: t("attributes.errorTooShort", { min: definition.minLength }) };
      if (definition.pattern && !new RegExp(`^(?:${definition.pattern})$`, "u").test(value))
        return { error: t("attributes.errorPattern") };
      return { value };
    }
  }
}

/** Checks the submitted form's values for `fields`. */
export function readAttributeInput(
  fields: readonly AttributeField[],
  form: Readonly<Record<string, string | undefined>>,
  t: Translator["t"],
): AttributeInput {
  const result: AttributeInput = { profile: {}, custom: {}, errors: {}, typed: {} };
  for (const field of fields) {
    const raw = form[field.name];
    const value = field.input === "checkbox" ? (raw ? "on" : "") : (raw ?? "").trim();
    result.typed[field.name] = value.slice(0, MAX_ATTRIBUTE_VALUE_LENGTH);
    const set = (typed: unknown) => {
      if (field.definition) result.custom[field.name] = typed;
      else
        (result.profile as Record<string, unknown>)[
          BUILTIN_ATTRIBUTES[field.name as keyof typeof BUILTIN_ATTRIBUTES].column
        ] = typed;
    };
    if (!value) {
      if (field.required) result.errors[field.name] = t("attributes.errorRequired");
      else set(field.input === "checkbox" ? false : null);
      continue;
    }
    if ([...value].length > field.maxLength) {
      result.errors[field.name] = t("attributes.errorTooLong", { max: field.maxLength });
      continue;
    }
    if (field.definition) {
      const checked = customValue(field, value, t);
      if ("error" in checked) result.errors[field.name] = checked.error;
      else set(checked.value);
      continue;
    }
    const problem = BUILTIN_ATTRIBUTES[field.name as keyof typeof BUILTIN_ATTRIBUTES].check?.(value);
    if (problem) result.errors[field.name] = t(problem);
    else set(value);
  }
  return result;
}

/** The user's current values for `fields`, as form text. */
export function currentAttributeValues(user: User, fields: readonly AttributeField[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = field.definition
      ? user.customAttributes[field.name]
      : user[BUILTIN_ATTRIBUTES[field.name as keyof typeof BUILTIN_ATTRIBUTES].column];
    if (value === true) values[field.name] = "on";
    else if (value !== null && value !== undefined && value !== false) values[field.name] = String(value);
  }
  return values;
}

export function hasAttribute(user: User, name: string): boolean {
  if (isBuiltinAttribute(name)) {
    const value = user[BUILTIN_ATTRIBUTES[name].column];
    return value !== null && value !== undefined && value !== "";
  }
  const value = user.customAttributes[name];
  return value !== null && value !== undefined && value !== "";
}

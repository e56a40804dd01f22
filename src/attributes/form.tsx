/** @jsxImportSource hono/jsx */
// The inputs of attribute fields: a label for each, hints and errors tied to the input
// (aria-describedby), the typed value kept when the form comes back with errors.
import type { FC } from "hono/jsx";
import type { Translator } from "../i18n";
import { fieldAria, FieldError } from "../ui/form-errors";
import type { AttributeField } from "./fields";

export const AttributeInputs: FC<{
  fields: readonly AttributeField[];
  values: Readonly<Record<string, string>>;
  errors: Readonly<Record<string, string>>;
  t: Translator["t"];
}> = ({ fields, values, errors, t }) => (
  <>
    {fields.map((field) => {
      const id = `attr-${field.name}`;
      const error = errors[field.name];
      const common = {
        id,
        name: field.name,
        required: field.required,
        ...fieldAria(error, `${id}-error`, field.hint ? `${id}-hint` : null),
      };
      const label = field.required ? field.label : `${field.label} (${t("common.optional")})`;
      if (field.input === "checkbox")
        return (
          <div>
            <label class="check" for={id}>
              <input type="checkbox" {...common} checked={values[field.name] === "on"} />
              <span>{label}</span>
            </label>
            <FieldError id={`${id}-error`} message={error} />
          </div>
        );
      return (
        <div>
          <label for={id}>{label}</label>
          {field.hint ? (
            <span class="hint" id={`${id}-hint`}>
              {field.hint}
            </span>
          ) : null}
          {field.input === "select" ? (
            <select {...common}>
              <option value="">{t("attributes.choose")}</option>
              {(field.options ?? []).map((option) => (
                <option value={option} selected={values[field.name] === option}>
                  {option}
                </option>
              ))}
            </select>
          ) : (
            <input
              {...common}
              type={field.input}
              value={values[field.name] ?? ""}
              autocomplete={field.autocomplete}
              maxlength={field.input === "number" || field.input === "date" ? undefined : field.maxLength}
            />
          )}
          <FieldError id={`${id}-error`} message={error} />
        </div>
      );
    })}
  </>
);

/** @jsxImportSource hono/jsx */
// How hosted forms show what is wrong: the summary announced when the page loads
// (ErrorMessage), a field's own error under its input (FieldError), and the aria
// attributes that tie an input to its hint and its errors (fieldAria).
import type { FC } from "hono/jsx";

// The alert lives with the layout (ui/pages use it from there); forms take it from here.
export { ErrorMessage } from "./layout";

/** A field's error, under its input, tied to it by id. */
export const FieldError: FC<{ id: string; message: string | null | undefined }> = ({ id, message }) =>
  message ? (
    <p class="field-error" id={id}>
      {message}
    </p>
  ) : null;

/**
 * The aria attributes of an input: described by its hint, always, and while `error` is
 * set by the messages that say what is wrong (its own error, the page's summary), and
 * marked invalid then. Absent ids are left out; nothing at all gives no attributes.
 */
export function fieldAria(
  error: string | null | undefined,
  errorIds: string | readonly (string | null | undefined)[],
  hintId?: string | null,
): { "aria-describedby": string | undefined; "aria-invalid": "true" | undefined } {
  const ids = [hintId, ...(error ? [errorIds].flat() : [])].filter(Boolean).join(" ");
  return { "aria-describedby": ids || undefined, "aria-invalid": error ? "true" : undefined };
}

/**
 * The summary above a form: the form's own message if there is one, else `fixErrors`
 * ("correct the fields below") when fields carry errors of their own, else nothing.
 */
export function errorSummary(
  errors: Readonly<Record<string, string | null | undefined>>,
  fixErrors: string,
  message?: string | null,
): string | null {
  if (message) return message;
  return Object.values(errors).some(Boolean) ? fixErrors : null;
}

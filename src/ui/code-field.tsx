/** @jsxImportSource hono/jsx */
// The field for a 6-digit code an email brought (sign-up, email verification, email code
// sign-in, password reset, the account page): a label, an optional hint, and a numeric
// one-time-code input tied by aria-describedby to its hint and, when the code is wrong,
// to the message that says so.
import type { FC } from "hono/jsx";
import { fieldAria, FieldError } from "./form-errors";

export const CodeField: FC<{
  label: string;
  /** Shown under the label as `code-hint` (what the code looks like, how long it lasts). */
  hint?: string | null;
  value?: string;
  autofocus?: boolean;
  /** What is wrong with the code: the input is marked invalid and described by the message. */
  error?: string | null;
  /**
   * The id of the message on the page that already says `error` (the page's alert).
   * Without it, the field shows `error` under the input itself, as `code-error`.
   */
  errorId?: string;
  /** The form's error summary, which also describes the input while the code is wrong. */
  summaryId?: string;
}> = ({ label, hint, value, autofocus, error, errorId, summaryId }) => {
  return (
    <>
      <label for="code">{label}</label>
      {hint ? (
        <span class="hint" id="code-hint">
          {hint}
        </span>
      ) : null}
      <input
        id="code"
        name="code"
        class="code"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]{6}"
        maxlength={6}
        required
        autofocus={autofocus}
        value={value ?? ""}
        {...fieldAria(error, [errorId ?? "code-error", summaryId], hint ? "code-hint" : null)}
      />
      {errorId ? null : <FieldError id="code-error" message={error} />}
    </>
  );
};

/** @jsxImportSource hono/jsx */
// The field for a password (sign-in, sign-up, password reset, the account page): a label,
// an optional hint, and a password input tied by aria-describedby to its hint and, while
// the password is wrong, to the messages that say so. A password input never gets a value:
// what was typed is not sent back.
import type { FC } from "hono/jsx";
import { fieldAria, FieldError } from "./form-errors";

export const PasswordField: FC<{
  /** The input's id (default "password"); the hint and the field's error take it as prefix. */
  id?: string;
  /** The form field's name (default "password"). */
  name?: string;
  label: string;
  /** Shown under the label as `${id}-hint` (what the policy asks for). */
  hint?: string | null;
  autocomplete: "current-password" | "new-password";
  autofocus?: boolean;
  minlength?: number;
  maxlength?: number;
  /** What is wrong with the password: the input is marked invalid and described by the message. */
  error?: string | null;
  /**
   * The id of the message on the page that already says `error` (the page's alert).
   * Without it, the field shows `error` under the input itself, as `${id}-error`.
   */
  errorId?: string;
  /** The form's error summary, which also describes the input while the password is wrong. */
  summaryId?: string;
}> = ({
  id = "password",
  name = "password",
  label,
  hint,
  autocomplete,
  autofocus,
  minlength,
  maxlength,
  error,
  errorId,
  summaryId,
}) => {
  return (
    <>
      <label for={id}>{label}</label>
      {hint ? (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      <input
        id={id}
        name={name}
        type="password"
        autocomplete={autocomplete}
        required
        minlength={minlength}
        maxlength={maxlength}
        autofocus={autofocus}
        {...fieldAria(error, [errorId ?? `${id}-error`, summaryId], hint ? `${id}-hint` : null)}
      />
      {errorId ? null : <FieldError id={`${id}-error`} message={error} />}
    </>
  );
};

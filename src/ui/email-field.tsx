/** @jsxImportSource hono/jsx */
// The field for an email address (sign-in, sign-up, email code sign-in, password reset,
// the account page's new address): a label, an optional hint, and an email input tied by
// aria-describedby to its hint and, while the address is wrong, to the messages that say so.
import type { FC } from "hono/jsx";
import { fieldAria, FieldError } from "./form-errors";

export const EmailField: FC<{
  /** The input's id (default "email"); the hint and the field's error take it as prefix. */
  id?: string;
  /** The form field's name (default "email"). */
  name?: string;
  label: string;
  /** Shown under the label as `${id}-hint`. */
  hint?: string | null;
  /** "username" where the address signs in, "email" where it is a new address. */
  autocomplete: "username" | "username webauthn" | "email";
  value?: string;
  autofocus?: boolean;
  maxlength?: number;
  /** What is wrong with the address: the input is marked invalid and described by the message. */
  error?: string | null;
  /**
   * The id of the message on the page that already says `error` (the page's alert).
   * Without it, the field shows `error` under the input itself, as `${id}-error`.
   */
  errorId?: string;
  /** The form's error summary, which also describes the input while the address is wrong. */
  summaryId?: string;
}> = ({
  id = "email",
  name = "email",
  label,
  hint,
  autocomplete,
  value,
  autofocus,
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
        type="email"
        autocomplete={autocomplete}
        required
        maxlength={maxlength}
        value={value}
        autofocus={autofocus}
        {...fieldAria(error, [errorId ?? `${id}-error`, summaryId], hint ? `${id}-hint` : null)}
      />
      {errorId ? null : <FieldError id={`${id}-error`} message={error} />}
    </>
  );
};

/** @jsxImportSource hono/jsx */
// What every single-input field of the hosted forms renders (email, password): a label,
// an optional hint, the input tied by aria-describedby to its hint and, while the value is
// wrong, to the messages that say so, and the error under it unless the page says it already.
import type { FC } from "hono/jsx";
import { fieldAria, FieldError } from "./form-errors";

export interface FieldMessages {
  label: string;
  /** Shown under the label as `${id}-hint`. */
  hint?: string | null;
  /** What is wrong with the value: the input is marked invalid and described by the message. */
  error?: string | null;
  /**
   * The id of the message on the page that already says `error` (the page's alert).
   * Without it, the field shows `error` under the input itself, as `${id}-error`.
   */
  errorId?: string;
  /** The form's error summary, which also describes the input while the value is wrong. */
  summaryId?: string;
}

export const LabelledInput: FC<
  FieldMessages & { id: string; name: string; input: Record<string, string | number | boolean | undefined> }
> = ({ id, name, label, hint, error, errorId, summaryId, input }) => (
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
      {...input}
      required
      {...fieldAria(error, [errorId ?? `${id}-error`, summaryId], hint ? `${id}-hint` : null)}
    />
    {errorId ? null : <FieldError id={`${id}-error`} message={error} />}
  </>
);

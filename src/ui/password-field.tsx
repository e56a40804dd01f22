/** @jsxImportSource hono/jsx */
// The field for a password (sign-in, sign-up, password reset, the account page). A password
// input never gets a value: what was typed is not sent back.
import type { FC } from "hono/jsx";
import { LabelledInput, type FieldMessages } from "./labelled-input";

export const PasswordField: FC<
  FieldMessages & {
    /** The input's id (default "password"); the hint and the field's error take it as prefix. */
    id?: string;
    /** The form field's name (default "password"). */
    name?: string;
    autocomplete: "current-password" | "new-password";
    autofocus?: boolean;
    minlength?: number;
    maxlength?: number;
  }
> = ({ id = "password", name = "password", autocomplete, autofocus, minlength, maxlength, ...messages }) => (
  <LabelledInput
    {...messages}
    id={id}
    name={name}
    input={{ type: "password", autocomplete, minlength, maxlength, autofocus }}
  />
);

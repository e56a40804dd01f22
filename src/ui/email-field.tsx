/** @jsxImportSource hono/jsx */
// The field for an email address (sign-in, sign-up, email code sign-in, password reset,
// the account page's new address).
import type { FC } from "hono/jsx";
import { LabelledInput, type FieldMessages } from "./labelled-input";

export const EmailField: FC<
  FieldMessages & {
    /** The input's id (default "email"); the hint and the field's error take it as prefix. */
    id?: string;
    /** The form field's name (default "email"). */
    name?: string;
    /** "username" where the address signs in (with "webauthn": passkey autofill), "email" where it is a new address. */
    autocomplete: "username" | "username webauthn" | "email";
    value?: string;
    autofocus?: boolean;
    maxlength?: number;
  }
> = ({ id = "email", name = "email", autocomplete, value, autofocus, maxlength, ...messages }) => (
  <LabelledInput
    {...messages}
    id={id}
    name={name}
    input={{ type: "email", autocomplete, maxlength, value, autofocus }}
  />
);

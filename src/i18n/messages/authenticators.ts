// Texts of authenticator apps (TOTP), recovery codes and the email second factor, and their emails.
import { defineMessages } from "../define";

export const authenticators = defineMessages({
  en: { "authenticators.title": "authenticators" },
  de: { "authenticators.title": "authenticators" },
  fr: { "authenticators.title": "authenticators" },
  es: { "authenticators.title": "authenticators" },
});

// Texts of passkey sign-in, registration and the account's passkeys section.
import { defineMessages } from "../define";

export const passkeys = defineMessages({
  en: { "passkeys.title": "passkeys" },
  de: { "passkeys.title": "passkeys" },
  fr: { "passkeys.title": "passkeys" },
  es: { "passkeys.title": "passkeys" },
});

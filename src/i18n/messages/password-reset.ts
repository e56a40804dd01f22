// Texts of the password reset pages.
import { defineMessages } from "../define";

export const passwordReset = defineMessages({
  en: {},
  de: {},
  fr: {},
  es: {},
});

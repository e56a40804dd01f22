// Texts of the email code pages.
import { defineMessages } from "../define";

export const emailCode = defineMessages({
  en: {},
  de: {},
  fr: {},
  es: {},
});

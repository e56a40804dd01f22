// Texts of the verify email pages.
import { defineMessages } from "../define";

export const verifyEmail = defineMessages({
  en: {},
  de: {},
  fr: {},
  es: {},
});

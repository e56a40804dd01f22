// Texts of the sign up pages.
import { defineMessages } from "../define";

export const signUp = defineMessages({
  en: {},
  de: {},
  fr: {},
  es: {},
});

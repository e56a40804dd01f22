// Texts of the account pages.
import { defineMessages } from "../define";

export const account = defineMessages({
  en: {},
  de: {},
  fr: {},
  es: {},
});

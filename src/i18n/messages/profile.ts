// Texts of the profile pages.
import { defineMessages } from "../define";

export const profile = defineMessages({
  en: {},
  de: {},
  fr: {},
  es: {},
});

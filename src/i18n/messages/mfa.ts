// Texts of the second-factor step (the choice of method) and of step-up.
import { defineMessages } from "../define";

export const mfa = defineMessages({
  en: { "mfa.title": "mfa" },
  de: { "mfa.title": "mfa" },
  fr: { "mfa.title": "mfa" },
  es: { "mfa.title": "mfa" },
});

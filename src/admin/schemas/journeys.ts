// The self-service journey settings of a tenant (issue 4): languages, sign-up, legal
// documents, progressive profiling and audit retention. Which attribute names exist is
// checked against the tenant's definitions by the route (src/admin/journey-checks.ts).
import * as z from "zod/mini";
import { LOCALES } from "../../i18n";
import type { ProfilingRule } from "../../storage/schema";
import { described, httpsUrlSchema, versionSchema } from "./common";

export const MAX_SIGN_UP_ATTRIBUTES = 20;
export const MAX_PROFILING_RULES = 20;

/** Built-in claim names and custom attribute names share this syntax. */
export const ATTRIBUTE_NAME = /^[a-z][a-z0-9_]{1,39}$/;

export const attributeNameSchema = z
  .string()
  .check(z.regex(ATTRIBUTE_NAME, "must be 2 to 40 lowercase letters, digits or _, starting with a letter"));

const requirementSchema = z.strictObject({
  name: described(attributeNameSchema, "A built-in claim (given_name, birthdate, ...) or a custom attribute's name"),
  required: described(z.boolean(), "Whether the customer must fill it in"),
});

function noDuplicateNames(max: number, what: string) {
  return z.array(requirementSchema).check(
    z.maxLength(max, `at most ${max} ${what}`),
    z.superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((entry, index) => {
        if (seen.has(entry.name))
          ctx.addIssue({
            code: "custom",
            path: [index, "name"],
            message: `'${entry.name}' is listed twice`,
            input: entry.name,
          });
        seen.add(entry.name);
      });
    }),
  );
}

const profilingRuleInput = z.strictObject({
  id: described(
    z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "must be 1 to 40 lowercase letters, digits, _ or -")),
    "Names the rule",
  ),
  attributes: described(
    noDuplicateNames(MAX_SIGN_UP_ATTRIBUTES, "attributes").check(z.minLength(1, "name at least one attribute")),
    "What to ask for (only what the customer lacks is asked)",
  ),
  after_sign_ins: z.optional(
    described(
      z.int("must be a whole number").check(z.minimum(1, "must be at least 1"), z.maximum(10_000, "at most 10000")),
      "Ask once the customer has signed in this many times",
    ),
  ),
  scope: z.optional(
    described(
      z.string().check(z.regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, "must be one OAuth scope value")),
      "Ask when an app requests this scope",
    ),
  ),
});

const profilingRulesSchema = z.pipe(
  z.array(profilingRuleInput).check(
    z.maxLength(MAX_PROFILING_RULES, `at most ${MAX_PROFILING_RULES} rules`),
    z.superRefine((rules, ctx) => {
      const ids = new Set<string>();
      rules.forEach((rule, index) => {
        const triggers = [rule.after_sign_ins, rule.scope].filter((t) => t !== undefined).length;
        if (triggers !== 1)
          ctx.addIssue({
            code: "custom",
            path: [index, triggers === 0 ? "after_sign_ins" : "scope"],
            message: "give exactly one of after_sign_ins or scope",
            input: rule,
          });
        if (ids.has(rule.id))
          ctx.addIssue({
            code: "custom",
            path: [index, "id"],
            message: `rule id '${rule.id}' is used twice`,
            input: rule.id,
          });
        ids.add(rule.id);
      });
    }),
  ),
  z.transform((rules): ProfilingRule[] =>
    rules.map((rule) =>
      rule.after_sign_ins !== undefined
        ? { id: rule.id, attributes: rule.attributes, after_sign_ins: rule.after_sign_ins }
        : { id: rule.id, attributes: rule.attributes, scope: rule.scope! },
    ),
  ),
);

export const journeySettingsShape = {
  default_locale: described(
    z.enum(LOCALES),
    "Language of pages and emails when neither the app nor the browser decides",
  ),
  self_sign_up_enabled: described(z.boolean(), "Customers may create their own accounts"),
  require_verified_email: described(z.boolean(), "Tokens are issued only once the customer's email is verified"),
  email_code_sign_in: described(z.boolean(), "Passwordless sign-in with a code sent by email (apps may override)"),
  sign_up_attributes: described(
    noDuplicateNames(MAX_SIGN_UP_ATTRIBUTES, "attributes"),
    "Attributes the sign-up page collects, in order",
  ),
  terms_url: described(z.nullable(httpsUrlSchema), "Terms of service customers accept at sign-up"),
  terms_version: described(z.nullable(versionSchema), "Version of the terms; required with terms_url"),
  privacy_url: described(z.nullable(httpsUrlSchema), "Privacy policy customers accept at sign-up"),
  privacy_version: described(z.nullable(versionSchema), "Version of the privacy policy; required with privacy_url"),
  marketing_consent_version: described(
    z.nullable(versionSchema),
    "When set, sign-up offers optional marketing consent, recorded with this version",
  ),
  profiling_rules: described(
    profilingRulesSchema,
    "Progressive profiling: what to ask signed-in customers for, and when",
  ),
  audit_retention_days: described(
    z
      .int("must be a whole number of days")
      .check(z.minimum(30, "must be at least 30 days"), z.maximum(3650, "must be at most 3650 days")),
    "Audit events older than this are deleted by the hourly job",
  ),
};

const requirementOutput = z.object({ name: z.string(), required: z.boolean() });

export const journeySettingsOutputShape = {
  default_locale: z.enum(LOCALES),
  self_sign_up_enabled: z.boolean(),
  require_verified_email: z.boolean(),
  email_code_sign_in: z.boolean(),
  sign_up_attributes: z.array(requirementOutput),
  terms_url: z.nullable(z.string()),
  terms_version: z.nullable(z.string()),
  privacy_url: z.nullable(z.string()),
  privacy_version: z.nullable(z.string()),
  marketing_consent_version: z.nullable(z.string()),
  profiling_rules: z.array(
    z.object({
      id: z.string(),
      attributes: z.array(requirementOutput),
      after_sign_ins: z.optional(z.int()),
      scope: z.optional(z.string()),
    }),
  ),
  audit_retention_days: z.int(),
};

/** API field name -> tenants column. */
export const JOURNEY_SETTING_COLUMNS = {
  default_locale: "defaultLocale",
  self_sign_up_enabled: "selfSignUpEnabled",
  require_verified_email: "requireVerifiedEmail",
  email_code_sign_in: "emailCodeSignIn",
  sign_up_attributes: "signUpAttributes",
  terms_url: "termsUrl",
  terms_version: "termsVersion",
  privacy_url: "privacyUrl",
  privacy_version: "privacyVersion",
  marketing_consent_version: "marketingConsentVersion",
  profiling_rules: "profilingRules",
  audit_retention_days: "auditRetentionDays",
} as const;

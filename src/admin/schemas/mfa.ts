// The strong-authentication settings of a tenant: when sign-in asks for a second factor
// (apps may override with their own mfa_policy), and, for the adaptive policy, the risk
// threshold and the deny list (docs/mfa/adaptive.md, docs/management-mfa.md).
import * as z from "zod/mini";
import { parseCidr } from "../../mfa/risk/ip-range";
import { MFA_POLICIES, type RiskDenyList } from "../../storage/schema";
import { described } from "./common";

export const MAX_DENY_LIST_ENTRIES = 500;

/** A list in which each value may appear once. */
function uniqueList<T extends z.ZodMiniType>(item: T, what: string) {
  return z.array(item).check(
    z.maxLength(MAX_DENY_LIST_ENTRIES, `at most ${MAX_DENY_LIST_ENTRIES} ${what}`),
    z.superRefine((list, ctx) => {
      const seen = new Set<unknown>();
      list.forEach((value, index) => {
        if (seen.has(value))
          ctx.addIssue({
            code: "custom",
            path: [index],
            message: `${JSON.stringify(value)} is listed twice`,
            input: value,
          });
        seen.add(value);
      });
    }),
  );
}

const countrySchema = z
  .string()
  .check(
    z.regex(
      /^(?:[A-Z]{2}|T1)$/,
      "must be an ISO 3166-1 alpha-2 country code in capitals, e.g. DE (T1: the Tor network)",
    ),
  );

const asnSchema = z
  .int("must be a whole number (an autonomous system number)")
  .check(z.minimum(1, "must be at least 1"), z.maximum(4_294_967_295, "must be at most 4294967295"));

const cidrSchema = z.string().check(
  z.maxLength(64, "must be at most 64 characters"),
  z.superRefine((value, ctx) => {
    const parsed = parseCidr(value);
    if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error, input: value });
  }),
);

const denyListInput = z.pipe(
  z.strictObject({
    countries: z.optional(described(uniqueList(countrySchema, "countries"), "Countries (ISO 3166-1 alpha-2)")),
    asns: z.optional(described(uniqueList(asnSchema, "networks"), "Autonomous system numbers")),
    ip_ranges: z.optional(described(uniqueList(cidrSchema, "ranges"), "IPv4 or IPv6 ranges in CIDR notation")),
  }),
  z.transform((list): RiskDenyList => ({
    countries: list.countries ?? [],
    asns: list.asns ?? [],
    ip_ranges: list.ip_ranges ?? [],
  })),
);

export const mfaSettingsShape = {
  mfa_policy: described(
    z.enum(MFA_POLICIES),
    "When sign-in asks for a second factor: off; optional (customers who enrolled one); required (everyone); adaptive (when the sign-in's risk score reaches risk_threshold). Apps may override.",
  ),
  risk_threshold: described(
    z.int("must be a whole number").check(z.minimum(0, "must be at least 0"), z.maximum(100, "must be at most 100")),
    "Adaptive policy: a risk score (0-100) at or above this asks for a second factor",
  ),
  risk_deny_list: described(
    denyListInput,
    "Adaptive policy: sign-ins from these countries, networks or address ranges always ask for a second factor. Replaces the whole list; a list left out is empty.",
  ),
};

export const mfaSettingsOutputShape = {
  mfa_policy: z.enum(MFA_POLICIES),
  risk_threshold: z.int(),
  risk_deny_list: z.object({
    countries: z.array(z.string()),
    asns: z.array(z.int()),
    ip_ranges: z.array(z.string()),
  }),
};

/** API field name -> tenants column. */
export const MFA_SETTING_COLUMNS = {
  mfa_policy: "mfaPolicy",
  risk_threshold: "riskThreshold",
  risk_deny_list: "riskDenyList",
} as const;

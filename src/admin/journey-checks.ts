// Checks of a tenant's journey settings that need more than one field or the tenant's
// stored state: attribute names must exist (built-in or defined), and a legal document's
// URL comes with its version. Run on the settings as they will be after the change.
import { isBuiltinAttribute } from "../attributes";
import type { TenantSettings } from "../directory/tenants";
import type { AttributeRequirement, ProfilingRule } from "../storage/schema";
import { pointerTo, Problem, type FieldError } from "./problem";

type JourneySettings = Pick<
  TenantSettings,
  "signUpAttributes" | "profilingRules" | "termsUrl" | "termsVersion" | "privacyUrl" | "privacyVersion"
>;

function unknownNames(
  requirements: readonly AttributeRequirement[],
  defined: ReadonlySet<string>,
  at: readonly PropertyKey[],
): FieldError[] {
  return requirements.flatMap((requirement, index) =>
    isBuiltinAttribute(requirement.name) || defined.has(requirement.name)
      ? []
      : [
          {
            pointer: pointerTo([...at, index, "name"]),
            detail: `'${requirement.name}' is neither a built-in attribute nor a custom attribute of this tenant`,
          },
        ],
  );
}

function legalPair(url: string | null, version: string | null, what: "terms" | "privacy"): FieldError[] {
  if (url && !version)
    return [{ pointer: pointerTo([`${what}_version`]), detail: `set ${what}_version together with ${what}_url` }];
  if (!url && version)
    return [
      {
        pointer: pointerTo([`${what}_version`]),
        detail: `${what}_version has no document: set ${what}_url, or clear ${what}_version too`,
      },
    ];
  return [];
}

/**
 * Throws a validation problem naming every field at fault. `changed` limits the
 * attribute checks to lists the request sets, so a definition deleted meanwhile does not
 * block unrelated changes.
 */
export function checkJourneySettings(
  settings: JourneySettings,
  defined: ReadonlySet<string>,
  changed: { signUpAttributes: boolean; profilingRules: boolean },
): void {
  const errors: FieldError[] = [
    ...(changed.signUpAttributes ? unknownNames(settings.signUpAttributes, defined, ["sign_up_attributes"]) : []),
    ...(changed.profilingRules
      ? settings.profilingRules.flatMap((rule: ProfilingRule, index) =>
          unknownNames(rule.attributes, defined, ["profiling_rules", index, "attributes"]),
        )
      : []),
    ...legalPair(settings.termsUrl, settings.termsVersion, "terms"),
    ...legalPair(settings.privacyUrl, settings.privacyVersion, "privacy"),
  ];
  const first = errors[0];
  if (first)
    throw new Problem(
      "validation-failed",
      errors.length > 1 ? `${first.detail} (and ${errors.length - 1} more)` : first.detail,
      errors,
    );
}

/** Which journey setting still names an attribute, for a refused deletion; null when none. */
export function settingUsing(settings: Pick<TenantSettings, "signUpAttributes" | "profilingRules">, name: string) {
  if (settings.signUpAttributes.some((a) => a.name === name)) return "sign_up_attributes";
  const rule = settings.profilingRules.find((r) => r.attributes.some((a) => a.name === name));
  return rule ? `profiling_rules (rule '${rule.id}')` : null;
}

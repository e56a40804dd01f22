// Progressive profiling: which attributes a tenant's rules ask a user for right after a
// sign-in. A rule applies once the user has signed in `after_sign_ins` times, or when the
// app asks for its `scope`; it asks only for what the user does not have yet.
import type { User } from "../directory";
import type { AttributeRequirement, ProfilingRule } from "../storage/schema";
import { hasAttribute } from "./fields";

export function profilingAttributes(
  rules: readonly ProfilingRule[],
  user: User,
  scopes: readonly string[],
): AttributeRequirement[] {
  const asked = new Map<string, boolean>();
  for (const rule of rules) {
    const applies = "after_sign_ins" in rule ? user.signInCount >= rule.after_sign_ins : scopes.includes(rule.scope);
    if (!applies) continue;
    for (const attribute of rule.attributes) {
      if (hasAttribute(user, attribute.name)) continue;
      asked.set(attribute.name, (asked.get(attribute.name) ?? false) || attribute.required);
    }
  }
  return [...asked].map(([name, required]) => ({ name, required }));
}

// Patterns tenants give custom attributes run on what customers type, so they must not
// be able to make a page spin (ReDoS). Refused: backreferences, and a repeated group that
// itself repeats or alternates ((a+)+, (a|ab)*), the shapes that backtrack exponentially.
// Patterns are also short, and values at most 500 characters (src/attributes).
export const MAX_PATTERN_LENGTH = 200;

/** Why a pattern is refused, or null. Checked as the pages use it: ^(?:pattern)$ with the u flag. */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(`^(?:${pattern})$`, "u");
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  // Each open group: does it contain a quantifier or an alternation?
  const groups: { risky: boolean }[] = [];
  let lastClosedRisky = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    const next = pattern[i + 1];
    if (char === "\\") {
      if (!inClass && next !== undefined && /[1-9k]/.test(next)) return "must not use backreferences";
      i++;
      lastClosedRisky = false;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }
    if (char === "[") {
      inClass = true;
      lastClosedRisky = false;
      continue;
    }
    if (char === "(") {
      groups.push({ risky: false });
      lastClosedRisky = false;
      continue;
    }
    if (char === ")") {
      const group = groups.pop();
      lastClosedRisky = group?.risky ?? false;
      if (lastClosedRisky && groups.length) groups[groups.length - 1]!.risky = true;
      continue;
    }
    const quantifier = char === "*" || char === "+" || (char === "{" && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
    const optional = char === "?" && pattern[i - 1] !== "(";
    if (quantifier || optional) {
      if (lastClosedRisky && char !== "?" && !/^\{\d+\}/.test(pattern.slice(i)))
        return "must not repeat a group that already repeats or alternates (nested quantifiers can hang the page)";
      if (groups.length) groups[groups.length - 1]!.risky = true;
      lastClosedRisky = false;
      continue;
    }
    if (char === "|" && groups.length) groups[groups.length - 1]!.risky = true;
    lastClosedRisky = false;
  }
  return null;
}

// Scope strings (RFC 6749 3.3): space-delimited tokens of visible ASCII without '"' or '\'.
import { InvalidScope } from "./errors";

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const scopes = value.split(" ").filter((s) => s !== "");
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) throw new InvalidScope(`'${scope}' is not a valid scope value`);
  }
  return [...new Set(scopes)];
}

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

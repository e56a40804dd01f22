// What a new password must be (NIST 800-63B): long enough, not absurdly long, not one of
// the commonly used passwords, and no composition rules. Length counts Unicode code
// points of the normalized form.
import commonPasswordsText from "./common-passwords.txt";
import { normalizePassword } from "./hashing";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordIssue = "too_short" | "too_long" | "common";

// Built on first use, once per isolate: most requests never check a new password.
let commonPasswords: Set<string> | undefined;

function isCommon(normalized: string): boolean {
  commonPasswords ??= new Set(commonPasswordsText.split("\n").filter((line) => line !== "" && !line.startsWith("#")));
  return commonPasswords.has(normalized.toLowerCase());
}

/** Why a new password is refused (a key for messages), or null when it is acceptable. */
export function passwordIssue(password: string, minLength = PASSWORD_MIN_LENGTH): PasswordIssue | null {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < minLength) return "too_short";
  if (length > PASSWORD_MAX_LENGTH) return "too_long";
  if (isCommon(normalized)) return "common";
  return null;
}

/** Returns why the password is refused in English (the admin API), or null when acceptable. */
export function passwordProblem(password: string, minLength = PASSWORD_MIN_LENGTH): string | null {
  switch (passwordIssue(password, minLength)) {
    case "too_short":
      return `must be at least ${minLength} characters long`;
    case "too_long":
      return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
    case "common":
      return "is too common: it is on a list of frequently used passwords";
    case null:
      return null;
  }
}

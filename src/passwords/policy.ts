// What a new password must be (NIST 800-63B): long enough, not absurdly long, and no
// composition rules. Length counts Unicode code points of the normalized form.
import { normalizePassword } from "./hashing";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Returns why the password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, minLength = PASSWORD_MIN_LENGTH): string | null {
  const length = [...normalizePassword(password)].length;
  if (length < minLength) return `must be at least ${minLength} characters long`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  return null;
}

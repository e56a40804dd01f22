export {
  CURRENT_ARGON2,
  PBKDF2_MAX_ITERATIONS,
  hashPassword,
  parsePasswordHash,
  verifyAgainstNothing,
  verifyPassword,
  type PasswordCheck,
} from "./hashing";
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordIssue, passwordProblem, type PasswordIssue } from "./policy";

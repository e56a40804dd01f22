// Which second-factor methods a step offers, in one place: the choice page lists them and
// each method's page refuses to serve a step it is not offered for.
import type { FactorSummary } from "../directory";
import type { SecondFactorTarget } from "./sign-in";

export type MethodChoice = "passkey" | "totp" | "email" | "recoveryCode" | "enroll";

/** The verified address an email code may go to, or null when email is not this step's factor. */
export function emailFactorAddress(target: SecondFactorTarget): string | null {
  if (target.level >= 3) return null;
  // The first factor was itself an emailed code: the same mailbox twice is one factor.
  if (target.firstFactorMethod === "email_code" || target.firstFactorMethod === "sign_up") return null;
  // An address nobody proved is no factor of this user's.
  return target.user.emailVerified ? target.user.email : null;
}

/** The ways this user can confirm, strongest first. */
export function methodsFor(target: SecondFactorTarget, factors: FactorSummary): MethodChoice[] {
  // A passkey used twice is one factor: after a passkey, another kind must follow.
  const passkeyUsable = factors.passkeys > 0 && target.firstFactorMethod !== "passkey";
  if (target.level >= 3) return passkeyUsable ? ["passkey"] : [];
  const methods: MethodChoice[] = [];
  if (passkeyUsable) methods.push("passkey");
  if (factors.totp > 0) methods.push("totp");
  if (emailFactorAddress(target)) methods.push("email");
  if (factors.recoveryCodes > 0) methods.push("recoveryCode");
  // Setting up a first factor proves nothing by itself: only where the policy requires
  // two factors of everyone, and never for a session stepping up (it may be borrowed).
  if (target.enrollAllowed && !target.stepUp && factors.passkeys === 0 && factors.totp === 0) methods.push("enroll");
  return methods;
}

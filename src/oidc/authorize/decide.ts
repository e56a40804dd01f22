// What an authorization request needs next, as a pure function of the request, the
// browser's session and what happened in the interaction so far (OIDC Core 3.1.2.1-3).
import type { MessageKey, Translator } from "../../i18n";

export type Step =
  "create" | "login" | "mfa" | "select_account" | "verify_email" | "profile" | "consent" | "complete" | "hint_mismatch";

export interface DecisionInput {
  prompt: readonly string[];
  maxAge: number | null;
  scopes: readonly string[];
  session: { userId: string; authTime: number } | null;
  now: number;
  firstParty: boolean;
  /** Scopes this user already granted this client. */
  granted: ReadonlySet<string>;
  hintSubject: string | null;
  /** The tenant requires a verified email, and the signed-in user's is not verified. */
  emailVerificationRequired: boolean;
  /** Attributes a profiling rule asks the signed-in user for now (docs/journeys/profiling.md). */
  profileAttributes: readonly string[];
  interaction: {
    authenticatedAt: number | null;
    authenticatedUserId: string | null;
    accountChosenUserId: string | null;
    consentedUserId: string | null;
    /** Profiling is asked at most once per sign-in: whom this interaction asked already. */
    profileAskedUserId: string | null;
    forceLogin: boolean;
    /** Someone passed a first factor here and owes a second (src/mfa/sign-in.ts). */
    firstFactorPending: boolean;
  } | null;
  /** The signed-in user's session is weaker than this app needs (src/mfa): step up. */
  stepUpNeeded?: boolean;
}

export function nextStep(input: DecisionInput): Step {
  const session = input.session;
  // prompt=create: the sign-up page, until someone signs in (or up) in this interaction
  // or the user chose "sign in" instead (forceLogin).
  if (input.prompt.includes("create") && !input.interaction?.authenticatedUserId && !input.interaction?.forceLogin)
    return "create";
  if (input.interaction?.forceLogin) return "login";
  if (input.interaction?.firstFactorPending) return "mfa";
  if (!session) return "login";
  // What happened in this interaction counts only for the user it happened to.
  const fresh = input.interaction?.authenticatedUserId === session.userId;
  const accountChosen = input.interaction?.accountChosenUserId === session.userId;
  const consented = input.interaction?.consentedUserId === session.userId;
  // Asked for by id_token_hint, signed in as someone else: OIDC Core 3.1.2.1 wants an error.
  if (fresh && input.hintSubject !== null && input.hintSubject !== session.userId) return "hint_mismatch";
  if (!fresh) {
    if (input.prompt.includes("login")) return "login";
    // max_age=0 means "authenticate now", whatever the clock says (OIDC Core 3.1.2.1, errata).
    if (input.maxAge === 0) return "login";
    if (input.maxAge !== null && input.now - session.authTime > input.maxAge) return "login";
    if (input.hintSubject !== null && input.hintSubject !== session.userId) return "login";
    if (input.prompt.includes("select_account") && !accountChosen) return "select_account";
  }
  if (input.stepUpNeeded) return "mfa";
  if (input.emailVerificationRequired) return "verify_email";
  // Only right after signing in, so an app the user reaches by single sign-on never nags.
  if (fresh && input.profileAttributes.length > 0 && input.interaction?.profileAskedUserId !== session.userId)
    return "profile";
  if (!input.firstParty && !consented) {
    if (input.prompt.includes("consent")) return "consent";
    if (input.scopes.some((scope) => !input.granted.has(scope))) return "consent";
  }
  return "complete";
}

/** The error prompt=none answers with when the user would have to act (OIDC Core 3.1.2.6). */
export function promptNoneError(step: Exclude<Step, "complete">): { error: string; description: string } {
  switch (step) {
    case "hint_mismatch":
      return { error: "login_required", description: "the signed-in user is not the one id_token_hint names" };
    case "login":
      return { error: "login_required", description: "the user must sign in" };
    case "create":
      return { error: "interaction_required", description: "the user must create an account" };
    case "select_account":
      return { error: "account_selection_required", description: "the user must choose an account" };
    case "consent":
      return { error: "consent_required", description: "the user must consent" };
    case "mfa":
      return { error: "interaction_required", description: "the user must present a second factor" };
    case "verify_email":
      return { error: "interaction_required", description: "the user must verify their email address" };
    case "profile":
      return { error: "interaction_required", description: "the user must complete their profile" };
  }
}

const STANDARD_SCOPES_DESCRIBED = new Set(["openid", "profile", "email", "phone", "address", "offline_access"]);

/** What each scope means, in words for the consent page, in the page's language. */
export function describeScopes(
  scopes: readonly string[],
  apiScopes: readonly { value: string; description?: string }[],
  t: Translator["t"],
): { value: string; description: string }[] {
  return scopes.map((value) => ({
    value,
    description: STANDARD_SCOPES_DESCRIBED.has(value)
      ? t(`scope.${value}` as MessageKey)
      : (apiScopes.find((s) => s.value === value)?.description ?? t("scope.other", { scope: value })),
  }));
}

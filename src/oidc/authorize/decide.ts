// What an authorization request needs next, as a pure function of the request, the
// browser's session and what happened in the interaction so far (OIDC Core 3.1.2.1-3).

export type Step = "login" | "select_account" | "consent" | "complete";

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
  interaction: {
    authenticatedAt: number | null;
    accountChosen: boolean;
    consented: boolean;
    forceLogin: boolean;
  } | null;
}

export function nextStep(input: DecisionInput): Step {
  const fresh = input.interaction?.authenticatedAt != null;
  const session = input.session;
  if (!session || input.interaction?.forceLogin) return "login";
  if (!fresh) {
    if (input.prompt.includes("login")) return "login";
    // max_age=0 means "authenticate now", whatever the clock says (OIDC Core 3.1.2.1, errata).
    if (input.maxAge === 0) return "login";
    if (input.maxAge !== null && input.now - session.authTime > input.maxAge) return "login";
    if (input.hintSubject !== null && input.hintSubject !== session.userId) return "login";
    if (input.prompt.includes("select_account") && !input.interaction?.accountChosen) return "select_account";
  }
  if (!input.firstParty) {
    if (input.prompt.includes("consent") && !input.interaction?.consented) return "consent";
    if (input.scopes.some((scope) => !input.granted.has(scope)) && !input.interaction?.consented) return "consent";
  }
  return "complete";
}

/** The error prompt=none answers with when the user would have to act (OIDC Core 3.1.2.6). */
export function promptNoneError(step: Exclude<Step, "complete">): { error: string; description: string } {
  switch (step) {
    case "login":
      return { error: "login_required", description: "the user must sign in" };
    case "select_account":
      return { error: "account_selection_required", description: "the user must choose an account" };
    case "consent":
      return { error: "consent_required", description: "the user must consent" };
  }
}

const STANDARD_SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: "Know who you are",
  profile: "See your name and profile details",
  email: "See your email address",
  phone: "See your phone number",
  address: "See your postal address",
  offline_access: "Keep access while you are not using it",
};

/** What each scope means, in words for the consent page. */
export function describeScopes(
  scopes: readonly string[],
  apiScopes: readonly { value: string; description?: string }[],
): { value: string; description: string }[] {
  return scopes.map((value) => ({
    value,
    description:
      STANDARD_SCOPE_DESCRIPTIONS[value] ?? apiScopes.find((s) => s.value === value)?.description ?? `Use “${value}”`,
  }));
}

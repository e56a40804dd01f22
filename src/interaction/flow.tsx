/** @jsxImportSource hono/jsx */
// Moving an authorization request forward: from the authorization endpoint, and again
// after each page the user answers. One place decides what comes next (decide.ts) and
// acts on it: complete, answer prompt=none with an error, show the next page, or send
// the browser to the journey that handles the step (email verification, profiling).
import type { Context } from "hono";
import { isAccountClient } from "../account/client";
import { profilingAttributes } from "../attributes";
import { issuerFor } from "../config";
import type { Client, Directory, Tenant, User } from "../directory";
import type { AppEnv } from "../env";
import { journeyPaths } from "../journeys/paths";
import { levelOf } from "../mfa/levels";
import { mfaPaths } from "../mfa/paths";
import { requiredLevel } from "../mfa/sign-in";
import { completeAuthorization } from "../oidc/authorize/complete";
import { describeScopes, nextStep, promptNoneError, type DecisionInput, type Step } from "../oidc/authorize/decide";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import { authorizationError } from "../oidc/authorize/respond";
import { currentSession, type CurrentSession } from "../sessions";
import { ConsentPage } from "../ui/pages/consent";
import { SelectAccountPage } from "../ui/pages/select-account";
import { SignInPage } from "../ui/pages/sign-in";
import { htmlPage } from "../ui/render";
import { interactionExpired, interactionPage } from "./guard";
import { browserDevice } from "./sign-in";
import { finishInteraction, saveInteraction, startInteraction, type Interaction } from "./state";

type FlowContext = Context<AppEnv>;

export function interactionPath(tenant: Tenant, interaction: Interaction, action = ""): string {
  return `/t/${tenant.slug}/interaction/${interaction.id}${action ? `/${action}` : ""}`;
}

async function grantedScopes(directory: Directory, client: Client, session: CurrentSession | null) {
  if (!session || client.firstParty) return new Set<string>();
  return directory.consents.grantedScopes(session.userId, client.clientId);
}

/** Passwordless email codes: the app's own setting, else the tenant's. */
export function emailCodeOffered(tenant: Tenant, client: Client): boolean {
  return client.emailCodeSignIn ?? tenant.emailCodeSignIn;
}

/** Steps past sign-in: where a session too weak for this app must be strengthened first. */
const STEP_UP_CHECKED = new Set<Step>(["verify_email", "profile", "consent", "complete"]);

/**
 * Whether the session is weaker than this app needs. Right after signing in here, the
 * policy was applied already (src/mfa/sign-in.ts) and only acr_values can ask for more;
 * arriving by single sign-on, the app's own policy applies too.
 */
async function sessionTooWeak(
  c: FlowContext,
  tenant: Tenant,
  directory: Directory,
  client: Client,
  request: AuthorizationRequest,
  session: CurrentSession,
  user: User,
  interaction: Interaction | null,
): Promise<boolean> {
  const current = levelOf(session.session.acr);
  const { level } = await requiredLevel(c, {
    tenant,
    directory,
    client,
    request,
    user,
    deviceId: (await browserDevice(c)).deviceId,
    current,
    applyPolicy: interaction?.authenticatedUserId !== session.userId,
  });
  return current < level;
}

export async function proceed(
  c: FlowContext,
  tenant: Tenant,
  directory: Directory,
  client: Client,
  request: AuthorizationRequest,
  interaction: Interaction | null,
  hintSubject: string | null,
): Promise<Response> {
  const issuer = issuerFor(c.env, tenant.slug);
  const session = await currentSession(c, tenant);
  const user = session ? await directory.users.get(session.userId) : null;
  const decision: DecisionInput = {
    prompt: request.prompt,
    maxAge: request.maxAge,
    scopes: request.scopes,
    session: session && { userId: session.userId, authTime: session.session.authTime },
    now: Math.floor(Date.now() / 1000),
    firstParty: client.firstParty,
    granted: await grantedScopes(directory, client, session),
    hintSubject,
    emailVerificationRequired: Boolean(user && tenant.requireVerifiedEmail && !user.emailVerified),
    profileAttributes: user ? profilingAttributes(tenant.profilingRules, user, request.scopes).map((a) => a.name) : [],
    interaction: interaction && { ...interaction, firstFactorPending: Boolean(interaction.firstFactor) },
  };
  let step = nextStep(decision);
  if (
    session &&
    user &&
    STEP_UP_CHECKED.has(step) &&
    (await sessionTooWeak(c, tenant, directory, client, request, session, user, interaction))
  )
    step = nextStep({ ...decision, stepUpNeeded: true });

  if (step === "complete") {
    if (interaction && !(await finishInteraction(c, tenant, interaction)))
      return authorizationError(c, request, issuer, "access_denied", "this sign-in was already completed");
    // The account page's own sign-in issues no code: back to the page (src/account/client.ts).
    if (isAccountClient(client)) return c.redirect(request.redirectUri, 303);
    return completeAuthorization(c, tenant, directory, client, request, session!.userId, session!.session, user);
  }
  if (request.prompt.includes("none") || step === "hint_mismatch") {
    if (interaction) await finishInteraction(c, tenant, interaction);
    const { error, description } = promptNoneError(step);
    return authorizationError(c, request, issuer, error, description);
  }
  if (step === "create" && !interaction) {
    const started = await startInteraction(c, tenant, request, hintSubject);
    return c.redirect(journeyPaths.signUp(tenant, started.id), 303);
  }
  if (!interaction) {
    const started = await startInteraction(c, tenant, request, hintSubject);
    return c.redirect(interactionPath(tenant, started), 303);
  }
  if (step === "mfa") {
    // A step-up: the second-factor pages serve this signed-in user, in this interaction only.
    if (!interaction.firstFactor && session && interaction.stepUpUserId !== session.userId)
      if (!(await saveInteraction(c, tenant, interaction, { stepUpUserId: session.userId })))
        return interactionExpired(c);
    return c.redirect(mfaPaths.choose(tenant, interaction.id), 303);
  }
  if (step === "verify_email") return c.redirect(journeyPaths.verifyEmail(tenant, interaction.id), 303);
  if (step === "profile") return c.redirect(journeyPaths.profile(tenant, interaction.id), 303);
  if (step === "create") return c.redirect(journeyPaths.signUp(tenant, interaction.id), 303);
  return renderStep(c, tenant, directory, client, interaction, step, session, null, 200, undefined, user);
}

export async function renderStep(
  c: FlowContext,
  tenant: Tenant,
  directory: Directory,
  client: Client,
  interaction: Interaction,
  step: "login" | "select_account" | "consent",
  session: CurrentSession | null,
  error: string | null,
  status: 200 | 400 | 401 | 403 | 429 = 200,
  typedEmail?: string,
  signedInUser?: User | null,
): Promise<Response> {
  const page = await interactionPage(c, interaction);
  const clientName = client.clientName ?? client.clientId;
  const common = { page, clientName, csrf: interaction.csrf };
  if (step === "login") {
    return htmlPage(
      c,
      <SignInPage
        {...common}
        action={interactionPath(tenant, interaction, "login")}
        email={typedEmail ?? interaction.request.loginHint ?? ""}
        error={error}
        alternatives={{
          signUp: tenant.selfSignUpEnabled ? journeyPaths.signUp(tenant, interaction.id) : null,
          passwordReset: journeyPaths.passwordReset(tenant, interaction.id),
          emailCode: emailCodeOffered(tenant, client) ? journeyPaths.emailCode(tenant, interaction.id) : null,
        }}
        passkey={{
          action: mfaPaths.passkeySignIn(tenant, interaction.id),
          options: `${mfaPaths.passkeySignIn(tenant, interaction.id)}/options`,
        }}
      />,
      status,
      { script: true },
    );
  }
  const user = signedInUser !== undefined ? signedInUser : session ? await directory.users.get(session.userId) : null;
  if (step === "select_account") {
    return htmlPage(
      c,
      <SelectAccountPage
        {...common}
        userLabel={user?.email ?? user?.name ?? null}
        action={interactionPath(tenant, interaction, "select-account")}
      />,
      status,
    );
  }
  const resource = interaction.request.resource
    ? (await directory.resources.all()).find((r) => r.identifier === interaction.request.resource)
    : undefined;
  return htmlPage(
    c,
    <ConsentPage
      {...common}
      logoUri={client.logoUri}
      userEmail={user?.email ?? null}
      scopes={describeScopes(interaction.request.scopes, resource?.scopes ?? [], page.t)}
      forUser={session?.userId ?? ""}
      action={interactionPath(tenant, interaction, "consent")}
    />,
    status,
  );
}

export type { Step };

/** @jsxImportSource hono/jsx */
// Moving an authorization request forward: from the authorization endpoint, and again
// after each page the user answers. One place decides what comes next (decide.ts) and
// acts on it: complete, answer prompt=none with an error, or show the next page.
import type { Context } from "hono";
import { issuerFor } from "../config";
import type { Client, Directory, Tenant } from "../directory";
import type { AppEnv } from "../env";
import { completeAuthorization } from "../oidc/authorize/complete";
import { describeScopes, nextStep, promptNoneError, type Step } from "../oidc/authorize/decide";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import { authorizationError } from "../oidc/authorize/respond";
import { currentSession, type CurrentSession } from "../sessions";
import { pageHeaders } from "../ui/headers";
import { ConsentPage } from "../ui/pages/consent";
import { SelectAccountPage } from "../ui/pages/select-account";
import { SignInPage } from "../ui/pages/sign-in";
import { finishInteraction, startInteraction, type Interaction } from "./state";

type FlowContext = Context<AppEnv>;

export function interactionPath(tenant: Tenant, interaction: Interaction, action = ""): string {
  return `/t/${tenant.slug}/interaction/${interaction.id}${action ? `/${action}` : ""}`;
}

async function grantedScopes(directory: Directory, client: Client, session: CurrentSession | null) {
  if (!session || client.firstParty) return new Set<string>();
  return directory.consents.grantedScopes(session.userId, client.clientId);
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
  const step = nextStep({
    prompt: request.prompt,
    maxAge: request.maxAge,
    scopes: request.scopes,
    session: session && { userId: session.userId, authTime: session.session.authTime },
    now: Math.floor(Date.now() / 1000),
    firstParty: client.firstParty,
    granted: await grantedScopes(directory, client, session),
    hintSubject,
    interaction,
  });

  if (step === "complete") {
    if (interaction && !(await finishInteraction(c, tenant, interaction)))
      return authorizationError(c, request, issuer, "access_denied", "this sign-in was already completed");
    return completeAuthorization(c, tenant, directory, client, request, session!.userId, session!.session);
  }
  if (request.prompt.includes("none") || step === "hint_mismatch") {
    if (interaction) await finishInteraction(c, tenant, interaction);
    const { error, description } = promptNoneError(step);
    return authorizationError(c, request, issuer, error, description);
  }
  if (!interaction) {
    const started = await startInteraction(c, tenant, request, hintSubject);
    return c.redirect(interactionPath(tenant, started), 303);
  }
  return renderStep(c, tenant, directory, client, interaction, step, session, null);
}

export async function renderStep(
  c: FlowContext,
  tenant: Tenant,
  directory: Directory,
  client: Client,
  interaction: Interaction,
  step: Exclude<Step, "complete">,
  session: CurrentSession | null,
  error: string | null,
  status: 200 | 400 | 401 | 403 | 429 = 200,
  typedEmail?: string,
): Promise<Response> {
  const clientName = client.clientName ?? client.clientId;
  const common = { tenantName: tenant.displayName, clientName, csrf: interaction.csrf };
  if (step === "login") {
    return c.html(
      <SignInPage
        {...common}
        action={interactionPath(tenant, interaction, "login")}
        email={typedEmail ?? interaction.request.loginHint ?? ""}
        error={error}
      />,
      status,
      pageHeaders(),
    );
  }
  const user = session ? await directory.users.get(session.userId) : null;
  if (step === "select_account") {
    return c.html(
      <SelectAccountPage
        {...common}
        userLabel={user?.email ?? user?.name ?? "your account"}
        action={interactionPath(tenant, interaction, "select-account")}
      />,
      status,
      pageHeaders(),
    );
  }
  const resource = interaction.request.resource
    ? (await directory.resources.all()).find((r) => r.identifier === interaction.request.resource)
    : undefined;
  return c.html(
    <ConsentPage
      {...common}
      logoUri={client.logoUri}
      userEmail={user?.email ?? null}
      scopes={describeScopes(interaction.request.scopes, resource?.scopes ?? [])}
      forUser={session?.userId ?? ""}
      action={interactionPath(tenant, interaction, "consent")}
    />,
    status,
    pageHeaders(),
  );
}

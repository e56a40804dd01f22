// The account page signs users in through the ordinary hosted sign-in, as a client that
// exists only here: a reserved first-party "app" with no row in D1, whose authorization
// never issues a code. Its interaction, once the user is signed in, ends with a redirect
// back to the account page (src/interaction/flow.tsx) instead of an authorization response.
import { ACR } from "../mfa/levels";
import type { Context } from "hono";
import { issuerFor } from "../config";
import type { Client, Directory, Tenant } from "../directory";
import type { AppEnv, Env } from "../env";
import { startInteraction } from "../interaction/state";
import { interactionPath, journeyPaths } from "../journeys/paths";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import { builtInClient } from "../clients/built-in";

export const ACCOUNT_CLIENT_ID = "latchkey-account";

/** Where the account page's interactions return to: the account page itself, nowhere else. */
function accountUrl(env: Env, tenant: Pick<Tenant, "slug">, section: string): string {
  return `${issuerFor(env, tenant.slug)}${journeyPaths.account(tenant, section).slice(`/t/${tenant.slug}`.length)}`;
}

function isAccountUrl(env: Env, tenant: Pick<Tenant, "slug">, url: string): boolean {
  const base = accountUrl(env, tenant, "");
  return url === base || url.startsWith(`${base}/`);
}

/** The reserved client, as the interaction pages see it. */
export function accountClient(tenant: Tenant): Client {
  return builtInClient({ tenantId: tenant.id, clientId: ACCOUNT_CLIENT_ID, clientName: tenant.displayName });
}

/**
 * The reserved client when `request` is one the account page started (its client id and
 * a return address on the account page), else null: the interaction's app is in D1.
 */
export function accountClientFor(env: Env, tenant: Tenant, request: AuthorizationRequest): Client | null {
  if (request.clientId !== ACCOUNT_CLIENT_ID || !isAccountUrl(env, tenant, request.redirectUri)) return null;
  return accountClient(tenant);
}

/**
 * The app an interaction belongs to: the reserved account client, or the tenant's client
 * from D1. Every page of an interaction (sign-in and the journeys) should ask this.
 */
export function interactionClient(
  env: Env,
  tenant: Tenant,
  directory: Directory,
  request: AuthorizationRequest,
): Promise<Client | null> {
  const accountApp = accountClientFor(env, tenant, request);
  return accountApp ? Promise.resolve(accountApp) : directory.clients.get(request.clientId);
}

export function isAccountClient(client: Client): boolean {
  return client.clientId === ACCOUNT_CLIENT_ID && client.createdAt === 0 && client.grantTypes.length === 0;
}

/**
 * Starts a sign-in that comes back to `section` of the account page; `reauthenticate`
 * asks for credentials again although a session exists (prompt=login), for actions that
 * need a recent sign-in.
 */
export async function startAccountSignIn(
  c: Context<AppEnv>,
  tenant: Tenant,
  section: string,
  options: { reauthenticate?: boolean; stepUp?: boolean } = {},
): Promise<Response> {
  const request: AuthorizationRequest = {
    redirectUri: accountUrl(c.env, tenant, section),
    responseMode: "query",
    state: null,
    redirectUriGiven: false,
    clientId: ACCOUNT_CLIENT_ID,
    scopes: ["openid", "profile", "email"],
    nonce: null,
    prompt: options.reauthenticate ? ["login"] : [],
    maxAge: null,
    loginHint: null,
    idTokenHint: null,
    uiLocales: [],
    // Managing factors and security settings needs two factors when the account has them.
    acrValues: options.stepUp ? [ACR.multiFactor] : [],
    resource: null,
    // No code is ever issued for this request, so there is nothing for PKCE to protect.
    codeChallenge: null,
    claims: null,
  };
  const interaction = await startInteraction(c, tenant, request, null);
  return c.redirect(interactionPath(tenant, interaction.id), 303);
}

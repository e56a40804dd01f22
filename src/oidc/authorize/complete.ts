// The end of a successful authorization: the code is issued in the user's UserState, with
// everything the token endpoint will need (scopes, PKCE challenge, the ID token claims
// computed now), and sent back to the client.
import type { AppEnv } from "../../env";
import type { Context } from "hono";
import { issuerFor } from "../../config";
import type { Client, Directory, Tenant, User } from "../../directory";
import type { Env } from "../../env";
import { userState, type SessionRecord } from "../../sessions";
import { formatOpaque } from "../../tokens";
import { releasedClaims } from "../claims";
import type { AuthorizationRequest } from "./request";
import { authorizationError, authorizationResponse } from "./respond";

export async function completeAuthorization(
  c: Context<AppEnv>,
  tenant: Tenant,
  directory: Directory,
  client: Client,
  request: AuthorizationRequest,
  userId: string,
  session: SessionRecord,
  /** The user, when the caller read it already (saves a query). */
  known?: User | null,
): Promise<Response> {
  const issuer = issuerFor(c.env, tenant.slug);
  const user = known && known.id === userId ? known : await directory.users.get(userId);
  if (!user || user.status !== "active")
    return authorizationError(c, request, issuer, "access_denied", "the account cannot sign in");

  const refresh = client.grantTypes.includes("refresh_token")
    ? {
        ttl: client.refreshTokenTtl ?? tenant.refreshTokenTtl,
        idleTtl: client.refreshTokenIdleTtl ?? tenant.refreshTokenIdleTtl,
        offline: request.scopes.includes("offline_access"),
      }
    : null;
  const issued = await userState(c.env, tenant.id, userId, c.var.stats).issueCode({
    clientId: client.clientId,
    sid: session.sid,
    scope: request.scopes.join(" "),
    resource: request.resource,
    nonce: request.nonce,
    authTime: session.authTime,
    amr: session.amr,
    acr: session.acr,
    idTokenClaims: request.scopes.includes("openid")
      ? releasedClaims(user, request.scopes, request.claims?.idToken ?? [])
      : {},
    userinfoClaims: request.claims?.userinfo ?? [],
    idTokenClaimNames: request.claims?.idToken ?? [],
    redirectUri: request.redirectUri,
    redirectUriRequired: request.redirectUriGiven,
    codeChallenge: request.codeChallenge,
    refresh,
  });
  if ("ok" in issued) return authorizationError(c, request, issuer, "login_required", issued.reason);
  const code = formatOpaque("code", { userId, recordId: issued.codeId, secret: issued.secret });
  return authorizationResponse(c, request, issuer, { code });
}

// The refresh_token grant (RFC 6749 6, RFC 9700 4.14): the token is rotated in the user's
// UserState (one Durable Object round trip); presenting a rotated-out token revokes the
// whole family. A narrower `scope` may be asked for; never a wider one.
import { userState, type RotateResult } from "../../sessions";
import { formatOpaque, parseOpaque } from "../../tokens";
import { releasedClaims } from "../claims";
import { InvalidGrant, InvalidRequest, InvalidScope, UnauthorizedClient } from "../errors";
import { parseScope } from "../scopes";
import type { GrantContext, GrantResult } from "./context";
import { issueUserTokens } from "./user-tokens";

export class RefreshReused extends InvalidGrant {
  constructor(
    description: string,
    readonly userId: string,
    readonly familyId: string | null,
  ) {
    super(description);
  }
}

export async function refreshTokenGrant(context: GrantContext): Promise<GrantResult> {
  const { env, tenant, params, authenticated, directory } = context;
  const client = authenticated.client;
  if (!client.grantTypes.includes("refresh_token"))
    throw new UnauthorizedClient("this client is not registered for the refresh_token grant");
  const token = params.get("refresh_token");
  if (!token) throw new InvalidRequest("refresh_token is required");
  const parts = parseOpaque("refresh", token);
  if (!parts) throw new InvalidGrant("the refresh token is invalid or revoked");

  const requested = parseScope(params.get("scope"));
  const state = userState(env, tenant.id, parts.userId, context.stats);
  const [rotated, user] = await Promise.all([
    state.rotateRefresh({
      fid: parts.recordId,
      secret: parts.secret,
      clientId: client.clientId,
      scope: requested,
    }) as Promise<RotateResult>,
    directory.users.getProfile(parts.userId),
  ]);
  if (!("family" in rotated)) {
    if (rotated.revokedFamily !== undefined)
      throw new RefreshReused(rotated.reason, parts.userId, rotated.revokedFamily);
    if (rotated.error === "invalid_scope") throw new InvalidScope(rotated.reason);
    throw new InvalidGrant(rotated.reason);
  }
  const { family } = rotated;
  if (!user || user.status !== "active") {
    await state.endEverything();
    throw new InvalidGrant("the account can no longer sign in");
  }
  const scope = requested.length ? requested : family.scope.split(" ");

  const { access, idToken } = await issueUserTokens({
    ...context,
    client,
    userId: parts.userId,
    scope,
    resource: family.resource,
    facts: family,
    sid: family.sid,
    // OIDC Core 12.2: a refreshed ID token carries no nonce.
    nonce: null,
    idTokenClaims: scope.includes("openid") ? releasedClaims(user, scope, family.idTokenClaimNames ?? []) : null,
    userinfoClaims: family.userinfoClaims ?? [],
  });
  return {
    response: {
      access_token: access.token,
      token_type: "Bearer",
      expires_in: access.expiresIn,
      scope: scope.join(" "),
      refresh_token: formatOpaque("refresh", { userId: parts.userId, recordId: family.fid, secret: rotated.secret }),
      ...(idToken ? { id_token: idToken } : {}),
    },
    audit: {
      userId: parts.userId,
      details: { scope: scope.join(" "), jti: access.jti, refresh_family: family.fid, generation: family.generation },
    },
  };
}

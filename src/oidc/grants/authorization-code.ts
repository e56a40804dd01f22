// The authorization_code grant (RFC 6749 4.1.3, RFC 7636, OIDC Core 3.1.3): the code is
// redeemed in the user's UserState, once, by the client it was issued to, with the same
// redirect_uri and the PKCE verifier. One Durable Object round trip.
import { base64url, sha256 } from "../../crypto/encoding";
import { userState, type RedeemResult } from "../../sessions";
import { MAX_SIGNED_TOKEN_TTL } from "../../keys";
import { formatOpaque, newJti, parseOpaque } from "../../tokens";
import { InvalidGrant, InvalidRequest, UnauthorizedClient } from "../errors";
import type { GrantContext, GrantResult } from "./context";
import { issueUserTokens } from "./user-tokens";

const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** Thrown when a second redemption revoked what the first one issued: audited separately. */
export class CodeReused extends InvalidGrant {
  constructor(
    description: string,
    readonly userId: string,
    readonly familyId: string | null,
  ) {
    super(description);
  }
}

export async function authorizationCodeGrant(context: GrantContext): Promise<GrantResult> {
  const { env, tenant, params, authenticated } = context;
  const client = authenticated.client;
  if (!client.grantTypes.includes("authorization_code"))
    throw new UnauthorizedClient("this client is not registered for the authorization_code grant");
  const code = params.get("code");
  if (!code) throw new InvalidRequest("code is required");
  const verifier = params.get("code_verifier");
  if (verifier !== undefined && !CODE_VERIFIER.test(verifier))
    throw new InvalidGrant("code_verifier must be 43 to 128 characters of [A-Za-z0-9._~-]");
  const parts = parseOpaque("code", code);
  if (!parts) throw new InvalidGrant("the authorization code is invalid");

  // The access token's id is fixed now, so a later reuse of the code can revoke it too
  // (remembered for the longest lifetime any token can have).
  const jti = newJti();
  // Claims are typed `unknown` inside, which the RPC stub types cannot follow: name the result.
  const redeemed = (await userState(env, tenant.id, parts.userId, context.stats).redeemCode({
    codeId: parts.recordId,
    secret: parts.secret,
    clientId: client.clientId,
    redirectUri: params.get("redirect_uri") ?? null,
    verifierChallenge: verifier ? base64url.encode(await sha256(verifier)) : null,
    accessToken: { jti, expiresAt: Math.floor(Date.now() / 1000) + MAX_SIGNED_TOKEN_TTL },
  })) as RedeemResult;
  if (!("grant" in redeemed)) {
    if (redeemed.revokedFamily !== undefined || redeemed.reason.includes("already used"))
      throw new CodeReused(redeemed.reason, parts.userId, redeemed.revokedFamily ?? null);
    throw new InvalidGrant(redeemed.reason);
  }
  const { grant, refresh } = redeemed;
  const scope = grant.scope.split(" ");
  const { access, idToken } = await issueUserTokens({
    ...context,
    client,
    userId: parts.userId,
    scope,
    resource: grant.resource,
    facts: grant,
    sid: grant.sid,
    nonce: grant.nonce,
    idTokenClaims: grant.idTokenClaims,
    userinfoClaims: grant.userinfoClaims,
    jti,
  });
  return {
    response: {
      access_token: access.token,
      token_type: "Bearer",
      expires_in: access.expiresIn,
      scope: grant.scope,
      ...(idToken ? { id_token: idToken } : {}),
      ...(refresh
        ? {
            refresh_token: formatOpaque("refresh", {
              userId: parts.userId,
              recordId: refresh.fid,
              secret: refresh.secret,
            }),
          }
        : {}),
    },
    audit: {
      userId: parts.userId,
      details: { scope: grant.scope, jti: access.jti, refresh_family: refresh?.fid ?? null, sid: grant.sid },
    },
  };
}

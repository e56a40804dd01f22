// The tokens a user grant (authorization_code, refresh_token) hands out: an RFC 9068
// access token for the API asked for (and the UserInfo endpoint when `openid` was
// granted), and an ID token for OpenID requests.
import type { Client, Directory, Tenant } from "../../directory";
import type { Env } from "../../env";
import type { AuthenticationFacts } from "../../sessions";
import type { RequestStats } from "../../storage/database";
import { issueAccessToken, issueIdToken } from "../../tokens";

export interface UserTokenInput {
  env: Env;
  stats: RequestStats;
  tenant: Tenant;
  directory: Directory;
  issuer: string;
  client: Client;
  userId: string;
  scope: string[];
  resource: string | null;
  facts: AuthenticationFacts;
  sid: string | null;
  nonce: string | null;
  /** Claims for the ID token; null when no ID token is due. */
  idTokenClaims: Record<string, unknown> | null;
  userinfoClaims: string[];
  /** Chosen before the grant was recorded (see authorization-code.ts). */
  jti?: string;
}

export async function issueUserTokens(input: UserTokenInput) {
  const { env, stats, tenant, issuer, client } = input;
  const resource = input.resource
    ? ((await input.directory.resources.all()).find((r) => r.identifier === input.resource) ?? null)
    : null;
  const openid = input.scope.includes("openid");
  const audience = [...(resource ? [resource.identifier] : []), ...(openid || !resource ? [`${issuer}/userinfo`] : [])];
  const access = await issueAccessToken(env, stats, tenant.id, {
    issuer,
    subject: input.userId,
    audience: audience.length === 1 ? audience[0]! : audience,
    clientId: client.clientId,
    scope: input.scope.join(" "),
    ttlSeconds: client.accessTokenTtl ?? resource?.accessTokenTtl ?? tenant.accessTokenTtl,
    alg: resource?.signingAlg ?? "ES256",
    ...(input.jti ? { jti: input.jti } : {}),
    extra: {
      auth_time: input.facts.authTime,
      acr: input.facts.acr,
      amr: input.facts.amr,
      ...(input.userinfoClaims.length ? { userinfo_claims: input.userinfoClaims } : {}),
    },
  });
  const idToken =
    openid && input.idTokenClaims
      ? await issueIdToken(env, stats, tenant.id, {
          issuer,
          clientId: client.clientId,
          alg: client.idTokenSignedResponseAlg === "RS256" ? "RS256" : "ES256",
          ttlSeconds: client.idTokenTtl ?? tenant.idTokenTtl,
          subject: input.userId,
          authTime: input.facts.authTime,
          nonce: input.nonce,
          acr: input.facts.acr,
          amr: input.facts.amr,
          sid: input.sid,
          accessToken: access.token,
          claims: input.idTokenClaims,
        })
      : null;
  return { access, idToken };
}

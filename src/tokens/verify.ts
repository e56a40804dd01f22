// Checking an access token we issued: signature by one of the tenant's published keys,
// `typ: at+jwt`, our issuer, not expired, and not revoked (RFC 7009) in its subject's
// UserState.
import { createLocalJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { Env } from "../env";
import { publishedJwks } from "../keys";
import { userState } from "../sessions";
import type { RequestStats } from "../storage/database";

export interface AccessTokenPayload extends JWTPayload {
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
  exp: number;
}

/** The UserState holding revocations of a token: its user's, or its client's for client tokens. */
export function revocationSubject(payload: { sub: string; client_id: string }): string {
  return payload.sub.startsWith("usr_") ? payload.sub : `client:${payload.client_id}`;
}

export async function verifyAccessToken(
  env: Env,
  stats: RequestStats,
  tenantId: string,
  issuer: string,
  token: string,
  options: { audience?: string; checkRevocation?: boolean } = {},
): Promise<AccessTokenPayload | null> {
  let payload: JWTPayload;
  try {
    const jwks = createLocalJWKSet(
      (await publishedJwks(env, stats, tenantId)) as Parameters<typeof createLocalJWKSet>[0],
    );
    ({ payload } = await jwtVerify(token, jwks, {
      issuer,
      typ: "at+jwt",
      algorithms: ["ES256", "RS256"],
      requiredClaims: ["sub", "exp", "jti", "client_id"],
      ...(options.audience ? { audience: options.audience } : {}),
    }));
  } catch {
    return null;
  }
  const verified = payload as AccessTokenPayload;
  if (typeof verified.scope !== "string") verified.scope = "";
  if (options.checkRevocation !== false) {
    const revoked = await userState(env, tenantId, revocationSubject(verified), stats).isAccessTokenRevoked(
      verified.jti,
    );
    if (revoked) return null;
  }
  return verified;
}

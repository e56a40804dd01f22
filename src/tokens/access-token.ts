// JWT access tokens (RFC 9068): `typ: at+jwt`, signed with the tenant's current key.
import { randomToken } from "../crypto/encoding";
import type { Env } from "../env";
import { signingKeyFor } from "../keys";
import { signJwt } from "./jws";
import type { RequestStats } from "../storage/database";
import type { SigningAlg } from "../storage/schema";

export interface AccessTokenClaims {
  issuer: string;
  /** The client itself for client_credentials, the user otherwise. */
  subject: string;
  audience: string | string[];
  clientId: string;
  scope: string;
  ttlSeconds: number;
  alg: SigningAlg;
  /** auth_time, acr, amr for user tokens (RFC 9068 2.2.1), and our private claims. */
  extra?: Record<string, unknown>;
  /** A jti chosen in advance (to record it before the token exists); random otherwise. */
  jti?: string;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  expiresAt: number;
}

export async function issueAccessToken(
  env: Env,
  stats: RequestStats,
  tenantId: string,
  claims: AccessTokenClaims,
): Promise<IssuedAccessToken> {
  const signingKey = await signingKeyFor(env, stats, tenantId, claims.alg);
  const jti = claims.jti ?? randomToken(16);
  const now = Math.floor(Date.now() / 1000);
  const token = await signJwt(
    { alg: claims.alg, typ: "at+jwt", kid: signingKey.kid },
    {
      ...claims.extra,
      iss: claims.issuer,
      sub: claims.subject,
      aud: claims.audience,
      client_id: claims.clientId,
      scope: claims.scope,
      iat: now,
      exp: now + claims.ttlSeconds,
      jti,
    },
    signingKey.key,
  );
  return { token, jti, expiresIn: claims.ttlSeconds, expiresAt: now + claims.ttlSeconds };
}

export function newJti(): string {
  return randomToken(16);
}

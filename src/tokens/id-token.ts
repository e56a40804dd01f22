// ID tokens (OIDC Core 2, 3.1.3.6): signed with the tenant key of the algorithm the client
// registered (ES256 unless it asked for RS256), with at_hash binding the access token.
import { base64url, createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { sha256 } from "../crypto/encoding";
import type { Env } from "../env";
import { publishedJwks, signingKeyFor } from "../keys";
import { signJwt } from "./jws";
import type { RequestStats } from "../storage/database";
import type { SigningAlg } from "../storage/schema";

export interface IdTokenInput {
  issuer: string;
  clientId: string;
  alg: SigningAlg;
  ttlSeconds: number;
  subject: string;
  authTime: number;
  nonce: string | null;
  acr: string;
  amr: string[];
  sid: string | null;
  accessToken: string | null;
  /** User claims released to this client (profile, email, ...). */
  claims: Record<string, unknown>;
}

/** OIDC Core 3.1.3.6: the left half of the access token's SHA-256, base64url. */
export async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = await sha256(accessToken);
  return base64url.encode(digest.slice(0, digest.length / 2));
}

export async function issueIdToken(
  env: Env,
  stats: RequestStats,
  tenantId: string,
  input: IdTokenInput,
): Promise<string> {
  const key = await signingKeyFor(env, stats, tenantId, input.alg);
  const now = Math.floor(Date.now() / 1000);
  const { sub: _sub, ...claims } = input.claims;
  const payload: JWTPayload = {
    ...claims,
    auth_time: input.authTime,
    acr: input.acr,
    amr: input.amr,
    azp: input.clientId,
    ...(input.nonce !== null ? { nonce: input.nonce } : {}),
    ...(input.sid !== null ? { sid: input.sid } : {}),
    ...(input.accessToken ? { at_hash: await accessTokenHash(input.accessToken) } : {}),
  };
  return signJwt(
    { alg: input.alg, typ: "JWT", kid: key.kid },
    { ...payload, iss: input.issuer, sub: input.subject, aud: input.clientId, iat: now, exp: now + input.ttlSeconds },
    key.key,
  );
}

export interface VerifiedHint {
  subject: string;
  audiences: string[];
  sid: string | null;
}

/**
 * Verifies an ID token we issued, given back as a hint (id_token_hint). Expired tokens
 * are accepted, as hints usually are, but the signature must be one of the tenant's keys:
 * `alg: none`, symmetric algorithms and other keys are refused.
 */
export async function verifyIdTokenHint(
  env: Env,
  stats: RequestStats,
  tenantId: string,
  issuer: string,
  token: string,
): Promise<VerifiedHint | null> {
  // Our ID tokens say typ JWT; access tokens (at+jwt) must never pass as hints, expired or not.
  try {
    if (decodeProtectedHeader(token).typ !== "JWT") return null;
  } catch {
    return null;
  }
  const jwks = createLocalJWKSet(
    (await publishedJwks(env, stats, tenantId)) as Parameters<typeof createLocalJWKSet>[0],
  );
  let payload: JWTPayload;
  try {
    const verified = await jwtVerify(token, jwks, { issuer, algorithms: ["ES256", "RS256"], typ: "JWT" });
    payload = verified.payload;
  } catch (error) {
    // jose checks the signature before the claims: an expired token here is genuine.
    if (error instanceof errors.JWTExpired && error.payload.iss === issuer) payload = error.payload;
    else return null;
  }
  if (typeof payload.sub !== "string" || typeof payload.azp !== "string") return null;
  const audiences = typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  return { subject: payload.sub, audiences, sid: typeof payload.sid === "string" ? payload.sid : null };
}

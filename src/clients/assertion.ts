// private_key_jwt client authentication (RFC 7523 section 3, OIDC Core 9): the client
// signs a short JWT with a key it registered (inline `jwks` or a `jwks_uri`). Only
// asymmetric algorithms are accepted, so neither `alg: none` nor an HMAC keyed with the
// public key can pass; each assertion id (jti) is accepted once (the caller records it).
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { Client } from "../directory";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const ASSERTION_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];
/** Assertions must expire within this many seconds: it bounds how long a jti is remembered. */
export const ASSERTION_MAX_LIFETIME = 3600;

const remoteKeySets = new Map<string, JWTVerifyGetKey>();

function keySetOf(client: Client): JWTVerifyGetKey | null {
  if (client.jwks) return createLocalJWKSet(client.jwks as Parameters<typeof createLocalJWKSet>[0]);
  if (!client.jwksUri) return null;
  let keySet = remoteKeySets.get(client.jwksUri);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(client.jwksUri), {
      timeoutDuration: 3000,
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
    if (remoteKeySets.size > 500) remoteKeySets.clear();
    remoteKeySets.set(client.jwksUri, keySet);
  }
  return keySet;
}

/** Who an assertion claims to be, read before verification to find the client. */
export function assertedClientId(assertion: string): string | null {
  try {
    const claims = decodeJwt(assertion);
    return typeof claims.sub === "string" ? claims.sub : null;
  } catch {
    return null;
  }
}

export type AssertionResult = { ok: true; jti: string; expiresAt: number } | { ok: false; reason: string };

/**
 * Verifies the assertion's signature and claims: iss and sub are the client_id, aud names
 * this server (the endpoint URL or the issuer), exp is near and jti present.
 */
export async function verifyClientAssertion(
  assertion: string,
  client: Client,
  audiences: string[],
): Promise<AssertionResult> {
  const keySet = keySetOf(client);
  if (!keySet) return { ok: false, reason: "the client has no registered keys" };
  try {
    const { payload } = await jwtVerify(assertion, keySet, {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: client.clientId,
      subject: client.clientId,
      audience: audiences,
      requiredClaims: ["exp", "jti"],
      clockTolerance: 30,
    });
    // One audience only: an assertion listing other servers too could be replayed there (and here).
    if (Array.isArray(payload.aud) && payload.aud.length > 1)
      return { ok: false, reason: "the assertion must name one audience" };
    const now = Math.floor(Date.now() / 1000);
    if (payload.exp! - now > ASSERTION_MAX_LIFETIME)
      return { ok: false, reason: `the assertion must expire within ${ASSERTION_MAX_LIFETIME} seconds` };
    if (typeof payload.jti !== "string" || payload.jti.length > 256)
      return { ok: false, reason: "the assertion jti is invalid" };
    return { ok: true, jti: payload.jti, expiresAt: payload.exp! };
  } catch (error) {
    return { ok: false, reason: `the assertion is not valid (${(error as Error).name})` };
  }
}

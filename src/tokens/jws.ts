// Signing our own JWTs (RFC 7515 compact serialization) straight with Web Crypto: the
// token endpoint signs on every request, and jose's SignJWT builder validates and copies
// claims we assemble ourselves. Verification, where input is untrusted, stays with jose.
import { base64url, utf8 } from "../crypto/encoding";
import type { SigningAlg } from "../storage/schema";

// Web Crypto's ECDSA signature is r || s, the form JWS wants (RFC 7518 3.4).
const SIGN_PARAMS: Record<SigningAlg, SubtleCryptoSignAlgorithm> = {
  ES256: { name: "ECDSA", hash: "SHA-256" },
  RS256: { name: "RSASSA-PKCS1-v1_5" },
};

export interface JwsHeader {
  alg: SigningAlg;
  typ: string;
  kid: string;
}

function encodeJson(value: unknown): string {
  return base64url.encode(utf8.encode(JSON.stringify(value)));
}

export async function signJwt(header: JwsHeader, payload: Record<string, unknown>, key: CryptoKey): Promise<string> {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign(SIGN_PARAMS[header.alg], key, utf8.encode(signingInput));
  return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
}

// Fresh signing key pairs. The kid is the key's JWK thumbprint (RFC 7638), so it is
// derived from the key itself and never collides across tenants.
import { calculateJwkThumbprint, type JWK } from "jose";
import type { SigningAlg } from "../storage/schema";

const ALGORITHMS: Record<SigningAlg, SubtleCryptoGenerateKeyAlgorithm> = {
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  RS256: {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
};

export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JsonWebKey;
  privateJwk: JsonWebKey;
}

export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const pair = (await crypto.subtle.generateKey(ALGORITHMS[alg], true, ["sign", "verify"])) as CryptoKeyPair;
  const publicFull = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  const privateJwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const kid = await calculateJwkThumbprint(publicFull as JWK, "sha256");
  const publicJwk: JsonWebKey & { kid: string; use: string } =
    alg === "ES256"
      ? { kty: "EC", crv: publicFull.crv, x: publicFull.x, y: publicFull.y, kid, alg, use: "sig" }
      : { kty: "RSA", n: publicFull.n, e: publicFull.e, kid, alg, use: "sig" };
  return { kid, alg, publicJwk, privateJwk };
}

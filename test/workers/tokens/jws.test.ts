// Our JWS signer against jose's verifier: what we sign, a certified library accepts, for
// both algorithms, with exactly the header and claims we gave.
import { compactVerify, decodeProtectedHeader, jwtVerify, type CryptoKey as JoseKey } from "jose";
import { describe, expect, it } from "vitest";
import { signJwt } from "../../../src/tokens/jws";
import type { SigningAlg } from "../../../src/storage/schema";

const GENERATE: Record<SigningAlg, SubtleCryptoGenerateKeyAlgorithm> = {
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  RS256: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
};

async function keyPair(alg: SigningAlg) {
  return (await crypto.subtle.generateKey(GENERATE[alg], true, ["sign", "verify"])) as CryptoKeyPair;
}

describe("signJwt", () => {
  for (const alg of ["ES256", "RS256"] as SigningAlg[]) {
    it(`produces ${alg} tokens jose verifies, header and claims as given`, async () => {
      const pair = await keyPair(alg);
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: "https://issuer.test",
        sub: "usr_1",
        aud: ["a", "b"],
        iat: now,
        exp: now + 60,
        name: "Zoë",
      };
      const token = await signJwt({ alg, typ: "at+jwt", kid: "k1" }, claims, pair.privateKey);

      expect(decodeProtectedHeader(token)).toEqual({ alg, typ: "at+jwt", kid: "k1" });
      const verified = await jwtVerify(token, pair.publicKey as unknown as JoseKey, {
        algorithms: [alg],
        typ: "at+jwt",
        issuer: "https://issuer.test",
        audience: "b",
      });
      expect(verified.payload).toEqual(claims);
      if (alg === "ES256") expect(token.split(".")[2]).toHaveLength(86); // 64-byte r || s
    });
  }

  it("a token signed by another key, or altered, does not verify", async () => {
    const pair = await keyPair("ES256");
    const other = await keyPair("ES256");
    const token = await signJwt({ alg: "ES256", typ: "JWT", kid: "k1" }, { sub: "a" }, pair.privateKey);
    await expect(compactVerify(token, other.publicKey as unknown as JoseKey)).rejects.toThrow();
    const [header, , signature] = token.split(".");
    const forged = `${header}.${btoa(JSON.stringify({ sub: "b" })).replace(/=+$/, "")}.${signature}`;
    await expect(compactVerify(forged, pair.publicKey as unknown as JoseKey)).rejects.toThrow();
  });
});

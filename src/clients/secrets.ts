// Client secrets: 256 random bits with a recognizable prefix (so secret scanners can
// spot a leaked one), stored as SHA-256 hashes and compared in constant time.
import { base64url, randomToken, sha256, timingSafeEqual } from "../crypto/encoding";

const PREFIX = "lksec_";

export interface GeneratedSecret {
  secret: string;
  secretHash: string;
  hint: string;
}

export async function generateClientSecret(): Promise<GeneratedSecret> {
  const secret = `${PREFIX}${randomToken(32)}`;
  return { secret, secretHash: base64url.encode(await sha256(secret)), hint: secret.slice(-4) };
}

/**
 * True when `presented` matches any of the stored hashes. Every hash is compared, so
 * the time taken does not depend on which one matched.
 */
export async function matchesAnySecret(presented: string, storedHashes: string[]): Promise<boolean> {
  const digest = await sha256(presented);
  let matched = false;
  for (const stored of storedHashes) {
    let expected: Uint8Array;
    try {
      expected = base64url.decode(stored);
    } catch {
      continue;
    }
    if (timingSafeEqual(digest, expected)) matched = true;
  }
  return matched;
}

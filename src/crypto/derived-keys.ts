// Keys for one purpose each, derived (HKDF-SHA256, the purpose as `info`) from the
// key-encryption secret: a key leaked from one use opens nothing of another. Derived once
// per isolate and purpose.
import { ConfigurationError } from "../config";
import { base64url, utf8 } from "./encoding";

type Purpose = {
  info: string;
  algorithm: { name: "HMAC"; hash: string; length: number } | { name: "AES-GCM"; length: number };
  usages: ("sign" | "verify" | "encrypt" | "decrypt")[];
};

const cache = new Map<string, { secret: string; key: Promise<CryptoKey> }>();

export function derivedKey(secret: string | undefined, purpose: Purpose): Promise<CryptoKey> {
  if (!secret) throw new ConfigurationError("SIGNING_KEY_ENCRYPTION_KEY is not set");
  const cached = cache.get(purpose.info);
  if (cached?.secret === secret) return cached.key;
  const key = crypto.subtle
    .importKey("raw", base64url.decode(secret), "HKDF", false, ["deriveKey"])
    .then((master) =>
      crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8.encode(purpose.info) },
        master,
        purpose.algorithm,
        false,
        purpose.usages,
      ),
    );
  cache.set(purpose.info, { secret, key });
  return key;
}

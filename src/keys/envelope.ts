// Envelope encryption of private signing keys: AES-256-GCM under the key-encryption key
// (secret SIGNING_KEY_ENCRYPTION_KEY), with the tenant and key id as associated data so
// that a ciphertext copied to another tenant's row or key id does not decrypt.
import { ConfigurationError } from "../config";
import { base64url, randomBytes, utf8 } from "../crypto/encoding";

const FORMAT = "v1";

let cached: { secret: string; key: Promise<CryptoKey> } | undefined;

function keyEncryptionKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret) throw new ConfigurationError("SIGNING_KEY_ENCRYPTION_KEY is not set");
  if (cached?.secret === secret) return cached.key;
  let raw: Uint8Array;
  try {
    raw = base64url.decode(secret);
  } catch {
    throw new ConfigurationError("SIGNING_KEY_ENCRYPTION_KEY is not base64url");
  }
  if (raw.length !== 32) throw new ConfigurationError("SIGNING_KEY_ENCRYPTION_KEY must be 32 bytes");
  const key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  cached = { secret, key };
  return key;
}

export async function sealPrivateKey(
  secret: string | undefined,
  privateJwk: JsonWebKey,
  binding: { tenantId: string; kid: string },
): Promise<string> {
  const iv = randomBytes(12);
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: utf8.encode(`${binding.tenantId}/${binding.kid}`) },
    await keyEncryptionKey(secret),
    utf8.encode(JSON.stringify(privateJwk)),
  );
  return `${FORMAT}.${base64url.encode(iv)}.${base64url.encode(new Uint8Array(ciphertext))}`;
}

export async function openPrivateKey(
  secret: string | undefined,
  sealed: string,
  binding: { tenantId: string; kid: string },
): Promise<JsonWebKey> {
  const [format, iv, ciphertext] = sealed.split(".");
  if (format !== FORMAT || !iv || !ciphertext) throw new Error("unknown sealed key format");
  const plaintext = await crypto.subtle.decrypt(
    {
      name: "AES-GCM",
      iv: base64url.decode(iv),
      additionalData: utf8.encode(`${binding.tenantId}/${binding.kid}`),
    },
    await keyEncryptionKey(secret),
    base64url.decode(ciphertext),
  );
  return JSON.parse(new TextDecoder().decode(plaintext)) as JsonWebKey;
}

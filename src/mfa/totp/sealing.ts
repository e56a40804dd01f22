// Sealing of second-factor secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256,
// its own `info` label) from SIGNING_KEY_ENCRYPTION_KEY. The associated data names what
// the ciphertext belongs to (kind, tenant, user), so a sealed value copied to another
// user's row does not open. Used for authenticator app secrets in D1 and for recovery
// codes waiting (minutes) to be shown once.
import { derivedKey } from "../../crypto/derived-keys";
import { base64url, randomBytes, utf8 } from "../../crypto/encoding";

const FORMAT = "v1";

const sealingKey = (secret: string | undefined) =>
  derivedKey(secret, {
    info: "latchkey/mfa-secrets/v1",
    algorithm: { name: "AES-GCM", length: 256 },
    usages: ["encrypt", "decrypt"],
  });

/** What a sealed value is bound to. */
export interface SealBinding {
  kind: "totp" | "recovery-codes";
  tenantId: string;
  userId: string;
}

const aad = (binding: SealBinding) => utf8.encode(`${binding.kind}/${binding.tenantId}/${binding.userId}`);

export async function sealBytes(
  secret: string | undefined,
  plaintext: Uint8Array,
  binding: SealBinding,
): Promise<string> {
  const iv = randomBytes(12);
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aad(binding) },
    await sealingKey(secret),
    plaintext,
  );
  return `${FORMAT}.${base64url.encode(iv)}.${base64url.encode(new Uint8Array(ciphertext))}`;
}

/** The plaintext, or null when the value is malformed or bound to something else. */
export async function openBytes(
  secret: string | undefined,
  sealed: string,
  binding: SealBinding,
): Promise<Uint8Array | null> {
  const [format, iv, ciphertext] = sealed.split(".");
  if (format !== FORMAT || !iv || !ciphertext) return null;
  const key = await sealingKey(secret);
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64url.decode(iv), additionalData: aad(binding) },
      key,
      base64url.decode(ciphertext),
    );
    return new Uint8Array(plaintext);
  } catch {
    return null;
  }
}

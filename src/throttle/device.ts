// The device cookie: a random id, authenticated with an HMAC so it cannot be forged or
// guessed. Accounts remember the device ids that signed in to them (in their throttle
// state), which lets a known browser through while strangers are locked out.
import { ConfigurationError } from "../config";
import { base64url, randomToken, timingSafeEqual, utf8 } from "../crypto/encoding";

let cached: { secret: string; key: Promise<CryptoKey> } | undefined;

/** An HMAC key derived (HKDF) from the key-encryption secret, for this one purpose. */
function macKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret) throw new ConfigurationError("SIGNING_KEY_ENCRYPTION_KEY is not set");
  if (cached?.secret === secret) return cached.key;
  const key = crypto.subtle
    .importKey("raw", base64url.decode(secret), "HKDF", false, ["deriveKey"])
    .then((master) =>
      crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8.encode("latchkey/device-cookie/v1") },
        master,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign"],
      ),
    );
  cached = { secret, key };
  return key;
}

async function mac(secret: string | undefined, deviceId: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await macKey(secret), utf8.encode(deviceId));
  return base64url.encode(new Uint8Array(signature).slice(0, 16));
}

export async function newDeviceCookieValue(secret: string | undefined): Promise<{ deviceId: string; value: string }> {
  const deviceId = randomToken(16);
  return { deviceId, value: `${deviceId}.${await mac(secret, deviceId)}` };
}

/** The device id of a genuine cookie value, or null. */
export async function deviceIdOf(secret: string | undefined, value: string | undefined): Promise<string | null> {
  const match = value ? /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/.exec(value) : null;
  if (!match) return null;
  const expected = base64url.decode(await mac(secret, match[1]!));
  return timingSafeEqual(expected, base64url.decode(match[2]!)) ? match[1]! : null;
}

// The device cookie: a random id, authenticated with an HMAC so it cannot be forged or
// guessed. Accounts remember the device ids that signed in to them (in their throttle
// state), which lets a known browser through while strangers are locked out.
import { derivedKey } from "../crypto/derived-keys";
import { base64url, randomToken, timingSafeEqual, utf8 } from "../crypto/encoding";

/** An HMAC key derived from the key-encryption secret, for this one purpose. */
const macKey = (secret: string | undefined) =>
  derivedKey(secret, {
    info: "latchkey/device-cookie/v1",
    algorithm: { name: "HMAC", hash: "SHA-256", length: 256 },
    usages: ["sign"],
  });

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

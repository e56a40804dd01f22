// Record ids: a type prefix, then a ULID (48-bit millisecond time, 80 random bits, in
// Crockford base32). Sorting ids sorts records by creation time, which is what list
// endpoints page through with their cursors.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type IdPrefix = "ten" | "usr" | "sec" | "res" | "rol" | "evt" | "cli" | "cns" | "msg" | "totp";

export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = crypto.getRandomValues(new Uint8Array(16));
  let rest = "";
  for (let i = 0; i < 16; i++) rest += ALPHABET[random[i]! % 32];
  return `${prefix}_${time}${rest}`;
}

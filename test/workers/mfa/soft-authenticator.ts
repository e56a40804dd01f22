// A software WebAuthn authenticator for workerd tests: real ES256 keys (WebCrypto), real
// authenticator data, "none" attestation in CBOR and DER signatures, so the server's
// verification runs exactly as it does for a browser. Each ceremony can be bent (another
// origin, another RP ID, flags, a counter) to prove the server refuses it.

const enc = new TextEncoder();

export const b64url = {
  encode(bytes: Uint8Array | ArrayBuffer): string {
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    let binary = "";
    for (const byte of view) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
  decode(text: string): Uint8Array {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  },
};

// --- a minimal CBOR encoder (RFC 8949): what attestation objects and COSE keys need ---
type Cbor = number | string | Uint8Array | CborMap | { [key: string]: Cbor };
interface CborMap extends Map<number | string, Cbor> {}

function head(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 0x100) return [(major << 5) | 24, length];
  if (length < 0x10000) return [(major << 5) | 25, length >> 8, length & 0xff];
  return [(major << 5) | 26, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

export function cbor(value: Cbor): Uint8Array {
  const out: number[] = [];
  const write = (v: Cbor) => {
    if (typeof v === "number") {
      out.push(...(v >= 0 ? head(0, v) : head(1, -1 - v)));
    } else if (typeof v === "string") {
      const bytes = enc.encode(v);
      out.push(...head(3, bytes.length), ...bytes);
    } else if (v instanceof Uint8Array) {
      out.push(...head(2, v.length), ...v);
    } else {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
      out.push(...head(5, entries.length));
      for (const [key, item] of entries) {
        write(key);
        write(item);
      }
    }
  };
  write(value);
  return new Uint8Array(out);
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", data));

const uint32 = (n: number) => new Uint8Array([(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

/** WebCrypto's ECDSA signature (r || s) as the DER SEQUENCE WebAuthn uses. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let trimmed = bytes.slice(i);
    if (trimmed[0]! & 0x80) trimmed = concat(new Uint8Array([0]), trimmed);
    return concat(new Uint8Array([0x02, trimmed.length]), trimmed);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

export interface SoftCredential {
  id: string;
  privateKey: CryptoKey;
  /** The user handle the server gave at registration. */
  userHandle: string;
  rpId: string;
  counter: number;
}

export interface CeremonyOptions {
  /** The origin the "browser" reports (default: the authenticator's). */
  origin?: string;
  /** The RP ID whose hash goes in the authenticator data (default: the options' RP ID). */
  rpId?: string;
  /** User verified (default true). */
  userVerified?: boolean;
  /** User present (default true). */
  userPresent?: boolean;
  /** A synced (backup eligible and backed up) passkey (default false: device-bound). */
  synced?: boolean;
  /** The counter to report (default: the next one; 0 keeps counting off). */
  counter?: number;
  /** Sign with another challenge than the options' (a replay, or a forged one). */
  challenge?: string;
  /** The user handle an assertion reports (default: the registration's; null: none). */
  userHandle?: string | null;
  /** Sign an assertion with a key of nobody's (a forgery by someone knowing only the credential id). */
  forgeSignature?: boolean;
}

export class SoftAuthenticator {
  credentials: SoftCredential[] = [];
  /** Counters off (always 0), as many platform authenticators do; on: +1 per use. */
  constructor(
    readonly origin: string,
    readonly counting = true,
  ) {}

  /** navigator.credentials.create: answers PublicKeyCredentialCreationOptionsJSON. */
  async create(options: any, bend: CeremonyOptions = {}) {
    const rpId: string = bend.rpId ?? options.rp.id;
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey;
    const coseKey = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, b64url.decode(jwk.x!)],
        [-3, b64url.decode(jwk.y!)],
      ]),
    );
    const credentialId = crypto.getRandomValues(new Uint8Array(16));
    const counter = bend.counter ?? (this.counting ? 1 : 0);
    const authData = concat(
      await sha256(enc.encode(rpId)),
      new Uint8Array([this.flags(bend) | FLAGS.AT]),
      uint32(counter),
      new Uint8Array(16), // AAGUID: none
      new Uint8Array([credentialId.length >> 8, credentialId.length & 0xff]),
      credentialId,
      coseKey,
    );
    const clientData = enc.encode(
      JSON.stringify({
        type: "webauthn.create",
        challenge: bend.challenge ?? options.challenge,
        origin: bend.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    const id = b64url.encode(credentialId);
    this.credentials.push({ id, privateKey: keys.privateKey, userHandle: options.user.id, rpId, counter });
    return {
      id,
      rawId: id,
      type: "public-key",
      response: {
        clientDataJSON: b64url.encode(clientData),
        attestationObject: b64url.encode(cbor({ fmt: "none", attStmt: {}, authData })),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** navigator.credentials.get: answers PublicKeyCredentialRequestOptionsJSON with `credential` (default: the first). */
  async get(options: any, credential: SoftCredential = this.credentials[0]!, bend: CeremonyOptions = {}) {
    const rpId = bend.rpId ?? options.rpId ?? credential.rpId;
    const counter = bend.counter ?? (this.counting ? credential.counter + 1 : 0);
    credential.counter = Math.max(credential.counter, counter);
    const authData = concat(await sha256(enc.encode(rpId)), new Uint8Array([this.flags(bend)]), uint32(counter));
    const clientData = enc.encode(
      JSON.stringify({
        type: "webauthn.get",
        challenge: bend.challenge ?? options.challenge,
        origin: bend.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    const signed = concat(authData, await sha256(clientData));
    const key = bend.forgeSignature
      ? (
          (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
            "sign",
            "verify",
          ])) as CryptoKeyPair
        ).privateKey
      : credential.privateKey;
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, signed));
    const userHandle = bend.userHandle === undefined ? credential.userHandle : bend.userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url.encode(clientData),
        authenticatorData: b64url.encode(authData),
        signature: b64url.encode(derSignature(raw)),
        ...(userHandle === null ? {} : { userHandle }),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  private flags(bend: CeremonyOptions): number {
    let flags = 0;
    if (bend.userPresent ?? true) flags |= FLAGS.UP;
    if (bend.userVerified ?? true) flags |= FLAGS.UV;
    if (bend.synced) flags |= FLAGS.BE | FLAGS.BS;
    return flags;
  }
}

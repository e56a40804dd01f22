// The WebAuthn ceremonies (registration and authentication) of passkeys, checked with
// @simplewebauthn/server: who the relying party is, single-use challenges bound to what
// asked for them, and the verification of what the browser sends back.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { issuerFor } from "../../config";
import { base64url, randomBytes, timingSafeEqual, utf8 } from "../../crypto/encoding";
import type { Passkey, Tenant, User } from "../../directory";
import { ephemeralStore } from "../../ephemeral";
import type { Env } from "../../env";
import type { RequestStats } from "../../storage/database";

/** Challenges live five minutes and are used once. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
/** What the browser waits for the user (the challenge outlives it). */
const CEREMONY_TIMEOUT_MS = 4 * 60 * 1000;
/** ES256, EdDSA, RS256. */
const ALGORITHMS = [-7, -8, -257];
const TRANSPORTS = new Set(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"]);

/**
 * The relying party of a tenant: the issuer's host and origin. Today every tenant shares
 * PUBLIC_BASE_URL's host; a custom domain per tenant changes `issuerFor` only.
 */
export function relyingParty(env: Env, tenant: Pick<Tenant, "slug" | "displayName">) {
  const issuer = new URL(issuerFor(env, tenant.slug));
  return { id: issuer.hostname, origin: issuer.origin, name: tenant.displayName };
}

/** What a challenge was issued for: a ceremony and the one interaction or session it belongs to. */
export interface ChallengeBinding {
  ceremony: "register" | "authenticate";
  /** "interaction:{id}" or "session:{sid}". */
  boundTo: string;
  /** Registration: the user the new credential is for. Second factor: the user who must answer. */
  userId: string | null;
}

function challengeStore(env: Env, tenant: Pick<Tenant, "id">, challenge: string, stats?: RequestStats) {
  return ephemeralStore<ChallengeBinding>(env, tenant.id, "passkey-challenge", challenge, stats);
}

async function newChallenge(
  env: Env,
  tenant: Pick<Tenant, "id">,
  binding: ChallengeBinding,
  stats?: RequestStats,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = randomBytes(32) as Uint8Array<ArrayBuffer>;
  await challengeStore(env, tenant, base64url.encode(bytes), stats).put(binding, CHALLENGE_TTL_SECONDS);
  return bytes;
}

/**
 * Takes the challenge the browser signed (from its clientDataJSON): it is gone after
 * this, whatever follows. Null when it is unknown, spent, expired, issued to another
 * interaction or session, or for another ceremony (another tenant's is never found).
 */
async function takeChallenge(
  env: Env,
  tenant: Pick<Tenant, "id">,
  clientDataJSON: string,
  expected: Omit<ChallengeBinding, "userId">,
  stats?: RequestStats,
): Promise<{ challenge: string; binding: ChallengeBinding } | null> {
  let challenge: unknown;
  try {
    challenge = (JSON.parse(new TextDecoder().decode(base64url.decode(clientDataJSON))) as { challenge?: unknown })
      .challenge;
  } catch {
    return null;
  }
  if (typeof challenge !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return null;
  const binding = await challengeStore(env, tenant, challenge, stats).take();
  if (!binding || binding.ceremony !== expected.ceremony || binding.boundTo !== expected.boundTo) return null;
  return { challenge, binding };
}

export const bindToInteraction = (interactionId: string) => `interaction:${interactionId}`;
export const bindToSession = (sid: string) => `session:${sid}`;

/**
 * The user handle (WebAuthn user.id) of a user's passkeys: the user id's UTF-8 bytes. The
 * user id is no personal data: the authenticator may keep it.
 */
const userHandleOf = (userId: string) => utf8.encode(userId) as Uint8Array<ArrayBuffer>;

/**
 * WebAuthn L2 §7.2 step 6: a user handle in the assertion must be the one given to the
 * credential's owner at registration; a usernameless sign-in (nobody identified before the
 * ceremony) must carry one, since a discoverable credential always does.
 */
function userHandleMatches(userHandle: unknown, passkey: Passkey, userKnownBefore: boolean): boolean {
  if (userHandle === undefined || userHandle === null) return userKnownBefore;
  if (typeof userHandle !== "string" || userHandle.length > 200) return false;
  try {
    return timingSafeEqual(base64url.decode(userHandle), userHandleOf(passkey.userId));
  } catch {
    return false;
  }
}

const transportsOf = (values: readonly string[]) =>
  values.filter((value): value is AuthenticatorTransportFuture => TRANSPORTS.has(value));

export async function registrationOptions(
  env: Env,
  tenant: Tenant,
  user: Pick<User, "id" | "email" | "name">,
  existing: readonly Passkey[],
  sid: string,
  stats?: RequestStats,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty(env, tenant);
  const challenge = await newChallenge(
    env,
    tenant,
    { ceremony: "register", boundTo: bindToSession(sid), userId: user.id },
    stats,
  );
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: userHandleOf(user.id),
    userName: user.email ?? user.id,
    userDisplayName: user.name ?? user.email ?? "",
    challenge,
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: "none",
    excludeCredentials: existing.map((passkey) => ({ id: passkey.id, transports: transportsOf(passkey.transports) })),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "preferred" },
    supportedAlgorithmIDs: ALGORITHMS,
  });
}

/** A verified new credential, ready for directory.factors.passkeys.add. */
export interface NewPasskey {
  id: string;
  publicKey: string;
  signCount: number;
  transports: string[];
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  aaguid: string | null;
}

export type RegistrationOutcome = { ok: true; passkey: NewPasskey } | { ok: false; reason: string };

/** Checks a registration response for `userId` of session `sid`. */
export async function verifyRegistration(
  env: Env,
  tenant: Tenant,
  userId: string,
  sid: string,
  response: RegistrationResponseJSON,
  stats?: RequestStats,
): Promise<RegistrationOutcome> {
  const taken = await takeChallenge(
    env,
    tenant,
    response.response?.clientDataJSON ?? "",
    { ceremony: "register", boundTo: bindToSession(sid) },
    stats,
  );
  if (!taken || taken.binding.userId !== userId) return { ok: false, reason: "challenge" };
  const rp = relyingParty(env, tenant);
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: taken.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) return { ok: false, reason: "unverified" };
    const info = result.registrationInfo;
    return {
      ok: true,
      passkey: {
        id: info.credential.id,
        publicKey: base64url.encode(info.credential.publicKey),
        signCount: info.credential.counter,
        transports: transportsOf(response.response.transports ?? []),
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        aaguid: info.aaguid === "00000000-0000-0000-0000-000000000000" ? null : info.aaguid,
      },
    };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

/**
 * Options for signing in (usernameless: no allowCredentials) or for a second factor
 * (`allow`: the user's passkeys), bound to the interaction.
 */
export async function authenticationOptions(
  env: Env,
  tenant: Tenant,
  interactionId: string,
  forUser: { userId: string; allow: readonly Passkey[] } | null,
  stats?: RequestStats,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rp = relyingParty(env, tenant);
  const challenge = await newChallenge(
    env,
    tenant,
    { ceremony: "authenticate", boundTo: bindToInteraction(interactionId), userId: forUser?.userId ?? null },
    stats,
  );
  return generateAuthenticationOptions({
    rpID: rp.id,
    challenge,
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: "preferred",
    allowCredentials: forUser
      ? forUser.allow.map((passkey) => ({ id: passkey.id, transports: transportsOf(passkey.transports) }))
      : [],
  });
}

export type AssertionOutcome =
  | { ok: true; passkey: Passkey; userVerified: boolean; newCounter: number; backedUp: boolean; amr: string[] }
  | {
      ok: false;
      reason: "challenge" | "unknown_credential" | "wrong_user" | "user_handle" | "counter" | string;
      passkey?: Passkey;
    };

/** RFC 8176 methods of a passkey assertion: hwk for a device-bound key, swk for a synced one. */
export function passkeyAmr(deviceType: Passkey["deviceType"], userVerified: boolean): string[] {
  return [deviceType === "multiDevice" ? "swk" : "hwk", "user", ...(userVerified ? ["mfa"] : [])];
}

/**
 * Checks an assertion for interaction `interactionId`: the challenge (taken first), the
 * credential (this tenant's; the expected user's for a second factor), the user handle,
 * then origin, RP ID hash and signature, and only then the counter: an unsigned answer
 * never raises a clone alarm. `findPasskey` looks the credential up in the tenant.
 */
export async function verifyAssertion(
  env: Env,
  tenant: Tenant,
  interactionId: string,
  response: AuthenticationResponseJSON,
  findPasskey: (id: string) => Promise<Passkey | null>,
  stats?: RequestStats,
): Promise<AssertionOutcome> {
  const taken = await takeChallenge(
    env,
    tenant,
    response.response?.clientDataJSON ?? "",
    { ceremony: "authenticate", boundTo: bindToInteraction(interactionId) },
    stats,
  );
  if (!taken) return { ok: false, reason: "challenge" };
  const passkey = typeof response.id === "string" && response.id.length <= 1400 ? await findPasskey(response.id) : null;
  if (!passkey) return { ok: false, reason: "unknown_credential" };
  if (taken.binding.userId !== null && taken.binding.userId !== passkey.userId)
    return { ok: false, reason: "wrong_user", passkey };
  if (!userHandleMatches(response.response.userHandle, passkey, taken.binding.userId !== null))
    return { ok: false, reason: "user_handle", passkey };
  const rp = relyingParty(env, tenant);
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: taken.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.id,
        publicKey: base64url.decode(passkey.publicKey) as Uint8Array<ArrayBuffer>,
        // The library would judge the counter before the signature; it is judged below.
        counter: 0,
        transports: transportsOf(passkey.transports),
      },
      requireUserVerification: false,
    });
    if (!result.verified) return { ok: false, reason: "unverified", passkey };
    const info = result.authenticationInfo;
    // Signed: a counter that does not move forward (when either side counts) means a cloned authenticator.
    if ((info.newCounter > 0 || passkey.signCount > 0) && info.newCounter <= passkey.signCount)
      return { ok: false, reason: "counter", passkey };
    return {
      ok: true,
      passkey,
      userVerified: info.userVerified,
      newCounter: info.newCounter,
      backedUp: info.credentialBackedUp,
      amr: passkeyAmr(passkey.deviceType, info.userVerified),
    };
  } catch (error) {
    return { ok: false, reason: reasonOf(error), passkey };
  }
}

/** A short, loggable reason from the library's error (no secrets in them). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/origin/i.test(message)) return "origin";
  if (/rp ?id/i.test(message)) return "rp_id";
  if (/signature/i.test(message)) return "signature";
  if (/present|user verification/i.test(message)) return "flags";
  if (/counter/i.test(message)) return "counter";
  if (/type/i.test(message)) return "type";
  return "malformed";
}

/** The JSON a form field carries, if it is an object. */
export function parseCredentialField<T>(value: string | undefined): T | null {
  if (!value || value.length > 12_000) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as T) : null;
  } catch {
    return null;
  }
}

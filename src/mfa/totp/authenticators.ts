// A user's authenticator apps: enrollment (a new sealed secret, unconfirmed until its
// first code), what the set-up page shows (QR code URI, grouped secret), and checking a
// code against the user's confirmed apps. A step is accepted once per app: the factors
// layer's conditional UPDATE refuses the same (or an earlier) step, so a code cannot be
// replayed even by two requests at once.
import type { Directory, Tenant, TotpAuthenticator } from "../../directory";
import type { AuditEventInput } from "../../directory";
import type { Env } from "../../env";
import { openBytes, sealBytes } from "./sealing";
import { groupedSecret, matchingStep, newTotpSecret, otpauthUri } from "./totp";

/** How long an unconfirmed app waits for its first code before it is dropped. */
export const ENROLLMENT_SECONDS = 30 * 60;
export const MAX_AUTHENTICATOR_NAME = 64;

const now = () => Math.floor(Date.now() / 1000);
const binding = (tenant: Pick<Tenant, "id">, userId: string) => ({
  kind: "totp" as const,
  tenantId: tenant.id,
  userId,
});

/** A name as typed: trimmed, control characters out, bounded. */
export function cleanAuthenticatorName(typed: string | undefined): string {
  return (typed ?? "")
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, MAX_AUTHENTICATOR_NAME);
}

/** Starts setting up an app for `userId` (abandoned earlier set-ups are dropped). */
export async function startTotpEnrollment(
  env: Env,
  directory: Directory,
  tenant: Pick<Tenant, "id">,
  userId: string,
  name: string,
): Promise<TotpAuthenticator> {
  await directory.factors.totp.dropUnconfirmed(userId, now() - ENROLLMENT_SECONDS);
  const sealed = await sealBytes(env.SIGNING_KEY_ENCRYPTION_KEY, newTotpSecret(), binding(tenant, userId));
  return directory.factors.totp.add(userId, name, sealed);
}

/** An app being set up, if it is this user's, still unconfirmed and not abandoned. */
export async function pendingEnrollment(
  directory: Directory,
  userId: string,
  id: string | undefined,
): Promise<TotpAuthenticator | null> {
  if (!id) return null;
  const app = (await directory.factors.totp.list(userId)).find((a) => a.id === id);
  return app && app.confirmedAt === null && app.createdAt > now() - ENROLLMENT_SECONDS ? app : null;
}

export interface EnrollmentDetails {
  uri: string;
  /** The secret for typing, base32 in groups of four. */
  secret: string;
}

/** What the set-up page shows: the otpauth URI (for the QR code) and the secret in text. */
export async function enrollmentDetails(
  env: Env,
  tenant: Pick<Tenant, "id" | "displayName">,
  userId: string,
  account: string,
  app: TotpAuthenticator,
): Promise<EnrollmentDetails | null> {
  const secret = await openBytes(env.SIGNING_KEY_ENCRYPTION_KEY, app.secretSealed, binding(tenant, userId));
  if (!secret) return null;
  return { uri: otpauthUri(tenant.displayName, account, secret), secret: groupedSecret(secret) };
}

export type TotpCheck = { ok: true; authenticatorId: string } | { ok: false; reason: "wrong" | "replayed" };

/**
 * Checks `code` against `apps` (the user's confirmed apps, or the one being set up) and
 * spends its step on the app it matched. `audit` is recorded with the use.
 */
export async function checkTotpCode(
  env: Env,
  directory: Directory,
  tenant: Pick<Tenant, "id">,
  userId: string,
  apps: readonly TotpAuthenticator[],
  code: string,
  audit?: (app: TotpAuthenticator) => AuditEventInput | undefined,
): Promise<TotpCheck> {
  const at = now();
  let replayed = false;
  for (const app of apps) {
    const secret = await openBytes(env.SIGNING_KEY_ENCRYPTION_KEY, app.secretSealed, binding(tenant, userId));
    if (!secret) continue;
    const step = await matchingStep(secret, code, at);
    if (step === null) continue;
    if (await directory.factors.totp.useStep(userId, app.id, step, audit?.(app)))
      return { ok: true, authenticatorId: app.id };
    replayed = true;
  }
  return { ok: false, reason: replayed ? "replayed" : "wrong" };
}

/** The user's confirmed apps: the ones a sign-in accepts. */
export async function confirmedAuthenticators(directory: Directory, userId: string): Promise<TotpAuthenticator[]> {
  return (await directory.factors.totp.list(userId)).filter((app) => app.confirmedAt !== null);
}

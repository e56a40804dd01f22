// Recovery codes: ten single-use look-up secrets, each 16 characters of a 32-letter
// alphabet without look-alikes (no 0/O, no 1/I): 80 bits, shown as xxxx-xxxx-xxxx-xxxx.
// Only their SHA-256 hashes are stored; a code is spent by one conditional UPDATE, so two
// concurrent uses cannot both succeed. Codes just made wait, sealed, in an Ephemeral
// object until the page shows them once.
import type { Context } from "hono";
import { randomToken, sha256Base64url, utf8 } from "../../crypto/encoding";
import type { AuditEventInput, Directory, Tenant, User } from "../../directory";
import type { AppEnv, Env } from "../../env";
import { ephemeralStore } from "../../ephemeral";
import { clientIpOf } from "../../http/client-ip";
import type { Locale } from "../../i18n";
import { sendMfaEmail } from "../mail";
import { openBytes, sealBytes } from "../totp/sealing";

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const CODE_LENGTH = 16;
/** Below this many unused codes, pages suggest making new ones. */
export const FEW_RECOVERY_CODES = 3;

function newRecoveryCode(): string {
  // 32 letters: the low five bits of a random byte pick one without bias.
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  const plain = Array.from(bytes, (b) => ALPHABET[b & 31]).join("");
  return plain.match(/.{4}/g)!.join("-");
}

/** A typed code in canonical form (case, spaces and dashes ignored), or null if it cannot be one. */
export function normalizeRecoveryCode(typed: string): string | null {
  const plain = typed.toUpperCase().replace(/[\s-]/g, "");
  if (plain.length !== CODE_LENGTH) return null;
  for (const char of plain) if (!ALPHABET.includes(char)) return null;
  return plain;
}

export function hashRecoveryCode(normalized: string): Promise<string> {
  return sha256Base64url(`latchkey-recovery-code:${normalized}`);
}

/** Makes a new set for `userId`, voiding the old one; the codes are returned once, here. */
export async function issueRecoveryCodes(
  directory: Directory,
  userId: string,
  audit?: AuditEventInput,
): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(normalizeRecoveryCode(code)!)));
  await directory.factors.recoveryCodes.replace(userId, hashes, audit);
  return codes;
}

export type RecoveryCodeUse = { ok: true; remaining: number } | { ok: false };

/**
 * Spends `typed` for `user` if it is one of their unused codes: audited with the count left,
 * and announced to the user by email (someone who took the code would want them to know).
 */
export async function useRecoveryCode(
  c: Context<AppEnv>,
  tenant: Tenant,
  directory: Directory,
  user: User,
  typed: string,
  locale: Locale,
  clientId: string | null,
): Promise<RecoveryCodeUse> {
  const normalized = normalizeRecoveryCode(typed);
  // A malformed code costs the same hash as any other.
  const hash = await hashRecoveryCode(normalized ?? "-");
  if (!normalized || !(await directory.factors.recoveryCodes.use(user.id, hash))) return { ok: false };
  const remaining = await directory.factors.recoveryCodes.remaining(user.id);
  await directory.audit.record({
    type: "recovery_code.used",
    actorType: "user",
    actorId: user.id,
    userId: user.id,
    clientId,
    ip: clientIpOf(c.req.raw),
    userAgent: c.req.header("User-Agent") ?? null,
    details: { remaining },
  });
  if (user.email)
    await sendMfaEmail(c, tenant, locale, user.email, "recoveryCodeUsed", { params: { remaining } }, directory);
  return { ok: true, remaining };
}

// ---- Showing new codes once -------------------------------------------------------------

/** Codes waiting to be shown (sealed), and, in a sign-in, the interaction they belong to. */
interface ShownCodes {
  userId: string;
  sealed: string | null;
  interactionId: string | null;
}

const SHOW_SECONDS = 10 * 60;
const KEY = /^[A-Za-z0-9_-]{22}$/;

function shownStore(env: Env, tenant: Pick<Tenant, "id">, key: string) {
  return ephemeralStore<ShownCodes>(env, tenant.id, "recovery-codes-shown", key);
}

const sealBinding = (tenant: Pick<Tenant, "id">, userId: string) => ({
  kind: "recovery-codes" as const,
  tenantId: tenant.id,
  userId,
});

/** Keeps `codes` for the page that shows them; returns the key the page is reached by. */
export async function keepForShowing(
  env: Env,
  tenant: Pick<Tenant, "id">,
  userId: string,
  codes: readonly string[],
  interactionId: string | null = null,
): Promise<string> {
  const key = randomToken(16);
  const sealed = await sealBytes(
    env.SIGNING_KEY_ENCRYPTION_KEY,
    utf8.encode(codes.join("\n")),
    sealBinding(tenant, userId),
  );
  await shownStore(env, tenant, key).put({ userId, sealed, interactionId }, SHOW_SECONDS);
  return key;
}

/**
 * The codes kept under `key` for `userId`, once: what stays is only the fact that they were
 * made (for the sign-in step that continues after them).
 */
export async function codesToShow(
  env: Env,
  tenant: Pick<Tenant, "id">,
  userId: string,
  key: string | undefined,
): Promise<{ codes: string[] | null; interactionId: string | null } | null> {
  if (!key || !KEY.test(key)) return null;
  const store = shownStore(env, tenant, key);
  const kept = await store.get();
  if (!kept || kept.userId !== userId) return null;
  if (kept.sealed === null) return { codes: null, interactionId: kept.interactionId };
  await store.put({ ...kept, sealed: null }, SHOW_SECONDS);
  const plain = await openBytes(env.SIGNING_KEY_ENCRYPTION_KEY, kept.sealed, sealBinding(tenant, userId));
  return { codes: plain ? new TextDecoder().decode(plain).split("\n") : null, interactionId: kept.interactionId };
}

/** Ends what `key` kept, returning it: the sign-in step continues once, after the codes were shown. */
export async function finishShowing(
  env: Env,
  tenant: Pick<Tenant, "id">,
  userId: string,
  key: string | undefined,
): Promise<{ interactionId: string | null } | null> {
  if (!key || !KEY.test(key)) return null;
  const kept = await shownStore(env, tenant, key).take();
  return kept && kept.userId === userId ? { interactionId: kept.interactionId } : null;
}

// What the password reset does, apart from its pages: start a reset for an address
// (the same work whether or not it belongs to anyone), and finish one with a code.
import type { Context } from "hono";
import { CODE_TTL_SECONDS, checkChallenge, startChallenge } from "../../challenges";
import { issuerFor } from "../../config";
import { openDirectory, type Tenant } from "../../directory";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import type { Locale } from "../../i18n";
import { userState } from "../../sessions";
import { sendJourneyEmail } from "../journey-email";

/** What a reset challenge holds: whose password it resets (null: nobody, no email went out). */
export interface ResetChallenge {
  userId: string | null;
  email: string;
  /** The sign-in the user came from, to go back to once done. */
  interactionId: string | null;
}

const INTERACTION_ID = /^[A-Za-z0-9_-]{22}$/;

/** The `?interaction=` a reset page was opened with, if it looks like an interaction id. */
export function returnInteraction(value: string | undefined | null): string | null {
  return value && INTERACTION_ID.test(value) ? value : null;
}

export function resetFlowPath(tenant: Pick<Tenant, "slug">, flowId: string): string {
  return `/t/${tenant.slug}/password-reset/${flowId}`;
}

export function resetDonePath(tenant: Pick<Tenant, "slug">, interactionId: string | null): string {
  return `/t/${tenant.slug}/password-reset/done${interactionId ? `?interaction=${interactionId}` : ""}`;
}

/**
 * Starts a reset for `email`. Known or not, the same lookups and the same challenge are
 * made; only an active account gets the email (after the response).
 */
export async function startReset(
  c: Context<AppEnv>,
  tenant: Tenant,
  locale: Locale,
  email: string,
  normalizedEmail: string,
  interactionId: string | null,
): Promise<string> {
  const directory = openDirectory(c.env, tenant, c.var.stats);
  // The email's frame is read either way, so that both cases do the same work.
  const [user] = await Promise.all([directory.users.findByEmail(email), directory.appearance.cached()]);
  const recipient = user && user.status === "active" && user.email ? user : null;
  const challenge = await startChallenge<ResetChallenge>(
    c.env,
    tenant.id,
    "password-reset",
    { userId: recipient?.id ?? null, email: normalizedEmail, interactionId },
    { stats: c.var.stats },
  );
  if (recipient) {
    const link = `${issuerFor(c.env, tenant.slug)}/password-reset/${challenge.flowId}?code=${challenge.code}`;
    await sendJourneyEmail(c, tenant, locale, recipient.email!, "passwordReset", {
      code: challenge.code,
      link,
      minutes: CODE_TTL_SECONDS / 60,
    });
  }
  return challenge.flowId;
}

export type ResetOutcome =
  | { ok: true; interactionId: string | null }
  | { ok: false; reason: "invalid"; attemptsLeft: number }
  | { ok: false; reason: "expired" };

/**
 * Checks the code and, when right, sets the new password (the address is proven: it is
 * verified), ends every session and refresh token of the user, and tells them by email.
 */
export async function finishReset(
  c: Context<AppEnv>,
  tenant: Tenant,
  locale: Locale,
  flowId: string,
  code: string,
  password: string,
): Promise<ResetOutcome> {
  const checked = await checkChallenge<ResetChallenge>(c.env, tenant.id, "password-reset", flowId, code, c.var.stats);
  if (!checked.ok) return checked.reason === "invalid" ? checked : { ok: false, reason: "expired" };
  const { userId, interactionId } = checked.data;
  // Nobody was sent this code; and an account blocked or deleted since is not reset.
  if (!userId) return { ok: false, reason: "expired" };
  const directory = openDirectory(c.env, tenant, c.var.stats);
  const user = await directory.users.get(userId);
  if (!user || user.status !== "active" || !user.email) return { ok: false, reason: "expired" };
  const ip = clientIpOf(c.req.raw);
  const updated = await directory.users.update(
    user.id,
    { emailVerified: true },
    { password },
    {
      type: "user.password_reset",
      actorType: "user",
      actorId: user.id,
      ip,
      userAgent: c.req.header("User-Agent") ?? null,
      details: { sessions_ended: true },
    },
  );
  if (!updated) return { ok: false, reason: "expired" };
  await userState(c.env, tenant.id, user.id, c.var.stats).endEverything();
  await sendJourneyEmail(c, tenant, locale, user.email, "passwordChanged");
  return { ok: true, interactionId };
}

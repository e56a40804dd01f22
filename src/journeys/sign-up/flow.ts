// The sign-up journey's steps with their I/O: verify before create. The account exists
// only once the emailed code comes back; until then the profile, the password's hash
// and the consents wait in a single-use, attempt-limited challenge (src/challenges).
import type { Context } from "hono";
import { checkChallenge, CODE_TTL_SECONDS, dropChallenge, peekChallenge, startChallenge } from "../../challenges";
import {
  ConflictError,
  openDirectory,
  type ConsentRecordInput,
  type Directory,
  type Tenant,
  type User,
  type UserProfile,
} from "../../directory";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import type { Locale } from "../../i18n";
import { saveInteraction, withoutPending, type Interaction } from "../../interaction/state";
import { hashPassword } from "../../passwords";
import { absoluteUrl, emailBudgetNetworkFirst, sendJourneyEmail } from "../journey-email";
import { journeyPaths } from "../paths";
import type { SignUpSubmission } from "./form";

/** What waits in the challenge until the code comes back. */
export interface PendingSignUp {
  email: string;
  passwordHash: string;
  profile: UserProfile;
  custom: Record<string, unknown>;
  consents: ConsentRecordInput[];
  clientId: string;
}

type Ctx = Context<AppEnv>;
type Pending = NonNullable<Interaction["pending"]["signUp"]>;

/**
 * Budgets: sign-ups from one network, and emails to one address. They are taken for
 * every submission, whether or not the address has an account, so the answers match.
 */
function takeSignUpBudgets(c: Ctx, tenant: Tenant, email: string) {
  return emailBudgetNetworkFirst(c, tenant, "sign-up", email);
}

/** Emails the code, or, when the address has an account, a notice to its owner: same work either way. */
async function emailFor(
  c: Ctx,
  tenant: Tenant,
  directory: Directory,
  interaction: Interaction,
  email: string,
  flow: { code: string },
  locale: Locale,
) {
  const existing = await directory.users.findByEmail(email);
  if (existing?.email) {
    await sendJourneyEmail(c, tenant, locale, existing.email, "signUpExisting", {
      link: absoluteUrl(c, journeyPaths.passwordReset(tenant)),
    });
    return;
  }
  await sendJourneyEmail(c, tenant, locale, email, "signUp", {
    code: flow.code,
    minutes: CODE_TTL_SECONDS / 60,
    link: absoluteUrl(c, `${journeyPaths.signUp(tenant, interaction.id)}/code?code=${flow.code}`),
  });
}

export async function beginSignUp(
  c: Ctx,
  tenant: Tenant,
  directory: Directory,
  interaction: Interaction,
  submission: SignUpSubmission,
  locale: Locale,
): Promise<{ outcome: "sent" | "expired" } | { outcome: "throttled"; retryAfter: number }> {
  const budget = await takeSignUpBudgets(c, tenant, submission.email);
  if (!budget.allowed) return { outcome: "throttled", retryAfter: budget.retryAfter };
  const data: PendingSignUp = {
    email: submission.email,
    passwordHash: await hashPassword(submission.password),
    profile: submission.profile,
    custom: Object.fromEntries(Object.entries(submission.custom).filter(([, value]) => value !== null)),
    consents: submission.consents,
    clientId: interaction.request.clientId,
  };
  const previous = interaction.pending.signUp;
  if (previous) await dropChallenge(c.env, tenant.id, "sign-up", previous.flowId);
  const flow = await startChallenge(c.env, tenant.id, "sign-up", data, { stats: c.var.stats });
  const pending: Pending = { flowId: flow.flowId, email: submission.email };
  if (!(await saveInteraction(c, tenant, interaction, { pending: { ...interaction.pending, signUp: pending } }))) {
    await dropChallenge(c.env, tenant.id, "sign-up", flow.flowId);
    return { outcome: "expired" };
  }
  await emailFor(c, tenant, directory, interaction, submission.email, flow, locale);
  return { outcome: "sent" };
}

export async function resendSignUpCode(
  c: Ctx,
  tenant: Tenant,
  interaction: Interaction,
  pending: Pending,
  locale: Locale,
): Promise<{ outcome: "sent" | "expired_code" | "interaction_moved" } | { outcome: "throttled"; retryAfter: number }> {
  const data = await peekChallenge<PendingSignUp>(c.env, tenant.id, "sign-up", pending.flowId, c.var.stats);
  if (!data) return { outcome: "expired_code" };
  const budget = await takeSignUpBudgets(c, tenant, data.email);
  if (!budget.allowed) return { outcome: "throttled", retryAfter: budget.retryAfter };
  await dropChallenge(c.env, tenant.id, "sign-up", pending.flowId);
  const flow = await startChallenge(c.env, tenant.id, "sign-up", data, { stats: c.var.stats });
  const next: Pending = { flowId: flow.flowId, email: data.email };
  if (!(await saveInteraction(c, tenant, interaction, { pending: { ...interaction.pending, signUp: next } }))) {
    await dropChallenge(c.env, tenant.id, "sign-up", flow.flowId);
    return { outcome: "interaction_moved" };
  }
  const directory = openDirectory(c.env, tenant, c.var.stats);
  await emailFor(c, tenant, directory, interaction, data.email, flow, locale);
  return { outcome: "sent" };
}

export type FinishOutcome =
  | { outcome: "created"; user: User }
  | { outcome: "expired_code" | "email_taken" }
  | { outcome: "wrong_code"; attemptsLeft: number };

/**
 * Checks the code; a right one creates the account (user, credential, consents, audit:
 * one batch). Signing in follows as for any first factor (src/mfa/sign-in.ts).
 */
export async function finishSignUp(
  c: Ctx,
  tenant: Tenant,
  interaction: Interaction,
  flowId: string,
  code: string,
): Promise<FinishOutcome> {
  const checked = await checkChallenge<PendingSignUp>(c.env, tenant.id, "sign-up", flowId, code, c.var.stats);
  if (!checked.ok)
    return checked.reason === "invalid"
      ? { outcome: "wrong_code", attemptsLeft: checked.attemptsLeft }
      : { outcome: "expired_code" };
  const data = checked.data;
  const directory = openDirectory(c.env, tenant, c.var.stats);
  let user: User;
  try {
    user = await directory.users.create(
      { ...data.profile, email: data.email, emailVerified: true, customAttributes: data.custom },
      { passwordHash: data.passwordHash },
      {
        type: "user.signed_up",
        actorType: "user",
        clientId: data.clientId,
        ip: clientIpOf(c.req.raw),
        userAgent: c.req.header("User-Agent") ?? null,
        details: {
          consents: data.consents.map((consent) => ({ purpose: consent.purpose, granted: consent.granted })),
          attributes: [...Object.keys(data.profile), ...Object.keys(data.custom)],
        },
      },
      { consents: data.consents },
    );
  } catch (error) {
    // Someone took the address between the form and the code.
    if (error instanceof ConflictError) return { outcome: "email_taken" };
    throw error;
  }
  await directory.users.recordSignIn(user.id);
  return { outcome: "created", user };
}

// Where every way of signing in meets the second-factor policy. A first factor (password,
// email code, passkey, sign-up) ends in afterFirstFactor: it decides how strong this
// sign-in must be (the app's or tenant's policy, the adaptive risk, the app's acr_values)
// and either starts the session or parks the first factor in the interaction until a
// second one follows. No session exists in between, so single sign-on never rides on a
// half-finished sign-in. A signed-in user whose session is too weak for an app steps up
// through the same pages, which then strengthen the existing session.
import type { Context } from "hono";
import { hasStrongFactor, type Client, type Directory, type Tenant, type User } from "../directory";
import type { AppEnv, Env } from "../env";
import { interactionExpired } from "../interaction/guard";
import { browserDevice, signInToInteraction } from "../interaction/sign-in";
import { saveInteraction, type Interaction } from "../interaction/state";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import { currentSession, userState, type CurrentSession } from "../sessions";
import type { Decision } from "../throttle/policy";
import { acrForAmr, combinedAmr, levelOf, requestedLevelOf, type Level } from "./levels";
import { interactionPath } from "../journeys/paths";
import { mfaPaths } from "./paths";
import { assessSignInRisk, recordCompletedSignIn } from "./risk";

export type FirstFactorMethod = "password" | "email_code" | "passkey" | "sign_up";
export type SecondFactorMethod = "passkey" | "totp" | "email" | "recovery_code";

/** A first factor that passed, waiting in the interaction for the second. */
export interface PendingFirstFactor {
  userId: string;
  amr: string[];
  method: FirstFactorMethod;
  at: number;
  /** The level the sign-in must reach (2: two factors, 3: with a passkey). */
  level: Level;
  /** The policy requires two factors of everyone: a user without one may set one up now. */
  enrollAllowed: boolean;
}

type Ctx = Context<AppEnv>;

/** The app's policy if it has one, else the tenant's. */
export function mfaPolicyOf(tenant: Tenant, client: Client) {
  return client.mfaPolicy ?? tenant.mfaPolicy;
}

interface RequirementInput {
  tenant: Tenant;
  directory: Directory;
  client: Client;
  request: AuthorizationRequest;
  user: User;
  deviceId: string;
  /** The level the user has reached already. */
  current: Level;
  /** False when the policy was applied at this interaction's sign-in: only acr_values count. */
  applyPolicy: boolean;
  /** At sign-up only "required" applies: a new account has no factors and no history. */
  policyOverride?: "sign_up";
}

/**
 * How strong the sign-in must be. The policy can ask for two factors at most; acr_values
 * may ask for a passkey. Work is skipped once the answer cannot change it: a sign-in that
 * already has two factors needs no factor count or risk score.
 */
export interface Requirement {
  level: Level;
  /** The policy itself requires two factors (not a risk score nor the app's request). */
  requiredByPolicy: boolean;
  /** The adaptive policy scored this sign-in and let it through. */
  riskAllowed: boolean;
}

export async function requiredLevel(c: Ctx, input: RequirementInput): Promise<Requirement> {
  const requested = requestedLevelOf(input.request) ?? 1;
  const answer = (byPolicy: Level, extra: Partial<Requirement> = {}): Requirement => ({
    level: Math.max(requested, byPolicy) as Level,
    requiredByPolicy: false,
    riskAllowed: false,
    ...extra,
  });
  if (!input.applyPolicy || input.current >= 2) return answer(1);
  const policy = mfaPolicyOf(input.tenant, input.client);
  let byPolicy: Level = 1;
  if (policy === "required") return answer(2, { requiredByPolicy: true });
  else if (input.policyOverride === "sign_up") byPolicy = 1;
  else if (policy === "optional") {
    if (hasStrongFactor(await input.directory.factors.summary(input.user.id))) byPolicy = 2;
  } else if (policy === "adaptive") {
    const risk = await assessSignInRisk(c, input.tenant, input.user, input.deviceId);
    const stepUp = risk.score >= risk.threshold;
    if (stepUp) byPolicy = 2;
    await input.directory.audit.record({
      type: "risk.assessed",
      actorType: "user",
      actorId: input.user.id,
      userId: input.user.id,
      clientId: input.client.clientId,
      details: {
        score: risk.score,
        threshold: risk.threshold,
        reasons: risk.reasons,
        decision: stepUp ? "step_up" : "allow",
        signals: risk.signals,
      },
    });
    return answer(byPolicy, { riskAllowed: !stepUp });
  }
  return answer(byPolicy);
}

/** Starts the session of a sign-in that is complete, and goes on with the interaction. */
async function completeSignIn(
  c: Ctx,
  tenant: Tenant,
  interaction: Interaction,
  userId: string,
  amr: string[],
  changes: Partial<Interaction> = {},
  /** Whether this sign-in teaches the adaptive policy its device and place (see below). */
  learnRisk: boolean,
  continueTo = interactionPath(tenant, interaction.id),
): Promise<Response> {
  const device = await browserDevice(c);
  const saved = await signInToInteraction(
    c,
    tenant,
    interaction,
    userId,
    { amr, acr: acrForAmr(amr) },
    { ...changes, firstFactor: null },
  );
  if (!saved) return interactionExpired(c);
  device.remember();
  // Only a sign-in that passed two factors, or that the adaptive policy scored and let
  // through, makes its device and place known: a password alone, at an app whose policy
  // asks for less, must not lower the next score.
  if (learnRisk) await recordCompletedSignIn(c, tenant, userId, device.deviceId);
  return c.redirect(continueTo, 303);
}

export async function afterFirstFactor(
  c: Ctx,
  input: {
    tenant: Tenant;
    directory: Directory;
    client: Client;
    interaction: Interaction;
    user: User;
    amr: string[];
    method: FirstFactorMethod;
    /** Other changes to save with the sign-in, e.g. the journey's pending challenge dropped. */
    interactionChanges?: Partial<Interaction>;
    /** Where a sign-in that needs nothing more goes instead of the interaction (e.g. the passkey offer). */
    continueTo?: string;
  },
): Promise<Response> {
  const { tenant, interaction, user, amr, method, interactionChanges = {} } = input;
  const device = await browserDevice(c);
  const current = levelOf(acrForAmr(amr));
  const requirement = await requiredLevel(c, {
    ...input,
    request: interaction.request,
    deviceId: device.deviceId,
    current,
    applyPolicy: true,
    // A brand-new account has no history to judge its risk by, nor factors to ask for.
    policyOverride: method === "sign_up" ? "sign_up" : undefined,
  });
  const { level } = requirement;
  if (current >= level)
    return completeSignIn(
      c,
      tenant,
      interaction,
      user.id,
      amr,
      interactionChanges,
      current >= 2 || requirement.riskAllowed,
      input.continueTo,
    );
  const firstFactor: PendingFirstFactor = {
    userId: user.id,
    amr,
    method,
    at: Math.floor(Date.now() / 1000),
    level,
    enrollAllowed: requirement.requiredByPolicy,
  };
  if (!(await saveInteraction(c, tenant, interaction, { ...interactionChanges, firstFactor, forceLogin: false })))
    return interactionExpired(c);
  return c.redirect(mfaPaths.choose(tenant, interaction.id), 303);
}

export interface SecondFactorTarget {
  user: User;
  /** How the user proved themselves so far: an email code cannot be asked for twice. */
  firstFactorMethod: FirstFactorMethod;
  /** A signed-in user strengthening their session, rather than a sign-in in progress. */
  stepUp: boolean;
  /** The level to reach: 3 only a passkey can give. */
  level: Level;
  /** A user without a factor may set one up here (src/mfa/methods.ts). */
  enrollAllowed: boolean;
  session: CurrentSession | null;
}

/** The method behind a session's amr, for a step-up. */
function methodOfAmr(amr: readonly string[]): FirstFactorMethod {
  if (amr.includes("hwk") || amr.includes("swk")) return "passkey";
  return amr.includes("pwd") ? "password" : "email_code";
}

/**
 * Whom the second-factor pages are for: the user of a pending first factor, or the
 * signed-in user when this interaction decided that their session must step up (never
 * merely whoever holds a session). Null when there is nothing to do.
 */
export async function secondFactorTarget(
  c: Ctx,
  tenant: Tenant,
  directory: Directory,
  interaction: Interaction,
): Promise<SecondFactorTarget | null> {
  const pending = interaction.firstFactor;
  if (pending) {
    const user = await directory.users.get(pending.userId);
    if (!user || user.status !== "active") return null;
    return {
      user,
      firstFactorMethod: pending.method,
      stepUp: false,
      level: pending.level,
      enrollAllowed: pending.enrollAllowed ?? false,
      session: null,
    };
  }
  const session = await currentSession(c, tenant);
  if (!session || interaction.stepUpUserId !== session.userId) return null;
  const user = await directory.users.get(session.userId);
  if (!user || user.status !== "active") return null;
  return {
    user,
    firstFactorMethod: methodOfAmr(session.session.amr),
    stepUp: true,
    level: Math.max(2, requestedLevelOf(interaction.request) ?? 1) as Level,
    enrollAllowed: false,
    session,
  };
}

/**
 * A second factor was verified for `userId` (`amr`: that factor's methods only). Completes
 * the pending sign-in, or strengthens the signed-in user's session.
 */
export async function afterSecondFactor(
  c: Ctx,
  tenant: Tenant,
  directory: Directory,
  interaction: Interaction,
  userId: string,
  amr: string[],
  method: SecondFactorMethod,
): Promise<Response> {
  const pending = interaction.firstFactor;
  const audit = (stepUp: boolean) =>
    directory.audit.record({
      type: "user.second_factor_verified",
      actorType: "user",
      actorId: userId,
      userId,
      clientId: interaction.request.clientId,
      details: { method, step_up: stepUp },
    });
  if (pending?.userId === userId) {
    await audit(false);
    return completeSignIn(c, tenant, interaction, userId, combinedAmr(pending.amr, amr), {}, true);
  }
  const session = pending ? null : await currentSession(c, tenant);
  if (!session || session.userId !== userId || interaction.stepUpUserId !== userId) return interactionExpired(c);
  const strengthened = combinedAmr(session.session.amr, amr);
  const now = Math.floor(Date.now() / 1000);
  await userState(c.env, tenant.id, userId, c.var.stats).reauthenticate(session.session.sid, {
    amr: strengthened,
    acr: acrForAmr(strengthened),
    authTime: now,
  });
  await audit(true);
  const saved = await saveInteraction(c, tenant, interaction, {
    authenticatedAt: now,
    authenticatedUserId: userId,
    accountChosenUserId: userId,
    stepUpUserId: null,
  });
  if (!saved) return interactionExpired(c);
  return c.redirect(interactionPath(tenant, interaction.id), 303);
}

/**
 * Attempts at second factors, per user, in the sign-in throttle: wrong codes of every
 * method count together, back off after a few and lock the factor step after the tenant's
 * threshold (at most 10). No device is trusted here: the first factor proved nothing about it.
 */
export const DAILY_SECOND_FACTOR_ATTEMPTS = 100;

export function secondFactorThrottle(env: Env, tenant: Tenant, userId: string) {
  const stub = env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName(`${tenant.id}:factor:${userId}`));
  const policy = { threshold: Math.min(tenant.signInLockThreshold, 10), lockSeconds: tenant.signInLockSeconds };
  return {
    /**
     * Counts an attempt as failed until `succeeded` refunds it. Beyond the lock (which
     * ends), at most DAILY_SECOND_FACTOR_ATTEMPTS a day: a 6-digit code must not fall to
     * a patient attacker who holds the password (NIST SP 800-63B 5.2.2).
     */
    attempt: async (): Promise<Decision> => {
      const daily = await stub.take(DAILY_SECOND_FACTOR_ATTEMPTS, 86_400);
      if (!daily.allowed) return { allowed: false, reason: "locked", retryAfter: daily.retryAfter };
      return stub.attemptAccount(null, policy);
    },
    succeeded: (): Promise<void> => stub.succeedAccount(null, false),
  };
}

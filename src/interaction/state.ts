// An interaction is an authorization request waiting for the user: to sign in, choose an
// account or consent. It is stored (15 minutes) in an Ephemeral object and bound to the
// browser that started it by a cookie, so nobody else can complete it; its forms carry a
// CSRF token of their own.
import type { AppEnv } from "../env";
import type { Context } from "hono";
import { randomToken, sha256Base64url, timingSafeEqual, utf8 } from "../crypto/encoding";
import type { Tenant } from "../directory";
import { ephemeralStore } from "../ephemeral";
import type { Env } from "../env";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import type { PendingFirstFactor } from "../mfa/sign-in";
import type { RequestStats } from "../storage/database";
import { clearCookie, interactionCookie, readCookie, writeCookie } from "../sessions/cookies";

export const INTERACTION_TTL = 15 * 60;

export interface Interaction {
  id: string;
  /** Bumped on every save: saves of a stale copy are refused. */
  version: number;
  request: AuthorizationRequest;
  csrf: string;
  bindingHash: string;
  createdAt: number;
  /** The subject named by a valid id_token_hint. */
  hintSubject: string | null;
  /**
   * Who signed in during this interaction, and when: prompt=login and max_age are met
   * for that user only. Likewise the account choice and the consent are per user, so a
   * second tab signing in as someone else cannot ride on them.
   */
  authenticatedAt: number | null;
  authenticatedUserId: string | null;
  accountChosenUserId: string | null;
  consentedUserId: string | null;
  /** Progressive profiling asked this user in this interaction (answered or skipped). */
  profileAskedUserId: string | null;
  /** "Use another account": ask for credentials even though a session exists. */
  forceLogin: boolean;
  /** A first factor that passed, waiting for the second (src/mfa/sign-in.ts): no session yet. */
  firstFactor: PendingFirstFactor | null;
  /** This interaction asked the signed-in user (this id) to step up: the mfa pages serve them. */
  stepUpUserId?: string | null;
  /** Code challenges in progress in this interaction, by journey (src/challenges). */
  pending: Partial<Record<"signUp" | "verifyEmail" | "emailCode" | "emailFactor", { flowId: string; email: string }>>;
}

/** The interaction's pending challenges without one journey's: changes for saveInteraction. */
export function withoutPending(interaction: Interaction, journey: keyof Interaction["pending"]) {
  const pending = { ...interaction.pending };
  delete pending[journey];
  return { pending };
}

type AnyContext = Context<AppEnv>;

function store(env: Env, tenant: Tenant, id: string, stats?: RequestStats) {
  return ephemeralStore<Interaction>(env, tenant.id, "interaction", id, stats);
}

export async function startInteraction(
  c: AnyContext,
  tenant: Tenant,
  request: AuthorizationRequest,
  hintSubject: string | null,
): Promise<Interaction> {
  const id = randomToken(16);
  const binding = randomToken(32);
  const interaction: Interaction = {
    id,
    request,
    csrf: randomToken(32),
    bindingHash: await sha256Base64url(binding),
    createdAt: Math.floor(Date.now() / 1000),
    hintSubject,
    version: 1,
    authenticatedAt: null,
    authenticatedUserId: null,
    accountChosenUserId: null,
    consentedUserId: null,
    profileAskedUserId: null,
    forceLogin: false,
    firstFactor: null,
    pending: {},
  };
  await store(c.env, tenant, id, c.var.stats).put(interaction, INTERACTION_TTL);
  writeCookie(c, interactionCookie(c.env, tenant.slug, id), binding, INTERACTION_TTL);
  return interaction;
}

/** The interaction, if it exists and this browser started it. */
export async function loadInteraction(c: AnyContext, tenant: Tenant, id: string): Promise<Interaction | null> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(id)) return null;
  const binding = readCookie(c, interactionCookie(c.env, tenant.slug, id));
  if (!binding) return null;
  const interaction = await store(c.env, tenant, id, c.var.stats).get();
  if (!interaction) return null;
  const presented = await sha256Base64url(binding);
  return timingSafeEqual(utf8.encode(presented), utf8.encode(interaction.bindingHash)) ? interaction : null;
}

/** Saves changes made to `interaction` (as loaded); false when it was finished or changed meanwhile. */
export async function saveInteraction(
  c: AnyContext,
  tenant: Tenant,
  interaction: Interaction,
  changes: Partial<Omit<Interaction, "id" | "version">>,
): Promise<boolean> {
  const remaining = interaction.createdAt + INTERACTION_TTL - Math.floor(Date.now() / 1000);
  return store(c.env, tenant, interaction.id, c.var.stats).replace(
    interaction.version,
    { ...interaction, ...changes, version: interaction.version + 1 },
    Math.max(1, remaining),
  );
}

/** Ends the interaction: the next use of it finds nothing. */
export async function finishInteraction(c: AnyContext, tenant: Tenant, interaction: Interaction): Promise<boolean> {
  clearCookie(c, interactionCookie(c.env, tenant.slug, interaction.id));
  return (await store(c.env, tenant, interaction.id, c.var.stats).take()) !== null;
}

export function csrfMatches(interaction: Interaction, presented: unknown): boolean {
  return typeof presented === "string" && timingSafeEqual(utf8.encode(presented), utf8.encode(interaction.csrf));
}

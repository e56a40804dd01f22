/** @jsxImportSource hono/jsx */
// The hosted pages of an interaction: GET shows what the user must do next; each POST
// (sign in, choose account, consent) checks the browser binding and the CSRF token,
// records the answer and answers 303 back to the GET. The self-service journeys
// (sign-up, email code, email verification, profiling) are mounted here too.
import { Hono, type Context } from "hono";
import { interactionClient } from "../account/client";
import { issuerFor } from "../config";
import { openDirectory } from "../directory";
import type { AppEnv } from "../env";
import { journeyRoutes } from "../journeys/routes";
import { authorizationError } from "../oidc/authorize/respond";
import { currentSession } from "../sessions";
import { signInWithPassword } from "../signin/password";
import { interactionPage, interactionExpired, withInteraction } from "./guard";
import { interactionPath, proceed, renderStep } from "./flow";
import { passkeySignInRoutes } from "../mfa/passkeys/sign-in-routes";
import { mfaRoutes } from "../mfa/routes";
import { afterFirstFactor } from "../mfa/sign-in";
import { browserDevice } from "./sign-in";
import { finishInteraction, saveInteraction, type Interaction } from "./state";

export const interactionRoutes = new Hono<AppEnv>();

/** Longer than any password a user could have set (the policy allows 256 characters). */
const MAX_PASSWORD_TYPED = 1024;

async function clientOf(c: Context<AppEnv>, interaction: Interaction) {
  // The account page signs in as a reserved client with no row in D1 (src/account/client.ts).
  const directory = openDirectory(c.env, c.var.tenant, c.var.stats);
  return interactionClient(c.env, c.var.tenant, directory, interaction.request);
}

interactionRoutes.get("/:id", (c) =>
  withInteraction(c, async (interaction) => {
    const directory = openDirectory(c.env, c.var.tenant, c.var.stats);
    const client = await clientOf(c, interaction);
    if (!client) return interactionExpired(c);
    return proceed(c, c.var.tenant, directory, client, interaction.request, interaction, interaction.hintSubject);
  }),
);

interactionRoutes.post("/:id/login", (c) =>
  withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const client = await clientOf(c, interaction);
    if (!client) return interactionExpired(c);
    const { t } = await interactionPage(c, interaction);
    const email = (form.email ?? "").trim();
    const password = form.password ?? "";
    const again = (message: string, status: 400 | 401 | 403 | 429) =>
      renderStep(c, tenant, directory, client, interaction, "login", null, message, status, email);
    if (!email || !password) return again(t("signIn.missing"), 400);
    if (password.length > MAX_PASSWORD_TYPED || email.length > 254) return again(t("signIn.invalid"), 401);

    const device = await browserDevice(c);
    const outcome = await signInWithPassword(
      { env: c.env, tenant, directory, request: c.req.raw, deviceId: device.deviceId, clientId: client.clientId },
      email,
      password,
    );
    if (!outcome.ok) {
      if (outcome.reason === "throttled")
        return again(t("signIn.throttled", { seconds: Math.max(1, outcome.retryAfter) }), 429);
      if (outcome.reason === "blocked") return again(t("signIn.blocked"), 403);
      return again(t("signIn.invalid"), 401);
    }
    return afterFirstFactor(c, {
      tenant,
      directory,
      client,
      interaction,
      user: outcome.user,
      amr: ["pwd"],
      method: "password",
    });
  }),
);

interactionRoutes.post("/:id/select-account", (c) =>
  withInteraction(c, async (interaction, form) => {
    const session = await currentSession(c, c.var.tenant);
    // "Use another account" also drops a first factor still waiting for its second.
    const choice =
      form.choice === "other" || !session
        ? { forceLogin: true, firstFactor: null }
        : { accountChosenUserId: session.userId };
    if (!(await saveInteraction(c, c.var.tenant, interaction, choice))) return interactionExpired(c);
    return c.redirect(interactionPath(c.var.tenant, interaction), 303);
  }),
);

interactionRoutes.post("/:id/consent", (c) =>
  withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const session = await currentSession(c, tenant);
    // Signed out, or signed in as someone else since the page was shown: ask again.
    if (!session || form.for_user !== session.userId) return c.redirect(interactionPath(tenant, interaction), 303);
    const request = interaction.request;
    if (form.decision !== "allow") {
      await finishInteraction(c, tenant, interaction);
      await directory.audit.record({
        type: "consent.denied",
        actorType: "user",
        actorId: session.userId,
        userId: session.userId,
        clientId: request.clientId,
        details: { scopes: request.scopes },
      });
      return authorizationError(
        c,
        request,
        issuerFor(c.env, tenant.slug),
        "access_denied",
        "the user denied the request",
      );
    }
    await directory.consents.grant(session.userId, request.clientId, request.scopes, {
      type: "consent.granted",
      actorType: "user",
      actorId: session.userId,
      details: { scopes: request.scopes },
    });
    if (!(await saveInteraction(c, tenant, interaction, { consentedUserId: session.userId })))
      return interactionExpired(c);
    return c.redirect(interactionPath(tenant, interaction), 303);
  }),
);

interactionRoutes.route("/:id/mfa", mfaRoutes);
interactionRoutes.route("/:id/passkey", passkeySignInRoutes);
interactionRoutes.route("/:id", journeyRoutes);

/** @jsxImportSource hono/jsx */
// Passkey sign-in from the sign-in page (button and autofill), under an interaction:
// POST options (JSON, for the page's script) and POST the assertion (a form). A verified
// passkey of an active user is a first factor like a password (src/mfa/sign-in.ts).
// Also the offer right after sign-up (/offer): add a passkey to the new account, or not now.
import { Hono, type Context } from "hono";
import { interactionClient } from "../../account/client";
import { openDirectory, type Client } from "../../directory";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import { interactionPath, renderStep } from "../../interaction/flow";
import { interactionExpired, interactionPage, withInteraction } from "../../interaction/guard";
import type { Interaction } from "../../interaction/state";
import { currentSession } from "../../sessions";
import { throttleNetwork } from "../../signin/password";
import { htmlPage } from "../../ui/render";
import { mfaPaths } from "../paths";
import { afterFirstFactor } from "../sign-in";
import { checkPostedAssertion, requestFacts } from "./assertion";
import { authenticationOptions, registrationOptions } from "./ceremony";
import { PasskeyStepPage } from "./form";
import { addPostedPasskey } from "./registration";

export const passkeySignInRoutes = new Hono<AppEnv>();

type Handler = (interaction: Interaction, form: Record<string, string>, client: Client) => Promise<Response>;

function withClient(c: Context<AppEnv>, handle: Handler): Promise<Response> {
  return withInteraction(c, async (interaction, form) => {
    const directory = openDirectory(c.env, c.var.tenant, c.var.stats);
    const client = await interactionClient(c.env, c.var.tenant, directory, interaction.request);
    if (!client) return interactionExpired(c);
    return handle(interaction, form, client);
  });
}

/** Failed passkey sign-ins count against the network, as wrong passwords do. */
function networkThrottle(c: Context<AppEnv>) {
  const ip = clientIpOf(c.req.raw);
  if (!ip) return null;
  const env = c.env;
  return env.SIGN_IN_THROTTLE.get(env.SIGN_IN_THROTTLE.idFromName(`${c.var.tenant.id}:ip:${throttleNetwork(ip)}`));
}

passkeySignInRoutes.post("/options", (c) =>
  withClient(c, async (interaction) => {
    const options = await authenticationOptions(c.env, c.var.tenant, interaction.id, null, c.var.stats);
    return c.json(options, 200, { "Cache-Control": "no-store" });
  }),
);

passkeySignInRoutes.post("/", (c) =>
  withClient(c, async (interaction, form, client) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const { t } = await interactionPage(c, interaction);
    const again = (message: string, status: 400 | 401 | 403 | 429) =>
      renderStep(c, tenant, directory, client, interaction, "login", null, message, status);
    if (!form.credential) return again(t("passkeys.noScript"), 400);

    const throttle = networkThrottle(c);
    const attempt = throttle ? await throttle.attemptIp() : null;
    if (attempt && !attempt.decision.allowed) {
      await directory.audit.record({
        ...requestFacts(c, interaction),
        type: "user.sign_in_throttled",
        details: { method: "passkey", reason: attempt.decision.reason, retry_after: attempt.decision.retryAfter },
      });
      return again(t("signIn.throttled", { seconds: Math.max(1, attempt.decision.retryAfter) }), 429);
    }
    const checked = await checkPostedAssertion(c, tenant, directory, interaction, form.credential, "sign_in");
    if (!checked.ok) return again(t("passkeys.invalid"), 401);
    if (throttle && attempt) await throttle.succeedIp(attempt.at);

    const user = await directory.users.get(checked.passkey.userId);
    const facts = { ...requestFacts(c, interaction), actorId: checked.passkey.userId, userId: checked.passkey.userId };
    if (!user || user.status !== "active") {
      await directory.audit.record({
        ...facts,
        type: "user.sign_in_failed",
        details: { method: "passkey", reason: "blocked" },
      });
      return again(t("signIn.blocked"), 403);
    }
    await Promise.all([
      directory.users.recordSignIn(user.id),
      directory.audit.record({
        ...facts,
        type: "user.signed_in",
        details: { method: "passkey", passkey_id: checked.passkey.id, user_verified: checked.userVerified },
      }),
    ]);
    return afterFirstFactor(c, {
      tenant,
      directory,
      client,
      interaction,
      user,
      amr: checked.amr,
      method: "passkey",
    });
  }),
);

// --- The offer after sign-up -------------------------------------------------------------

type OfferHandler = (
  interaction: Interaction,
  form: Record<string, string>,
  offer: { userId: string; sid: string },
) => Promise<Response>;

/** The offer is for the user who just signed in here, with a session, and no passkey yet. */
function withOffer(c: Context<AppEnv>, handle: OfferHandler): Promise<Response> {
  return withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const session = await currentSession(c, tenant);
    const onward = () => c.redirect(interactionPath(tenant, interaction), 303);
    if (!session || session.userId !== interaction.authenticatedUserId) return onward();
    const directory = openDirectory(c.env, tenant, c.var.stats);
    if ((await directory.factors.summary(session.userId)).passkeys > 0) return onward();
    return handle(interaction, form, { userId: session.userId, sid: session.session.sid });
  });
}

async function showOffer(c: Context<AppEnv>, interaction: Interaction, status: 200 | 400 = 200, error?: string) {
  const page = await interactionPage(c, interaction);
  const { t } = page;
  const action = `${mfaPaths.passkeySignIn(c.var.tenant, interaction.id)}/offer`;
  return htmlPage(
    c,
    <PasskeyStepPage
      page={page}
      title={t("passkeys.offerTitle")}
      intro={t("passkeys.offerBody")}
      error={error}
      form={{ mode: "create", action, csrf: interaction.csrf, label: t("passkeys.add") }}
      alternative={{ href: interactionPath(c.var.tenant, interaction), label: t("passkeys.offerSkip") }}
    />,
    status,
    { script: true },
  );
}

passkeySignInRoutes.get("/offer", (c) => withOffer(c, (interaction) => showOffer(c, interaction)));

passkeySignInRoutes.post("/offer/options", (c) =>
  withOffer(c, async (_interaction, _form, offer) => {
    const tenant = c.var.tenant;
    const user = await openDirectory(c.env, tenant, c.var.stats).users.get(offer.userId);
    if (!user) return c.json({ error: "expired" }, 400);
    const options = await registrationOptions(c.env, tenant, user, [], offer.sid, c.var.stats);
    return c.json(options, 200, { "Cache-Control": "no-store" });
  }),
);

passkeySignInRoutes.post("/offer", (c) =>
  withOffer(c, async (interaction, form, offer) => {
    const tenant = c.var.tenant;
    const { t } = await interactionPage(c, interaction);
    const added = await addPostedPasskey(c, {
      tenant,
      directory: openDirectory(c.env, tenant, c.var.stats),
      userId: offer.userId,
      sid: offer.sid,
      t,
      credential: form.credential,
      source: "sign_up",
    });
    if (!added.ok) return showOffer(c, interaction, 400, t(added.error));
    return c.redirect(interactionPath(tenant, interaction), 303);
  }),
);

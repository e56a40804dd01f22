/** @jsxImportSource hono/jsx */
// A passkey as the second factor of a sign-in or a step-up (/interaction/{id}/mfa/passkey):
// the options allow only the target user's passkeys, the answer must come from one of
// them, and failures count in the second-factor throttle shared by every method. Never
// after a passkey first factor (the chooser offers another kind).
import { Hono, type Context } from "hono";
import { openDirectory, type Passkey } from "../../directory";
import type { AppEnv } from "../../env";
import { interactionPath } from "../../interaction/flow";
import { interactionPage, withInteraction } from "../../interaction/guard";
import type { Interaction } from "../../interaction/state";
import { htmlPage } from "../../ui/render";
import { mfaPaths } from "../paths";
import { afterSecondFactor, secondFactorTarget, secondFactorThrottle, type SecondFactorTarget } from "../sign-in";
import { checkPostedAssertion } from "./assertion";
import { authenticationOptions } from "./ceremony";
import { PasskeyStepPage } from "./form";

export const passkeyChallengeRoutes = new Hono<AppEnv>();

type Handler = (
  interaction: Interaction,
  form: Record<string, string>,
  target: SecondFactorTarget,
  passkeys: Passkey[],
) => Promise<Response>;

/** The interaction guard, plus: someone must confirm, and they have passkeys (else the chooser). */
function withTarget(c: Context<AppEnv>, handle: Handler): Promise<Response> {
  return withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const target = await secondFactorTarget(c, tenant, directory, interaction);
    if (!target) return c.redirect(interactionPath(tenant, interaction), 303);
    // A passkey used twice is one factor: after a passkey sign-in, another kind must follow.
    if (target.firstFactorMethod === "passkey") return c.redirect(mfaPaths.chooseAny(tenant, interaction.id), 303);
    const passkeys = await directory.factors.passkeys.list(target.user.id);
    if (passkeys.length === 0) return c.redirect(mfaPaths.choose(tenant, interaction.id), 303);
    return handle(interaction, form, target, passkeys);
  });
}

async function show(c: Context<AppEnv>, interaction: Interaction, status: 200 | 400 | 401 | 429, error?: string) {
  const page = await interactionPage(c, interaction);
  const { t } = page;
  const action = mfaPaths.passkey(c.var.tenant, interaction.id);
  return htmlPage(
    c,
    <PasskeyStepPage
      page={page}
      title={t("passkeys.challengeTitle")}
      intro={t("passkeys.challengeIntro")}
      error={error}
      form={{ mode: "get", action, csrf: interaction.csrf, label: t("passkeys.usePasskey") }}
      alternative={{ href: mfaPaths.choose(c.var.tenant, interaction.id), label: t("passkeys.otherMethod") }}
    />,
    status,
    { script: true },
  );
}

passkeyChallengeRoutes.get("/", (c) => withTarget(c, (interaction) => show(c, interaction, 200)));

passkeyChallengeRoutes.post("/options", (c) =>
  withTarget(c, async (interaction, _form, target, passkeys) => {
    const options = await authenticationOptions(
      c.env,
      c.var.tenant,
      interaction.id,
      { userId: target.user.id, allow: passkeys },
      c.var.stats,
    );
    return c.json(options, 200, { "Cache-Control": "no-store" });
  }),
);

passkeyChallengeRoutes.post("/", (c) =>
  withTarget(c, async (interaction, form, target) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const { t } = await interactionPage(c, interaction);
    if (!form.credential) return show(c, interaction, 400, t("passkeys.noScript"));
    const throttle = secondFactorThrottle(c.env, tenant, target.user.id);
    const decision = await throttle.attempt();
    if (!decision.allowed)
      return show(c, interaction, 429, t("signIn.throttled", { seconds: Math.max(1, decision.retryAfter) }));
    const checked = await checkPostedAssertion(c, tenant, directory, interaction, form.credential, "second_factor");
    // The options named this user's passkeys only; the answer must be one of them too.
    if (!checked.ok || checked.passkey.userId !== target.user.id)
      return show(c, interaction, 401, t("passkeys.invalid"));
    await throttle.succeeded();
    const amr = checked.amr.filter((value) => value !== "mfa");
    return afterSecondFactor(c, tenant, directory, interaction, target.user.id, amr, "passkey");
  }),
);

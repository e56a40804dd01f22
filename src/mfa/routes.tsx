/** @jsxImportSource hono/jsx */
// The second-factor step of a sign-in or a step-up, under /interaction/{id}/mfa: the
// choice of method here, each method's pages in its own module. Offered are the methods
// the user has; an email code unless the first factor was one; setting up an
// authenticator app when the user has no strong factor. A request for a passkey
// (acr_values phr) offers passkeys only.
import { Hono } from "hono";
import type { FC } from "hono/jsx";
import { interactionClient } from "../account/client";
import { issuerFor } from "../config";
import { openDirectory, type Tenant } from "../directory";
import type { AppEnv } from "../env";
import { interactionExpired, interactionPage, withInteraction } from "../interaction/guard";
import { finishInteraction, saveInteraction } from "../interaction/state";
import { authorizationError } from "../oidc/authorize/respond";
import { Layout } from "../ui/layout";
import type { PageContext } from "../ui/page";
import { htmlPage } from "../ui/render";
import { emailFactorRoutes } from "./email-factor/routes";
import { passkeyChallengeRoutes } from "./passkeys/challenge-routes";
import { methodsFor, type MethodChoice } from "./methods";
import { interactionPath } from "../journeys/paths";
import { mfaPaths } from "./paths";
import { recoveryCodeChallengeRoutes } from "./recovery-codes/challenge-routes";
import { secondFactorTarget } from "./sign-in";
import { totpChallengeRoutes } from "./totp/challenge-routes";
import { totpEnrollRoutes } from "./totp/enroll-routes";

const METHOD_LABELS = {
  passkey: "mfa.method.passkey",
  totp: "mfa.method.totp",
  email: "mfa.method.email",
  recoveryCode: "mfa.method.recoveryCode",
  enroll: "mfa.method.enroll",
} as const;

const ChoosePage: FC<{
  page: PageContext;
  tenant: Tenant;
  interactionId: string;
  csrf: string;
  clientName: string;
  stepUp: boolean;
  methods: MethodChoice[];
}> = ({ page, tenant, interactionId, csrf, clientName, stepUp, methods }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("mfa.title")}>
      <h1>{t("mfa.title")}</h1>
      <p class="muted">{t(stepUp ? "mfa.stepUpIntro" : "mfa.intro", { client: clientName })}</p>
      <h2>{t("mfa.choose")}</h2>
      <ul class="choices">
        {methods.map((method) => (
          <li>
            <a href={mfaPaths[method](tenant, interactionId)}>{t(METHOD_LABELS[method])}</a>
          </li>
        ))}
      </ul>
      <form method="post" action={interactionPath(tenant, interactionId, "select-account")}>
        <input type="hidden" name="csrf" value={csrf} />
        <button type="submit" name="choice" value="other" class="link">
          {t("mfa.otherAccount")}
        </button>
      </form>
    </Layout>
  );
};

export const mfaRoutes = new Hono<AppEnv>();

mfaRoutes.get("/", (c) =>
  withInteraction(c, async (interaction) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const target = await secondFactorTarget(c, tenant, directory, interaction);
    const back = () => c.redirect(interactionPath(tenant, interaction.id), 303);
    if (!target) {
      // The pending user was blocked or deleted meanwhile: their first factor is void.
      if (interaction.firstFactor && !(await saveInteraction(c, tenant, interaction, { firstFactor: null })))
        return interactionExpired(c);
      return back();
    }
    const client = await interactionClient(c.env, tenant, directory, interaction.request);
    if (!client) return interactionExpired(c);
    const methods = methodsFor(target, await directory.factors.summary(target.user.id));
    if (methods.length === 0 && target.stepUp) {
      // Nothing to step up with: sign in again, where the policy decides (a first factor may
      // be set up there when the policy requires one; otherwise the app is told).
      if (!(await saveInteraction(c, tenant, interaction, { forceLogin: true, stepUpUserId: null })))
        return interactionExpired(c);
      return back();
    }
    if (methods.length === 0) {
      // Nothing would do (only a passkey, and there is none; or two factors for a user with
      // none who may not set one up now): the app learns why (OIDC Unmet Authentication
      // Requirements 1.0) rather than the user meeting a dead end.
      await finishInteraction(c, tenant, interaction);
      return authorizationError(
        c,
        interaction.request,
        issuerFor(c.env, tenant.slug),
        "unmet_authentication_requirements",
        target.level >= 3
          ? "the user has no passkey, which the requested acr_values require"
          : "the user has no second factor to present",
      );
    }
    // One way only, or ?all not asked: go straight to the strongest.
    if (methods.length === 1 || c.req.query("all") === undefined)
      return c.redirect(mfaPaths[methods[0]!](tenant, interaction.id), 303);
    const page = await interactionPage(c, interaction);
    return htmlPage(
      c,
      <ChoosePage
        page={page}
        tenant={tenant}
        interactionId={interaction.id}
        csrf={interaction.csrf}
        clientName={client.clientName ?? client.clientId}
        stepUp={target.stepUp}
        methods={methods}
      />,
    );
  }),
);

mfaRoutes.route("/passkey", passkeyChallengeRoutes);
mfaRoutes.route("/totp", totpChallengeRoutes);
mfaRoutes.route("/enroll", totpEnrollRoutes);
mfaRoutes.route("/recovery-code", recoveryCodeChallengeRoutes);
mfaRoutes.route("/email", emailFactorRoutes);

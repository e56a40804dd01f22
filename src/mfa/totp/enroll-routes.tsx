/** @jsxImportSource hono/jsx */
// Setting up an authenticator app during sign-in (/interaction/{id}/mfa/enroll), when a
// second factor is required and the user has none they can use: the QR code and a first
// code, then the new recovery codes (shown once), then the sign-in goes on with the app's
// code as its second factor (amr otp).
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { htmlPage } from "../../ui/render";
import { sendFactorChangedEmail } from "../mail";
import { methodsFor } from "../methods";
import { mfaPaths } from "../paths";
import { afterSecondFactor } from "../sign-in";
import { codesToShow, finishShowing, issueRecoveryCodes, keepForShowing } from "../recovery-codes/codes";
import { RecoveryCodesView } from "../recovery-codes/codes-view";
import { checkTotpCode, enrollmentDetails, pendingEnrollment, startTotpEnrollment } from "./authenticators";
import { anotherWayPath, CodeStepPage, ERROR_ID, withSecondFactorStep, type CodeStep } from "./code-step";
import { TotpSetupView } from "./setup-view";
import { cleanTotpCode, TOTP_CODE } from "./totp";
import type { TotpAuthenticator } from "../../directory";

export const totpEnrollRoutes = new Hono<AppEnv>();

const base = (c: Context<AppEnv>, step: CodeStep) => mfaPaths.enroll(c.var.tenant, step.interaction.id);

/** Offered as src/mfa/methods.ts says: a required second factor, no passkey and no app yet. */
async function offered(step: CodeStep): Promise<boolean> {
  return methodsFor(step.target, await step.directory.factors.summary(step.target.user.id)).includes("enroll");
}

function page(
  c: Context<AppEnv>,
  step: CodeStep,
  body: unknown,
  options: { status?: 200 | 400 | 404; error?: string | null } = {},
) {
  const { t } = step.page;
  return htmlPage(
    c,
    <CodeStepPage
      page={step.page}
      title={t("authenticators.enrollTitle")}
      intro={t("authenticators.enrollIntro", { tenant: step.page.tenantName })}
      error={options.error}
      anotherWay={anotherWayPath(c, step)}
    >
      {body as never}
    </CodeStepPage>,
    options.status ?? 200,
  );
}

async function setup(
  c: Context<AppEnv>,
  step: CodeStep,
  app: TotpAuthenticator,
  options: { status?: 200 | 400; error?: string | null; code?: string } = {},
) {
  const { user } = step.target;
  const details = await enrollmentDetails(c.env, c.var.tenant, user.id, user.email ?? user.id, app);
  if (!details) return c.redirect(base(c, step), 303);
  return page(
    c,
    step,
    <TotpSetupView
      page={step.page}
      details={details}
      action={`${base(c, step)}/confirm`}
      csrf={step.interaction.csrf}
      hidden={{ id: app.id }}
      code={options.code}
      error={options.error}
      errorId={ERROR_ID}
    />,
    options,
  );
}

totpEnrollRoutes.get("/", (c) =>
  withSecondFactorStep(c, async (step) => {
    const { user } = step.target;
    const key = c.req.query("codes");
    if (key) {
      const shown = await codesToShow(c.env, c.var.tenant, user.id, key);
      if (!shown || shown.interactionId !== step.interaction.id) return c.redirect(base(c, step), 303);
      const continueAction = `${base(c, step)}/done`;
      if (shown.codes)
        return page(
          c,
          step,
          <RecoveryCodesView
            page={step.page}
            codes={shown.codes}
            continueAction={continueAction}
            csrf={step.interaction.csrf}
            hidden={{ key }}
          />,
        );
      // Shown already (a reload): going on is still possible, the codes are not.
      return page(
        c,
        step,
        <form method="post" action={continueAction}>
          <input type="hidden" name="csrf" value={step.interaction.csrf} />
          <input type="hidden" name="key" value={key} />
          <button type="submit">{step.page.t("authenticators.codesSaved")}</button>
        </form>,
        { error: step.page.t("authenticators.codesGone") },
      );
    }
    if (!(await offered(step))) return c.redirect(mfaPaths.choose(c.var.tenant, step.interaction.id), 303);
    const app = await pendingEnrollment(step.directory, user.id, c.req.query("app"));
    if (app) return setup(c, step, app);
    return page(
      c,
      step,
      <form method="post" action={`${base(c, step)}/start`}>
        <input type="hidden" name="csrf" value={step.interaction.csrf} />
        <button type="submit">{step.page.t("authenticators.enrollStart")}</button>
      </form>,
    );
  }),
);

totpEnrollRoutes.post("/start", (c) =>
  withSecondFactorStep(c, async (step) => {
    if (!(await offered(step))) return c.redirect(mfaPaths.choose(c.var.tenant, step.interaction.id), 303);
    const app = await startTotpEnrollment(
      c.env,
      step.directory,
      c.var.tenant,
      step.target.user.id,
      step.page.t("authenticators.defaultName"),
    );
    return c.redirect(`${base(c, step)}?app=${app.id}`, 303);
  }),
);

totpEnrollRoutes.post("/confirm", (c) =>
  withSecondFactorStep(c, async (step, form) => {
    const tenant = c.var.tenant;
    const { user } = step.target;
    const { t } = step.page;
    if (!(await offered(step))) return c.redirect(mfaPaths.choose(tenant, step.interaction.id), 303);
    const app = await pendingEnrollment(step.directory, user.id, form.id);
    if (!app) return page(c, step, null, { status: 400, error: t("authenticators.setupExpired") });
    const code = cleanTotpCode(form.code ?? "");
    if (!code) return setup(c, step, app, { status: 400, error: t("authenticators.codeMissing") });
    if (!TOTP_CODE.test(code)) return setup(c, step, app, { status: 400, code, error: t("authenticators.codeFormat") });
    const checked = await checkTotpCode(c.env, step.directory, tenant, user.id, [app], code, () => ({
      type: "totp.enrolled",
      actorType: "user",
      actorId: user.id,
      userId: user.id,
      clientId: step.interaction.request.clientId,
      details: { authenticator_id: app.id, source: "sign_in" },
    }));
    if (!checked.ok) return setup(c, step, app, { status: 400, error: t("authenticators.setupCodeWrong") });
    await sendFactorChangedEmail(c, tenant, step.directory, user, step.page.locale, "authenticatorAdded");
    const codes = await issueRecoveryCodes(step.directory, user.id, {
      type: "recovery_codes.generated",
      actorType: "user",
      actorId: user.id,
      userId: user.id,
      details: { reason: "sign_in" },
    });
    const key = await keepForShowing(c.env, tenant, user.id, codes, step.interaction.id);
    return c.redirect(`${base(c, step)}?codes=${key}`, 303);
  }),
);

/** The codes were shown: the app's first code was this sign-in's second factor. */
totpEnrollRoutes.post("/done", (c) =>
  withSecondFactorStep(c, async (step, form) => {
    const tenant = c.var.tenant;
    const finished = await finishShowing(c.env, tenant, step.target.user.id, form.key);
    if (!finished || finished.interactionId !== step.interaction.id)
      return c.redirect(mfaPaths.choose(tenant, step.interaction.id), 303);
    return afterSecondFactor(c, tenant, step.directory, step.interaction, step.target.user.id, ["otp"], "totp");
  }),
);

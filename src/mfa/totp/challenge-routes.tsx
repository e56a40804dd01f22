/** @jsxImportSource hono/jsx */
// An authenticator app code as the second factor of a sign-in or a step-up
// (/interaction/{id}/mfa/totp). Any of the user's confirmed apps may answer; a code is
// good for its step, the one before and the one after, once. Wrong codes count in the
// second-factor throttle, with the wrong codes of every other method.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { htmlPage } from "../../ui/render";
import { CodeField } from "../../ui/code-field";
import { mfaPaths } from "../paths";
import { checkTotpCode, confirmedAuthenticators } from "./authenticators";
import { anotherWayPath, CodeStepPage, ERROR_ID, throttledFactorCheck, withMethod, type CodeStep } from "./code-step";
import { cleanTotpCode, TOTP_CODE } from "./totp";

export const totpChallengeRoutes = new Hono<AppEnv>();

function show(c: Context<AppEnv>, step: CodeStep, status: 200 | 400 | 429 = 200, error: string | null = null) {
  const { page, interaction } = step;
  const { t } = page;
  return htmlPage(
    c,
    <CodeStepPage
      page={page}
      title={t("authenticators.totpTitle")}
      intro={t("authenticators.totpIntro", { tenant: page.tenantName })}
      error={error}
      anotherWay={anotherWayPath(c, step)}
    >
      <form method="post" action={mfaPaths.totp(c.var.tenant, interaction.id)} novalidate>
        <input type="hidden" name="csrf" value={interaction.csrf} />
        <CodeField
          label={t("authenticators.appCode")}
          hint={t("authenticators.appCodeHint")}
          autofocus
          error={error}
          errorId={ERROR_ID}
        />
        <button type="submit">{t("authenticators.verify")}</button>
      </form>
    </CodeStepPage>,
    status,
  );
}

/** Steps that an app code cannot satisfy (a passkey is required) or users without an app go to the chooser. */
async function usable(step: CodeStep) {
  if (step.target.level >= 3) return null;
  const apps = await confirmedAuthenticators(step.directory, step.target.user.id);
  return apps.length > 0 ? apps : null;
}

totpChallengeRoutes.get("/", (c) => withMethod(c, usable, async (step) => show(c, step)));

totpChallengeRoutes.post("/", (c) =>
  withMethod(c, usable, async (step, apps, form) => {
    const { t } = step.page;
    const code = cleanTotpCode(form.code ?? "");
    if (!code) return show(c, step, 400, t("authenticators.codeMissing"));
    if (!TOTP_CODE.test(code)) return show(c, step, 400, t("authenticators.codeFormat"));
    return throttledFactorCheck(
      c,
      step,
      "totp",
      ["otp"],
      async () => {
        const checked = await checkTotpCode(c.env, step.directory, c.var.tenant, step.target.user.id, apps, code);
        if (checked.ok) return { ok: true };
        return {
          ok: false,
          error: t(checked.reason === "replayed" ? "authenticators.codeReplayed" : "authenticators.codeWrong"),
        };
      },
      (status, error) => show(c, step, status, error),
    );
  }),
);

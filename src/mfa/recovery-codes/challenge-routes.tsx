/** @jsxImportSource hono/jsx */
// A recovery code in place of the second factor (/interaction/{id}/mfa/recovery-code).
// Typed as the user likes (case, spaces, dashes); spent once, audited with the count left,
// and announced by email. It adds no amr value of its own: it is a look-up secret.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { fieldAria } from "../../ui/form-errors";
import { htmlPage } from "../../ui/render";
import { mfaPaths } from "../paths";
import {
  anotherWayPath,
  CodeStepPage,
  ERROR_ID,
  throttledFactorCheck,
  withMethod,
  type CodeStep,
} from "../totp/code-step";
import { useRecoveryCode } from "./codes";

export const recoveryCodeChallengeRoutes = new Hono<AppEnv>();

function show(c: Context<AppEnv>, step: CodeStep, status: 200 | 400 | 429 = 200, error: string | null = null) {
  const { page, interaction } = step;
  const { t } = page;
  return htmlPage(
    c,
    <CodeStepPage
      page={page}
      title={t("authenticators.recoveryTitle")}
      intro={t("authenticators.recoveryIntro")}
      error={error}
      anotherWay={anotherWayPath(c, step)}
    >
      <form method="post" action={mfaPaths.recoveryCode(c.var.tenant, interaction.id)} novalidate>
        <input type="hidden" name="csrf" value={interaction.csrf} />
        <label for="recovery-code">{t("authenticators.recoveryLabel")}</label>
        <span class="hint" id="recovery-code-hint">
          {t("authenticators.recoveryHint")}
        </span>
        <input
          id="recovery-code"
          name="code"
          type="text"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          maxlength={40}
          required
          autofocus
          {...fieldAria(error, ERROR_ID, "recovery-code-hint")}
        />
        <button type="submit">{t("authenticators.verify")}</button>
      </form>
    </CodeStepPage>,
    status,
  );
}

/** Not on a step only a passkey satisfies, nor for users without unused codes. */
const usable = async (step: CodeStep) =>
  step.target.level < 3 && (await step.directory.factors.recoveryCodes.remaining(step.target.user.id)) > 0
    ? true
    : null;

recoveryCodeChallengeRoutes.get("/", (c) => withMethod(c, usable, async (step) => show(c, step)));

recoveryCodeChallengeRoutes.post("/", (c) =>
  withMethod(c, usable, async (step, _usable, form) => {
    const { t, locale } = step.page;
    const typed = (form.code ?? "").slice(0, 64);
    if (!typed.trim()) return show(c, step, 400, t("authenticators.recoveryMissing"));
    return throttledFactorCheck(
      c,
      step,
      "recovery_code",
      [],
      async () => {
        const used = await useRecoveryCode(
          c,
          c.var.tenant,
          step.directory,
          step.target.user,
          typed,
          locale,
          step.interaction.request.clientId,
        );
        return used.ok ? { ok: true } : { ok: false, error: t("authenticators.recoveryWrong") };
      },
      (status, error) => show(c, step, status, error),
    );
  }),
);

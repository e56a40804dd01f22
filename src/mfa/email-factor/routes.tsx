/** @jsxImportSource hono/jsx */
// A code sent by email as the second factor (/interaction/{id}/mfa/email), for customers
// with nothing else. Not offered when the first factor was itself an emailed code (or a
// sign-up, which proved the address): the same inbox twice is one factor. The code is a
// challenge (src/challenges: 6 digits, 10 minutes, 5 attempts, single use) bound to the
// user and this interaction; sending spends the same budgets as email code sign-in.
import { emailFactorAddress } from "../methods";
import { Hono, type Context } from "hono";
import { CODE_TTL_SECONDS, checkChallenge, dropChallenge, peekChallenge, startChallenge } from "../../challenges";
import { normalizeEmail } from "../../directory";
import type { AppEnv } from "../../env";
import { emailBudget } from "../../journeys/journey-email";
import { CodeField } from "../../ui/code-field";
import { errorPage, htmlPage } from "../../ui/render";
import { sendMfaEmail } from "../mail";
import { mfaPaths } from "../paths";
import {
  anotherWayPath,
  CodeStepPage,
  ERROR_ID,
  throttledFactorCheck,
  withSecondFactorStep,
  type CodeStep,
} from "../totp/code-step";
import { cleanTotpCode } from "../totp/totp";

export const emailFactorRoutes = new Hono<AppEnv>();

interface SecondFactorChallenge {
  userId: string;
  interactionId: string;
}

const PURPOSE = "second-factor";

/** The user's address when an email code may be this step's factor (src/mfa/methods.ts), else null. */
const offeredTo = (step: CodeStep) => emailFactorAddress(step.target);

function withEmailFactor(
  c: Context<AppEnv>,
  handle: (step: CodeStep, email: string, form: Record<string, string>) => Promise<Response>,
) {
  return withSecondFactorStep(c, (step, form) => {
    const email = offeredTo(step);
    if (!email)
      return errorPage(
        c,
        404,
        "authenticators.emailNotOfferedTitle",
        "authenticators.emailNotOffered",
        undefined,
        step.page,
      );
    return handle(step, email, form);
  });
}

/** The challenge of `flowId` if it is this step's (user and interaction). */
async function ownChallenge(c: Context<AppEnv>, step: CodeStep, flowId: string | undefined): Promise<string | null> {
  if (!flowId) return null;
  const data = await peekChallenge<SecondFactorChallenge>(c.env, c.var.tenant.id, PURPOSE, flowId, c.var.stats);
  return data && data.userId === step.target.user.id && data.interactionId === step.interaction.id ? flowId : null;
}

const base = (c: Context<AppEnv>, step: CodeStep) => mfaPaths.email(c.var.tenant, step.interaction.id);

function showRequest(
  c: Context<AppEnv>,
  step: CodeStep,
  email: string,
  status: 200 | 429 = 200,
  error: string | null = null,
) {
  const { page, interaction } = step;
  const { t } = page;
  return htmlPage(
    c,
    <CodeStepPage
      page={page}
      title={t("authenticators.emailTitle")}
      intro={t("authenticators.emailIntro", { email })}
      error={error}
      anotherWay={anotherWayPath(c, step)}
    >
      <form method="post" action={`${base(c, step)}/send`}>
        <input type="hidden" name="csrf" value={interaction.csrf} />
        <button type="submit">{t("authenticators.emailSend")}</button>
      </form>
    </CodeStepPage>,
    status,
  );
}

function showCode(
  c: Context<AppEnv>,
  step: CodeStep,
  email: string,
  flowId: string,
  options: { status?: 200 | 400 | 429; error?: string | null; resent?: boolean } = {},
) {
  const { page, interaction } = step;
  const { t } = page;
  return htmlPage(
    c,
    <CodeStepPage
      page={page}
      title={t("authenticators.emailCodeTitle")}
      intro={t("authenticators.emailCodeSent", { email })}
      error={options.error}
      notice={options.resent ? t("authenticators.emailResent") : null}
      anotherWay={anotherWayPath(c, step)}
    >
      <form method="post" action={`${base(c, step)}/code`} novalidate>
        <input type="hidden" name="csrf" value={interaction.csrf} />
        <input type="hidden" name="flow" value={flowId} />
        <CodeField
          label={t("authenticators.emailCodeLabel")}
          hint={t("authenticators.emailCodeHint")}
          autofocus
          error={options.error}
          errorId={ERROR_ID}
        />
        <button type="submit">{t("authenticators.verify")}</button>
      </form>
      <form method="post" action={`${base(c, step)}/send`}>
        <input type="hidden" name="csrf" value={interaction.csrf} />
        <input type="hidden" name="flow" value={flowId} />
        <button type="submit" class="secondary">
          {t("authenticators.emailResend")}
        </button>
      </form>
    </CodeStepPage>,
    options.status ?? 200,
  );
}

emailFactorRoutes.get("/", (c) =>
  withEmailFactor(c, async (step, email) => {
    const flowId = await ownChallenge(c, step, c.req.query("flow"));
    if (!flowId) return showRequest(c, step, email);
    return showCode(c, step, email, flowId, { resent: c.req.query("resent") === "1" });
  }),
);

/** Sends a code (a new one, ending the previous flow, when `flow` names one). */
emailFactorRoutes.post("/send", (c) =>
  withEmailFactor(c, async (step, email, form) => {
    const tenant = c.var.tenant;
    const { t, locale } = step.page;
    const previous = await ownChallenge(c, step, form.flow);
    const budget = await emailBudget(c, tenant, "email-code", normalizeEmail(email) ?? email.toLowerCase());
    if (!budget.allowed) {
      const error = t("common.tooManyRequests", { seconds: budget.retryAfter });
      return previous
        ? showCode(c, step, email, previous, { status: 429, error })
        : showRequest(c, step, email, 429, error);
    }
    if (previous) await dropChallenge(c.env, tenant.id, PURPOSE, previous);
    const challenge = await startChallenge<SecondFactorChallenge>(
      c.env,
      tenant.id,
      PURPOSE,
      { userId: step.target.user.id, interactionId: step.interaction.id },
      { stats: c.var.stats },
    );
    await sendMfaEmail(
      c,
      tenant,
      locale,
      email,
      "secondFactorCode",
      { code: challenge.code, minutes: CODE_TTL_SECONDS / 60 },
      step.directory,
    );
    return c.redirect(`${base(c, step)}?flow=${challenge.flowId}${previous ? "&resent=1" : ""}`, 303);
  }),
);

emailFactorRoutes.post("/code", (c) =>
  withEmailFactor(c, async (step, email, form) => {
    const tenant = c.var.tenant;
    const { t } = step.page;
    const flowId = await ownChallenge(c, step, form.flow);
    if (!flowId) return showRequest(c, step, email, 200, t("authenticators.emailCodeExpired"));
    const code = cleanTotpCode(form.code ?? "");
    if (!code) return showCode(c, step, email, flowId, { status: 400, error: t("authenticators.codeMissing") });
    return throttledFactorCheck(
      c,
      step,
      "email",
      ["otp"],
      async () => {
        const checked = await checkChallenge<SecondFactorChallenge>(
          c.env,
          tenant.id,
          PURPOSE,
          flowId,
          code,
          c.var.stats,
        );
        if (checked.ok) return { ok: true };
        if (checked.reason === "invalid")
          return { ok: false, error: t("authenticators.emailCodeWrong", { attempts: checked.attemptsLeft }) };
        return { ok: false, error: t("authenticators.emailCodeExpired") };
      },
      (status, error) => showCode(c, step, email, flowId, { status, error }),
    );
  }),
);

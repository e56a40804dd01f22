/** @jsxImportSource hono/jsx */
// The password reset journey's pages (docs/journeys/password-reset.md), standalone at
// /t/{slug}/password-reset: the address, then the code with the new password, then done.
// Every POST is a same-site form with the double-submit CSRF token and answers 303 on
// success; bad input shows the form again (400) with what was typed, never a password.
import { Hono, type Context } from "hono";
import { CODE_PATTERN, peekChallenge } from "../../challenges";
import { normalizeEmail } from "../../directory";
import type { AppEnv } from "../../env";
import { csrfToken } from "../../http/csrf";
import { readStandaloneForm } from "../../http/standalone-form";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordIssue } from "../../passwords";
import { pageContext, type PageContext } from "../../ui/page";
import { htmlPage } from "../../ui/render";
import { interactionPath, journeyPaths } from "../paths";
import { ChooseNewPasswordPage, RequestResetPage, ResetDonePage, ResetExpiredPage, type FieldErrors } from "./page";
import { emailBudget } from "../journey-email";
import { finishReset, resetDonePath, resetFlowPath, returnInteraction, startReset, type ResetChallenge } from "./reset";

export const passwordResetRoutes = new Hono<AppEnv>();

/** Longer than any password the policy allows: beyond it, nothing is hashed. */
const MAX_PASSWORD_TYPED = 4 * PASSWORD_MAX_LENGTH;

function requestPath(c: Context<AppEnv>, interactionId: string | null): string {
  return journeyPaths.passwordReset(c.var.tenant, interactionId ?? undefined);
}

function showRequest(
  c: Context<AppEnv>,
  page: PageContext,
  interactionId: string | null,
  email: string,
  status: 200 | 400 | 429,
  errors: FieldErrors = {},
  message: string | null = null,
) {
  return htmlPage(
    c,
    <RequestResetPage
      page={page}
      action={requestPath(c, interactionId)}
      csrf={csrfToken(c)}
      email={email}
      errors={errors}
      message={message}
    />,
    status,
  );
}

passwordResetRoutes.get("/", async (c) => {
  const page = await pageContext(c);
  return showRequest(c, page, returnInteraction(c.req.query("interaction")), "", 200);
});

passwordResetRoutes.post("/", async (c) => {
  const form = await readStandaloneForm(c);
  if (form instanceof Response) return form;
  const tenant = c.var.tenant;
  const page = await pageContext(c);
  const { t } = page;
  const interactionId = returnInteraction(c.req.query("interaction"));
  const email = (form.email ?? "").trim().slice(0, 254);
  if (!email) return showRequest(c, page, interactionId, email, 400, { email: t("passwordReset.emailMissing") });
  const normalized = normalizeEmail(email);
  if (!normalized) return showRequest(c, page, interactionId, email, 400, { email: t("passwordReset.emailInvalid") });
  const budget = await emailBudget(c, tenant, "password-reset", normalized);
  if (!budget.allowed)
    return showRequest(
      c,
      page,
      interactionId,
      email,
      429,
      {},
      t("common.tooManyRequests", { seconds: budget.retryAfter }),
    );
  const flowId = await startReset(c, tenant, page.locale, email, normalized, interactionId);
  return c.redirect(resetFlowPath(tenant, flowId), 303);
});

passwordResetRoutes.get("/done", async (c) => {
  const interactionId = returnInteraction(c.req.query("interaction"));
  const page = await pageContext(c);
  return htmlPage(
    c,
    <ResetDonePage page={page} signIn={interactionId ? interactionPath(c.var.tenant, interactionId) : null} />,
  );
});

async function showChoosePassword(
  c: Context<AppEnv>,
  page: PageContext,
  flowId: string,
  challenge: ResetChallenge,
  code: string,
  status: 200 | 400,
  errors: FieldErrors = {},
  message: string | null = null,
) {
  return htmlPage(
    c,
    <ChooseNewPasswordPage
      page={page}
      action={resetFlowPath(c.var.tenant, flowId)}
      csrf={csrfToken(c)}
      email={challenge.email}
      code={code}
      requestAgain={requestPath(c, challenge.interactionId)}
      errors={errors}
      message={message}
    />,
    status,
  );
}

function showExpired(c: Context<AppEnv>, page: PageContext, interactionId: string | null) {
  return htmlPage(c, <ResetExpiredPage page={page} requestAgain={requestPath(c, interactionId)} />, 400);
}

// GET only shows the form, the code of the email's link filled in: links are opened by
// mail scanners too, so nothing happens until the user submits.
passwordResetRoutes.get("/:flowId", async (c) => {
  const tenant = c.var.tenant;
  const page = await pageContext(c);
  const flowId = c.req.param("flowId");
  const challenge = await peekChallenge<ResetChallenge>(c.env, tenant.id, "password-reset", flowId, c.var.stats);
  if (!challenge) return showExpired(c, page, null);
  const linked = c.req.query("code") ?? "";
  return showChoosePassword(c, page, flowId, challenge, CODE_PATTERN.test(linked) ? linked : "", 200);
});

passwordResetRoutes.post("/:flowId", async (c) => {
  const form = await readStandaloneForm(c);
  if (form instanceof Response) return form;
  const tenant = c.var.tenant;
  const page = await pageContext(c);
  const { t } = page;
  const flowId = c.req.param("flowId");
  const challenge = await peekChallenge<ResetChallenge>(c.env, tenant.id, "password-reset", flowId, c.var.stats);
  if (!challenge) return showExpired(c, page, null);

  const code = (form.code ?? "").replace(/\s+/g, "").slice(0, 32);
  const password = form.password ?? "";
  const confirm = form.confirm ?? "";
  // Everything that can be judged without the code is, first: a typo costs no attempt.
  const errors: FieldErrors = {};
  if (!code) errors.code = t("passwordReset.codeMissing");
  else if (!CODE_PATTERN.test(code)) errors.code = t("passwordReset.codeFormat");
  const issue = password ? passwordIssue(password.slice(0, MAX_PASSWORD_TYPED)) : null;
  if (!password) errors.password = t("passwordReset.passwordMissing");
  else if (issue === "too_short") errors.password = t("passwordReset.passwordTooShort", { min: PASSWORD_MIN_LENGTH });
  else if (issue === "too_long" || password.length > MAX_PASSWORD_TYPED)
    errors.password = t("passwordReset.passwordTooLong", { max: PASSWORD_MAX_LENGTH });
  else if (issue === "common") errors.password = t("passwordReset.passwordCommon");
  if (!errors.password) {
    if (!confirm) errors.confirm = t("passwordReset.confirmMissing");
    else if (confirm !== password) errors.confirm = t("passwordReset.confirmMismatch");
  }
  if (Object.keys(errors).length) return showChoosePassword(c, page, flowId, challenge, code, 400, errors);

  const outcome = await finishReset(c, tenant, page.locale, flowId, code, password);
  if (outcome.ok) return c.redirect(resetDonePath(tenant, outcome.interactionId), 303);
  if (outcome.reason === "expired") return showExpired(c, page, challenge.interactionId);
  return showChoosePassword(c, page, flowId, challenge, "", 400, {
    code: t("passwordReset.codeWrong", { attempts: outcome.attemptsLeft }),
  });
});

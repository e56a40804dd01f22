/** @jsxImportSource hono/jsx */
// The verify email journey's pages (docs/journeys/email-verification.md).
// In a sign-in, when the tenant requires a verified address (proceed() sends the browser here):
//   GET  /interaction/{id}/verify-email          sends a code once per interaction, shows the code form
//   POST /interaction/{id}/verify-email          a right code verifies and continues the sign-in
//   POST /interaction/{id}/verify-email/resend   a new code (rate-limited)
// From the email, in any browser:
//   GET  /verify-email/{flow}?code=...           a confirm button (GET never acts)
//   POST /verify-email/{flow}                    verifies, 303 to /verify-email/done
import { Hono, type Context } from "hono";
import { CODE_PATTERN, CODE_TTL_SECONDS, peekChallenge } from "../../challenges";
import { openDirectory, type UserRecord } from "../../directory";
import type { AppEnv } from "../../env";
import { csrfToken } from "../../http/csrf";
import { readStandaloneForm } from "../../http/standalone-form";
import { interactionExpired, interactionPage, withInteraction } from "../../interaction/guard";
import { saveInteraction, withoutPending, type Interaction } from "../../interaction/state";
import { currentSession } from "../../sessions";
import { pageContext } from "../../ui/page";
import { NoticePage } from "../../ui/pages/messages";
import { errorPage, htmlPage } from "../../ui/render";
import { interactionPath, journeyPaths } from "../paths";
import { CodePage } from "../sign-up/code-page";
import { sendVerificationCode, verifyEmailCode, type PendingVerification } from "./flow";
import { ConfirmLinkPage } from "./link-page";

type Ctx = Context<AppEnv>;

export const verifyEmailRoutes = new Hono<AppEnv>();

/** The signed-in user who still has to verify, or the response that continues the sign-in instead. */
async function userToVerify(c: Ctx, interaction: Interaction): Promise<UserRecord | Response> {
  const tenant = c.var.tenant;
  const session = await currentSession(c, tenant);
  const user = session ? await openDirectory(c.env, tenant, c.var.stats).users.get(session.userId) : null;
  if (!user || user.emailVerified || !tenant.requireVerifiedEmail)
    return c.redirect(interactionPath(tenant, interaction.id), 303);
  if (!user.email) {
    const page = await interactionPage(c, interaction);
    return errorPage(c, 403, "verifyEmail.title", "verifyEmail.noAddress", undefined, page);
  }
  return user;
}

async function showCodePage(
  c: Ctx,
  interaction: Interaction,
  email: string,
  options: { error?: string | null; notice?: boolean; status?: 200 | 400 | 429 } = {},
) {
  const tenant = c.var.tenant;
  const page = await interactionPage(c, interaction);
  const { t } = page;
  const action = journeyPaths.verifyEmail(tenant, interaction.id);
  return htmlPage(
    c,
    <CodePage
      page={page}
      title={t("verifyEmail.title")}
      intro={t("verifyEmail.sent", { email })}
      notice={options.notice ? t("verifyEmail.resent", { email }) : null}
      error={options.error ?? null}
      labels={{
        code: t("verifyEmail.code"),
        hint: t("verifyEmail.codeHint", { minutes: CODE_TTL_SECONDS / 60 }),
        submit: t("verifyEmail.submit"),
        resend: t("verifyEmail.resend"),
      }}
      action={action}
      resendAction={`${action}/resend`}
      csrf={interaction.csrf}
    />,
    options.status ?? 200,
  );
}

verifyEmailRoutes.get("/", (c) =>
  withInteraction(c, async (interaction) => {
    const user = await userToVerify(c, interaction);
    if (user instanceof Response) return user;
    const pending = interaction.pending.verifyEmail;
    // One code per interaction: reloading the page sends nothing more.
    if (pending && pending.email === user.email)
      return showCodePage(c, interaction, pending.email, { notice: c.req.query("sent") === "1" });
    const page = await interactionPage(c, interaction);
    const sent = await sendVerificationCode(c, c.var.tenant, user, page.locale, pending?.flowId);
    if (!sent.sent)
      return showCodePage(c, interaction, user.email!, {
        error: page.t("verifyEmail.throttled", { seconds: sent.retryAfter }),
        status: 429,
      });
    const next = { flowId: sent.flowId, email: sent.email };
    if (
      !(await saveInteraction(c, c.var.tenant, interaction, { pending: { ...interaction.pending, verifyEmail: next } }))
    )
      return interactionExpired(c);
    return showCodePage(c, interaction, sent.email);
  }),
);

verifyEmailRoutes.post("/", (c) =>
  withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const user = await userToVerify(c, interaction);
    if (user instanceof Response) return user;
    const pending = interaction.pending.verifyEmail;
    if (!pending) return c.redirect(journeyPaths.verifyEmail(tenant, interaction.id), 303);
    const { t } = await interactionPage(c, interaction);
    const code = (form.code ?? "").replace(/\s/g, "");
    if (!code) return showCodePage(c, interaction, pending.email, { error: t("verifyEmail.codeMissing"), status: 400 });
    const result = await verifyEmailCode(c, tenant, pending.flowId, code.slice(0, 32), "code", user.id);
    if (result.outcome === "wrong_code")
      return showCodePage(c, interaction, pending.email, {
        error: t("verifyEmail.codeWrong", { attempts: result.attemptsLeft }),
        status: 400,
      });
    if (result.outcome === "expired")
      return showCodePage(c, interaction, pending.email, { error: t("verifyEmail.codeExpired"), status: 400 });
    if (!(await saveInteraction(c, tenant, interaction, withoutPending(interaction, "verifyEmail"))))
      return interactionExpired(c);
    return c.redirect(interactionPath(tenant, interaction.id), 303);
  }),
);

verifyEmailRoutes.post("/resend", (c) =>
  withInteraction(c, async (interaction) => {
    const tenant = c.var.tenant;
    const user = await userToVerify(c, interaction);
    if (user instanceof Response) return user;
    const page = await interactionPage(c, interaction);
    const previous = interaction.pending.verifyEmail;
    const sent = await sendVerificationCode(c, tenant, user, page.locale, previous?.flowId);
    if (!sent.sent)
      return showCodePage(c, interaction, previous?.email ?? user.email!, {
        error: page.t("verifyEmail.throttled", { seconds: sent.retryAfter }),
        status: 429,
      });
    const next = { flowId: sent.flowId, email: sent.email };
    if (!(await saveInteraction(c, tenant, interaction, { pending: { ...interaction.pending, verifyEmail: next } })))
      return interactionExpired(c);
    return c.redirect(`${journeyPaths.verifyEmail(tenant, interaction.id)}?sent=1`, 303);
  }),
);

/** The link in a verification email: /t/{slug}/verify-email/{flow}?code=... (any browser). */
export const verifyEmailLinkRoutes = new Hono<AppEnv>();

verifyEmailLinkRoutes.get("/done", async (c) => {
  const page = await pageContext(c);
  return htmlPage(
    c,
    <NoticePage page={page} title={page.t("verifyEmail.linkDoneTitle")} message={page.t("verifyEmail.linkDoneBody")} />,
  );
});

verifyEmailLinkRoutes.get("/:flow", async (c) => {
  const tenant = c.var.tenant;
  const flowId = c.req.param("flow");
  const code = c.req.query("code") ?? "";
  if (!CODE_PATTERN.test(code)) return errorPage(c, 400, "verifyEmail.linkTitle", "verifyEmail.linkWrong");
  const pending = await peekChallenge<PendingVerification>(c.env, tenant.id, "verify-email", flowId, c.var.stats);
  if (!pending) return errorPage(c, 400, "verifyEmail.linkTitle", "verifyEmail.linkExpired");
  const page = await pageContext(c);
  return htmlPage(
    c,
    <ConfirmLinkPage
      page={page}
      email={pending.email}
      action={journeyPaths.verifyEmailLink(tenant, flowId)}
      csrf={csrfToken(c)}
      code={code}
    />,
  );
});

verifyEmailLinkRoutes.post("/:flow", async (c) => {
  const tenant = c.var.tenant;
  const form = await readStandaloneForm(c);
  if (form instanceof Response) return form;
  const code = (form.code ?? "").slice(0, 32);
  const result = await verifyEmailCode(c, tenant, c.req.param("flow"), code, "link");
  if (result.outcome === "wrong_code") return errorPage(c, 400, "verifyEmail.linkTitle", "verifyEmail.linkWrong");
  if (result.outcome === "expired") return errorPage(c, 400, "verifyEmail.linkTitle", "verifyEmail.linkExpired");
  return c.redirect(`${journeyPaths.verifyEmailLink(tenant, "done")}`, 303);
});

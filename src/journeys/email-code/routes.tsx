/** @jsxImportSource hono/jsx */
// The email code journey's pages (docs/journeys/email-code.md), under an interaction:
// the address, then the code; a right code signs the user in and returns to the
// interaction. Offered when the app (or else the tenant) says so; otherwise 404.
import { Hono, type Context } from "hono";
import { CODE_PATTERN } from "../../challenges";
import { openDirectory, normalizeEmail, type Client } from "../../directory";
import type { AppEnv } from "../../env";
import { emailCodeOffered } from "../../interaction/flow";
import { interactionExpired, interactionPage, withInteraction } from "../../interaction/guard";
import { browserDevice } from "../../interaction/sign-in";
import { afterFirstFactor } from "../../mfa/sign-in";
import { saveInteraction, withoutPending, type Interaction } from "../../interaction/state";
import { errorPage, htmlPage } from "../../ui/render";
import { emailBudget } from "../journey-email";
import { interactionPath, journeyPaths } from "../paths";
import { EmailCodeEntryPage, EmailCodeRequestPage } from "./page";
import { sendSignInCode, signInWithEmailCode } from "./sign-in";
import { interactionClient } from "../../account/client";

export const emailCodeRoutes = new Hono<AppEnv>();

type Handler = (interaction: Interaction, form: Record<string, string>, client: Client) => Promise<Response>;

/** The interaction guard, plus: the interaction's app offers email codes. */
function withEmailCode(c: Context<AppEnv>, handle: Handler): Promise<Response> {
  return withInteraction(c, async (interaction, form) => {
    const directory = openDirectory(c.env, c.var.tenant, c.var.stats);
    const client = await interactionClient(c.env, c.var.tenant, directory, interaction.request);
    if (!client) return interactionExpired(c);
    if (!emailCodeOffered(c.var.tenant, client))
      return errorPage(
        c,
        404,
        "emailCode.notOfferedTitle",
        "emailCode.notOffered",
        undefined,
        await interactionPage(c, interaction),
      );
    return handle(interaction, form, client);
  });
}

const codePath = (c: Context<AppEnv>, interaction: Interaction) =>
  `${journeyPaths.emailCode(c.var.tenant, interaction.id)}/code`;

async function showRequest(
  c: Context<AppEnv>,
  interaction: Interaction,
  client: Client,
  email: string,
  status: 200 | 400 | 429,
  error: string | null = null,
) {
  const page = await interactionPage(c, interaction);
  return htmlPage(
    c,
    <EmailCodeRequestPage
      page={page}
      clientName={client.clientName ?? client.clientId}
      action={journeyPaths.emailCode(c.var.tenant, interaction.id)}
      csrf={interaction.csrf}
      email={email}
      passwordSignIn={interactionPath(c.var.tenant, interaction.id)}
      error={error}
    />,
    status,
  );
}

async function showCode(
  c: Context<AppEnv>,
  interaction: Interaction,
  email: string,
  status: 200 | 400 | 403 | 429,
  options: { code?: string; error?: string | null; resent?: boolean } = {},
) {
  const page = await interactionPage(c, interaction);
  return htmlPage(
    c,
    <EmailCodeEntryPage
      page={page}
      action={codePath(c, interaction)}
      resendAction={`${journeyPaths.emailCode(c.var.tenant, interaction.id)}/resend`}
      otherEmail={journeyPaths.emailCode(c.var.tenant, interaction.id)}
      csrf={interaction.csrf}
      email={email}
      code={options.code ?? ""}
      resent={options.resent ?? false}
      error={options.error ?? null}
    />,
    status,
  );
}

emailCodeRoutes.get("/", (c) =>
  withEmailCode(c, (interaction, _form, client) =>
    showRequest(
      c,
      interaction,
      client,
      interaction.pending.emailCode?.email ?? interaction.request.loginHint ?? "",
      200,
    ),
  ),
);

emailCodeRoutes.post("/", (c) =>
  withEmailCode(c, async (interaction, form, client) => {
    const tenant = c.var.tenant;
    const { t, locale } = await interactionPage(c, interaction);
    const email = (form.email ?? "").trim().slice(0, 254);
    if (!email) return showRequest(c, interaction, client, email, 400, t("emailCode.emailMissing"));
    const normalized = normalizeEmail(email);
    if (!normalized) return showRequest(c, interaction, client, email, 400, t("emailCode.emailInvalid"));
    const budget = await emailBudget(c, tenant, "email-code", normalized);
    if (!budget.allowed)
      return showRequest(
        c,
        interaction,
        client,
        email,
        429,
        t("common.tooManyRequests", { seconds: budget.retryAfter }),
      );
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const previous = interaction.pending.emailCode?.flowId ?? null;
    const flowId = await sendSignInCode(c, tenant, directory, locale, email, previous);
    const saved = await saveInteraction(c, tenant, interaction, {
      pending: { ...interaction.pending, emailCode: { flowId, email } },
    });
    if (!saved) return interactionExpired(c);
    return c.redirect(codePath(c, interaction), 303);
  }),
);

emailCodeRoutes.get("/code", (c) =>
  withEmailCode(c, async (interaction) => {
    const pending = interaction.pending.emailCode;
    if (!pending) return c.redirect(journeyPaths.emailCode(c.var.tenant, interaction.id), 303);
    return showCode(c, interaction, pending.email, 200, { resent: c.req.query("resent") === "1" });
  }),
);

emailCodeRoutes.post("/code", (c) =>
  withEmailCode(c, async (interaction, form, client) => {
    const tenant = c.var.tenant;
    const pending = interaction.pending.emailCode;
    if (!pending) return c.redirect(journeyPaths.emailCode(tenant, interaction.id), 303);
    const { t } = await interactionPage(c, interaction);
    const code = (form.code ?? "").replace(/\s+/g, "").slice(0, 32);
    const again = (status: 400 | 403 | 429, error: string, typed = code) =>
      showCode(c, interaction, pending.email, status, { code: typed, error });
    if (!code) return again(400, t("emailCode.codeMissing"));
    if (!CODE_PATTERN.test(code)) return again(400, t("emailCode.codeFormat"));

    const directory = openDirectory(c.env, tenant, c.var.stats);
    const device = await browserDevice(c);
    const outcome = await signInWithEmailCode(c, {
      tenant,
      directory,
      clientId: client.clientId,
      deviceId: device.deviceId,
      login: normalizeEmail(pending.email) ?? pending.email.toLowerCase(),
      flowId: pending.flowId,
      code,
    });
    if (!outcome.ok) {
      if (outcome.reason === "throttled")
        return again(429, t("emailCode.throttled", { seconds: Math.max(1, outcome.retryAfter) }));
      if (outcome.reason === "blocked") return again(403, t("emailCode.blocked"), "");
      if (outcome.reason === "expired") return again(400, t("emailCode.codeExpired"), "");
      return again(400, t("emailCode.codeWrong", { attempts: outcome.attemptsLeft }), "");
    }
    return afterFirstFactor(c, {
      tenant,
      directory,
      client,
      interaction,
      user: outcome.user,
      amr: ["otp"],
      method: "email_code",
      interactionChanges: withoutPending(interaction, "emailCode"),
    });
  }),
);

emailCodeRoutes.post("/resend", (c) =>
  withEmailCode(c, async (interaction) => {
    const tenant = c.var.tenant;
    const pending = interaction.pending.emailCode;
    if (!pending) return c.redirect(journeyPaths.emailCode(tenant, interaction.id), 303);
    const { t, locale } = await interactionPage(c, interaction);
    const budget = await emailBudget(c, tenant, "email-code", normalizeEmail(pending.email) ?? pending.email);
    if (!budget.allowed)
      return showCode(c, interaction, pending.email, 429, {
        error: t("common.tooManyRequests", { seconds: budget.retryAfter }),
      });
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const flowId = await sendSignInCode(c, tenant, directory, locale, pending.email, pending.flowId);
    const saved = await saveInteraction(c, tenant, interaction, {
      pending: { ...interaction.pending, emailCode: { flowId, email: pending.email } },
    });
    if (!saved) return interactionExpired(c);
    return c.redirect(`${codePath(c, interaction)}?resent=1`, 303);
  }),
);

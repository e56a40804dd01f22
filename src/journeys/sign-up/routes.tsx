/** @jsxImportSource hono/jsx */
// The sign-up journey's pages (docs/journeys/sign-up.md), under an interaction:
//   GET  /sign-up           the form
//   POST /sign-up           check it, hash the password, email a code, 303 to /code
//   GET  /sign-up/code      the code form (an emailed link prefills the code)
//   POST /sign-up/code      a right code creates the account and signs the user in
//   POST /sign-up/resend    a new code (rate-limited)
//   POST /sign-up/sign-in   "already have an account": the sign-in page instead
// Nothing is created before the code proves the address. An address that already has
// an account gets the same work and the same pages; its owner gets a notice instead.
import { Hono, type Context } from "hono";
import { attributeFields } from "../../attributes";
import { CODE_PATTERN, CODE_TTL_SECONDS } from "../../challenges";
import { openDirectory, type Tenant } from "../../directory";
import type { AppEnv } from "../../env";
import { interactionExpired, interactionPage, withInteraction } from "../../interaction/guard";
import { saveInteraction, withoutPending, type Interaction } from "../../interaction/state";
import { errorPage, htmlPage } from "../../ui/render";
import { PASSWORD_MIN_LENGTH } from "../../passwords";
import { interactionPath, journeyPaths } from "../paths";
import { CodePage } from "./code-page";
import { legalDocumentsOf, readSignUpForm } from "./form";
import { SignUpPage, type SignUpFormState } from "./page";
import { beginSignUp, finishSignUp, resendSignUpCode } from "./flow";
import { interactionClient } from "../../account/client";
import { afterFirstFactor } from "../../mfa/sign-in";
import { mfaPaths } from "../../mfa/paths";

export const signUpRoutes = new Hono<AppEnv>();
type Ctx = Context<AppEnv>;

// Self-service sign-up switched off: every page of the journey says so.
signUpRoutes.use("*", async (c, next) => {
  const tenant = c.var.tenant;
  if (!tenant.selfSignUpEnabled)
    return errorPage(c, 403, "signUp.disabledTitle", "signUp.disabledBody", { tenant: tenant.displayName });
  await next();
});

const codePath = (tenant: Tenant, interaction: Interaction) => `${journeyPaths.signUp(tenant, interaction.id)}/code`;

async function showForm(c: Ctx, interaction: Interaction, state: SignUpFormState, status: 200 | 400 | 409 | 429 = 200) {
  const tenant = c.var.tenant;
  const directory = openDirectory(c.env, tenant, c.var.stats);
  const client = await interactionClient(c.env, tenant, directory, interaction.request);
  if (!client) return interactionExpired(c);
  const page = await interactionPage(c, interaction);
  const fields = attributeFields(tenant.signUpAttributes, await directory.attributes.list(), page.t, page.locale);
  return htmlPage(
    c,
    <SignUpPage
      page={page}
      clientName={client.clientName ?? client.clientId}
      action={journeyPaths.signUp(tenant, interaction.id)}
      signInAction={`${journeyPaths.signUp(tenant, interaction.id)}/sign-in`}
      csrf={interaction.csrf}
      fields={fields}
      legal={legalDocumentsOf(tenant)}
      marketingOffered={Boolean(tenant.marketingConsentVersion)}
      passwordMinLength={PASSWORD_MIN_LENGTH}
      state={state}
    />,
    status,
  );
}

async function showCodePage(
  c: Ctx,
  interaction: Interaction,
  email: string,
  options: { error?: string | null; notice?: boolean; code?: string; status?: 200 | 400 | 429 } = {},
) {
  const tenant = c.var.tenant;
  const page = await interactionPage(c, interaction);
  const { t } = page;
  return htmlPage(
    c,
    <CodePage
      page={page}
      title={t("signUp.codeTitle")}
      intro={t("signUp.codeSent", { email })}
      notice={options.notice ? t("signUp.codeResent", { email }) : null}
      error={options.error ?? null}
      labels={{
        code: t("signUp.code"),
        hint: t("signUp.codeHint", { minutes: CODE_TTL_SECONDS / 60 }),
        submit: t("signUp.codeSubmit"),
        resend: t("signUp.resend"),
      }}
      action={codePath(tenant, interaction)}
      resendAction={`${journeyPaths.signUp(tenant, interaction.id)}/resend`}
      csrf={interaction.csrf}
      code={options.code ?? ""}
      back={{ href: journeyPaths.signUp(tenant, interaction.id), label: t("signUp.changeEmail") }}
    />,
    options.status ?? 200,
  );
}

signUpRoutes.get("/", (c) =>
  withInteraction(c, (interaction) =>
    showForm(c, interaction, { values: { email: interaction.request.loginHint ?? "" }, errors: {}, summary: null }),
  ),
);

signUpRoutes.post("/", (c) =>
  withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const directory = openDirectory(c.env, tenant, c.var.stats);
    const page = await interactionPage(c, interaction);
    const fields = attributeFields(tenant.signUpAttributes, await directory.attributes.list(), page.t, page.locale);
    const read = readSignUpForm(form, tenant, fields, page.t);
    if (!read.ok) return showForm(c, interaction, read.state, 400);
    const begun = await beginSignUp(c, tenant, directory, interaction, read.submission, page.locale);
    if (begun.outcome === "throttled") {
      const { state } = typedBack(read.submission.email, form);
      return showForm(
        c,
        interaction,
        { ...state, summary: page.t("signUp.throttled", { seconds: begun.retryAfter }) },
        429,
      );
    }
    if (begun.outcome === "expired") return interactionExpired(c);
    return c.redirect(codePath(tenant, interaction), 303);
  }),
);

/** The form's typed values (never the password) to show it again. */
function typedBack(email: string, form: Record<string, string>): { state: SignUpFormState } {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(form))
    if (name !== "password" && name !== "csrf") values[name] = value.slice(0, 500);
  return { state: { values: { ...values, email }, errors: {}, summary: null } };
}

signUpRoutes.get("/code", (c) =>
  withInteraction(c, async (interaction) => {
    const pending = interaction.pending.signUp;
    if (!pending) return c.redirect(journeyPaths.signUp(c.var.tenant, interaction.id), 303);
    const code = c.req.query("code") ?? "";
    return showCodePage(c, interaction, pending.email, {
      notice: c.req.query("sent") === "1",
      code: CODE_PATTERN.test(code) ? code : "",
    });
  }),
);

signUpRoutes.post("/code", (c) =>
  withInteraction(c, async (interaction, form) => {
    const tenant = c.var.tenant;
    const pending = interaction.pending.signUp;
    if (!pending) return c.redirect(journeyPaths.signUp(tenant, interaction.id), 303);
    const { t } = await interactionPage(c, interaction);
    const code = (form.code ?? "").replace(/\s/g, "");
    if (!code) return showCodePage(c, interaction, pending.email, { error: t("signUp.codeMissing"), status: 400 });
    const finished = await finishSignUp(c, tenant, interaction, pending.flowId, code.slice(0, 32));
    switch (finished.outcome) {
      case "created": {
        const directory = openDirectory(c.env, tenant, c.var.stats);
        const client = await interactionClient(c.env, tenant, directory, interaction.request);
        if (!client) return interactionExpired(c);
        return afterFirstFactor(c, {
          tenant,
          directory,
          client,
          interaction,
          user: finished.user,
          amr: ["pwd"],
          method: "sign_up",
          interactionChanges: withoutPending(interaction, "signUp"),
          // Signed in with nothing more to do: offer a passkey before going on.
          continueTo: `${mfaPaths.passkeySignIn(tenant, interaction.id)}/offer`,
        });
      }
      case "wrong_code":
        return showCodePage(c, interaction, pending.email, {
          error: t("signUp.codeWrong", { attempts: finished.attemptsLeft }),
          status: 400,
        });
      case "expired_code":
        await saveInteraction(c, tenant, interaction, withoutPending(interaction, "signUp"));
        return showForm(
          c,
          interaction,
          { values: { email: pending.email }, errors: {}, summary: t("signUp.codeExpired") },
          400,
        );
      case "email_taken":
        await saveInteraction(c, tenant, interaction, withoutPending(interaction, "signUp"));
        return showForm(
          c,
          interaction,
          { values: { email: pending.email }, errors: {}, summary: t("signUp.emailTaken") },
          409,
        );
    }
  }),
);

signUpRoutes.post("/resend", (c) =>
  withInteraction(c, async (interaction) => {
    const tenant = c.var.tenant;
    const pending = interaction.pending.signUp;
    if (!pending) return c.redirect(journeyPaths.signUp(tenant, interaction.id), 303);
    const page = await interactionPage(c, interaction);
    const resent = await resendSignUpCode(c, tenant, interaction, pending, page.locale);
    if (resent.outcome === "throttled")
      return showCodePage(c, interaction, pending.email, {
        error: page.t("signUp.throttled", { seconds: resent.retryAfter }),
        status: 429,
      });
    if (resent.outcome === "expired_code") {
      await saveInteraction(c, tenant, interaction, withoutPending(interaction, "signUp"));
      return showForm(
        c,
        interaction,
        { values: { email: pending.email }, errors: {}, summary: page.t("signUp.codeExpired") },
        400,
      );
    }
    if (resent.outcome === "interaction_moved") return interactionExpired(c);
    return c.redirect(`${codePath(tenant, interaction)}?sent=1`, 303);
  }),
);

signUpRoutes.post("/sign-in", (c) =>
  withInteraction(c, async (interaction) => {
    // forceLogin shows the sign-in form, even to a browser with a session, and ends prompt=create.
    if (!(await saveInteraction(c, c.var.tenant, interaction, { forceLogin: true }))) return interactionExpired(c);
    return c.redirect(interactionPath(c.var.tenant, interaction.id), 303);
  }),
);

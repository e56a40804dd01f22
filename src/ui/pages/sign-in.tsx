/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { PASSKEY_JS_PATH } from "../../mfa/passkeys/browser-script";
import { PasskeyForm } from "../../mfa/passkeys/form";
import { EmailField } from "../email-field";
import { ErrorMessage, Layout } from "../layout";
import type { PageContext } from "../page";
import { PasswordField } from "../password-field";

/** Where the sign-in page's alternatives lead, when the tenant and app offer them. */
export interface SignInAlternatives {
  signUp: string | null;
  passwordReset: string | null;
  emailCode: string | null;
}

export interface SignInPageProps {
  page: PageContext;
  clientName: string;
  action: string;
  csrf: string;
  email: string;
  error?: string | null;
  alternatives: SignInAlternatives;
  /**
   * Passkey sign-in (a button, and the email field's autofill): where the answer goes and
   * where the page's script asks for options. The page then needs its script allowed.
   */
  passkey?: { action: string; options: string } | null;
}

export const SignInPage: FC<SignInPageProps> = ({
  page,
  clientName,
  action,
  csrf,
  email,
  error,
  alternatives,
  passkey,
}) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("signIn.title")} script={passkey ? PASSKEY_JS_PATH : undefined}>
      <h1>{t("signIn.title")}</h1>
      <p class="muted">{t("signIn.continueTo", { client: clientName })}</p>
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <ErrorMessage id="sign-in-error" message={error} />
        <EmailField
          label={t("signIn.email")}
          autocomplete={passkey ? "username webauthn" : "username"}
          value={email}
          autofocus={!email}
          error={error}
          errorId="sign-in-error"
        />
        <PasswordField
          label={t("signIn.password")}
          autocomplete="current-password"
          autofocus={Boolean(email)}
          error={error}
          errorId="sign-in-error"
        />
        <button type="submit">{t("signIn.submit")}</button>
      </form>
      {passkey ? (
        <PasskeyForm
          page={page}
          mode="get"
          action={passkey.action}
          options={passkey.options}
          csrf={csrf}
          label={t("passkeys.signIn")}
          conditional
          secondary
        />
      ) : null}
      <div class="alternatives">
        {alternatives.passwordReset ? <a href={alternatives.passwordReset}>{t("signIn.forgotPassword")}</a> : null}
        {alternatives.emailCode ? <a href={alternatives.emailCode}>{t("signIn.emailCode")}</a> : null}
        {alternatives.signUp ? (
          <p>
            {t("signIn.noAccount")} <a href={alternatives.signUp}>{t("signIn.createAccount")}</a>
          </p>
        ) : null}
      </div>
    </Layout>
  );
};

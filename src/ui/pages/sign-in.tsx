/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { ErrorMessage, Layout } from "../layout";
import type { PageContext } from "../page";

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
}

export const SignInPage: FC<SignInPageProps> = ({ page, clientName, action, csrf, email, error, alternatives }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("signIn.title")}>
      <h1>{t("signIn.title")}</h1>
      <p class="muted">{t("signIn.continueTo", { client: clientName })}</p>
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <ErrorMessage id="sign-in-error" message={error} />
        <label for="email">{t("signIn.email")}</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value={email}
          autofocus={!email}
          aria-describedby={error ? "sign-in-error" : undefined}
          aria-invalid={error ? "true" : undefined}
        />
        <label for="password">{t("signIn.password")}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          autofocus={Boolean(email)}
          aria-describedby={error ? "sign-in-error" : undefined}
          aria-invalid={error ? "true" : undefined}
        />
        <button type="submit">{t("signIn.submit")}</button>
      </form>
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

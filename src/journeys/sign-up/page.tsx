/** @jsxImportSource hono/jsx */
// The sign-up form: email, password, the attributes the tenant collects, acceptance of
// its terms and privacy policy, and the optional marketing opt-in. Every field error is
// tied to its input; the summary at the top is announced when the page loads.
import type { FC } from "hono/jsx";
import { AttributeInputs, type AttributeField } from "../../attributes";
import { EmailField } from "../../ui/email-field";
import { ErrorMessage, fieldAria, FieldError } from "../../ui/form-errors";
import { Layout } from "../../ui/layout";
import type { PageContext } from "../../ui/page";
import { PasswordField } from "../../ui/password-field";

export interface SignUpFormState {
  /** What the user typed (never the password). */
  values: Readonly<Record<string, string>>;
  /** Field name ("email", "password", "legal" or an attribute) -> message. */
  errors: Readonly<Record<string, string>>;
  /** A message for the whole form (summary, rate limit, expired code). */
  summary: string | null;
}

export interface SignUpPageProps {
  page: PageContext;
  clientName: string;
  action: string;
  /** "Already have an account? Sign in": posts here (also leaves prompt=create). */
  signInAction: string;
  csrf: string;
  fields: readonly AttributeField[];
  legal: { terms: string | null; privacy: string | null };
  marketingOffered: boolean;
  passwordMinLength: number;
  state: SignUpFormState;
}

export const SignUpPage: FC<SignUpPageProps> = (props) => {
  const { page, state, legal } = props;
  const { t } = page;
  const { values, errors } = state;
  const attributeErrors = Object.fromEntries(props.fields.map((f) => [f.name, errors[f.name]]).filter(([, m]) => m));
  const legalLabel =
    legal.terms && legal.privacy
      ? t("signUp.acceptTermsAndPrivacy")
      : legal.terms
        ? t("signUp.acceptTerms")
        : t("signUp.acceptPrivacy");
  return (
    <Layout page={page} title={t("signUp.title")}>
      <h1>{t("signUp.title")}</h1>
      <p class="muted">{t("signUp.continueTo", { client: props.clientName })}</p>
      <form method="post" action={props.action} novalidate>
        <input type="hidden" name="csrf" value={props.csrf} />
        <ErrorMessage id="sign-up-error" message={state.summary} />
        <EmailField
          label={t("signUp.email")}
          autocomplete="email"
          maxlength={254}
          value={values.email ?? ""}
          error={errors.email}
        />
        <PasswordField
          label={t("signUp.password")}
          hint={t("signUp.passwordHint", { min: props.passwordMinLength })}
          autocomplete="new-password"
          minlength={props.passwordMinLength}
          error={errors.password}
        />
        <AttributeInputs fields={props.fields} values={values} errors={attributeErrors} t={t} />
        {legal.terms || legal.privacy ? (
          <div>
            <p class="hint" id="legal-links">
              {t("signUp.legalIntro")}{" "}
              {legal.terms ? (
                <a href={legal.terms} rel="noopener noreferrer" target="_blank">
                  {t("common.terms")}
                </a>
              ) : null}
              {legal.terms && legal.privacy ? " · " : null}
              {legal.privacy ? (
                <a href={legal.privacy} rel="noopener noreferrer" target="_blank">
                  {t("common.privacy")}
                </a>
              ) : null}
            </p>
            <label class="check" for="legal">
              <input
                type="checkbox"
                id="legal"
                name="legal"
                value="on"
                required
                checked={values.legal === "on"}
                {...fieldAria(errors.legal, "legal-error", "legal-links")}
              />
              <span>{legalLabel}</span>
            </label>
            <FieldError id="legal-error" message={errors.legal} />
          </div>
        ) : null}
        {props.marketingOffered ? (
          <label class="check" for="marketing">
            <input type="checkbox" id="marketing" name="marketing" value="on" checked={values.marketing === "on"} />
            <span>{`${t("signUp.marketing")} (${t("common.optional")})`}</span>
          </label>
        ) : null}
        <button type="submit">{t("signUp.submit")}</button>
      </form>
      <form method="post" action={props.signInAction} class="alternatives">
        <input type="hidden" name="csrf" value={props.csrf} />
        <p>
          {t("signUp.haveAccount")}{" "}
          <button type="submit" class="link">
            {t("signUp.signIn")}
          </button>
        </p>
      </form>
    </Layout>
  );
};

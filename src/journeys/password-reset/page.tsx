/** @jsxImportSource hono/jsx */
// The password reset pages: ask for the address, then the code and the new password,
// then say it is done. Field errors are tied to their inputs; a summary is announced.
import type { FC } from "hono/jsx";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../passwords";
import { CodeField } from "../../ui/code-field";
import { EmailField } from "../../ui/email-field";
import { ErrorMessage, errorSummary } from "../../ui/form-errors";
import { Layout } from "../../ui/layout";
import type { PageContext } from "../../ui/page";
import { PasswordField } from "../../ui/password-field";

export type FieldErrors = Partial<Record<"email" | "code" | "password" | "confirm", string>>;

const SUMMARY_ID = "reset-errors";

/** The summary above a form: one message, or "correct the fields" when fields carry their own. */
function summaryOf(page: PageContext, errors: FieldErrors, message: string | null | undefined): string | null {
  return errorSummary(errors, page.t("passwordReset.fixErrors"), message);
}

export const RequestResetPage: FC<{
  page: PageContext;
  action: string;
  csrf: string;
  email: string;
  errors?: FieldErrors;
  message?: string | null;
}> = ({ page, action, csrf, email, errors = {}, message }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("passwordReset.title")}>
      <h1>{t("passwordReset.title")}</h1>
      <p class="muted">{t("passwordReset.intro")}</p>
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <ErrorMessage id={SUMMARY_ID} message={summaryOf(page, errors, message)} />
        <EmailField
          label={t("passwordReset.email")}
          autocomplete="username"
          maxlength={254}
          value={email}
          autofocus
          error={errors.email}
          summaryId={SUMMARY_ID}
        />
        <button type="submit">{t("passwordReset.sendCode")}</button>
      </form>
    </Layout>
  );
};

export const ChooseNewPasswordPage: FC<{
  page: PageContext;
  action: string;
  csrf: string;
  email: string;
  code: string;
  requestAgain: string;
  errors?: FieldErrors;
  message?: string | null;
}> = ({ page, action, csrf, email, code, requestAgain, errors = {}, message }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("passwordReset.codeTitle")}>
      <h1>{t("passwordReset.codeTitle")}</h1>
      <p>{t("passwordReset.codeSent", { email })}</p>
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <ErrorMessage id={SUMMARY_ID} message={summaryOf(page, errors, message)} />
        <CodeField
          label={t("passwordReset.code")}
          hint={t("passwordReset.codeHint")}
          value={code}
          autofocus={!code}
          error={errors.code}
          summaryId={SUMMARY_ID}
        />
        <PasswordField
          label={t("passwordReset.newPassword")}
          hint={t("passwordReset.passwordHint", { min: PASSWORD_MIN_LENGTH })}
          autocomplete="new-password"
          minlength={PASSWORD_MIN_LENGTH}
          maxlength={PASSWORD_MAX_LENGTH}
          autofocus={Boolean(code)}
          error={errors.password}
          summaryId={SUMMARY_ID}
        />
        <PasswordField
          id="confirm"
          name="confirm"
          label={t("passwordReset.confirmPassword")}
          autocomplete="new-password"
          maxlength={PASSWORD_MAX_LENGTH}
          error={errors.confirm}
          summaryId={SUMMARY_ID}
        />
        <button type="submit">{t("passwordReset.changePassword")}</button>
      </form>
      <div class="alternatives">
        <a href={requestAgain}>{t("passwordReset.requestAgain")}</a>
      </div>
    </Layout>
  );
};

/** The code is spent or gone: nothing to enter any more, only a way to start again. */
export const ResetExpiredPage: FC<{ page: PageContext; requestAgain: string }> = ({ page, requestAgain }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("passwordReset.title")}>
      <h1>{t("passwordReset.title")}</h1>
      <ErrorMessage id={SUMMARY_ID} message={t("passwordReset.codeExpired")} />
      <p>
        <a href={requestAgain}>{t("passwordReset.requestAgain")}</a>
      </p>
    </Layout>
  );
};

export const ResetDonePage: FC<{ page: PageContext; signIn: string | null }> = ({ page, signIn }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("passwordReset.doneTitle")}>
      <h1>{t("passwordReset.doneTitle")}</h1>
      <p role="status">{t("passwordReset.doneBody")}</p>
      {signIn ? (
        <p>
          <a href={signIn}>{t("passwordReset.backToSignIn")}</a>
        </p>
      ) : null}
    </Layout>
  );
};

/** @jsxImportSource hono/jsx */
// The email code sign-in pages: the address, then the code (with a way to get a new one).
import type { FC } from "hono/jsx";
import { CodeField } from "../../ui/code-field";
import { EmailField } from "../../ui/email-field";
import { ErrorMessage } from "../../ui/form-errors";
import { Layout } from "../../ui/layout";
import type { PageContext } from "../../ui/page";

const ERROR_ID = "email-code-error";

export const EmailCodeRequestPage: FC<{
  page: PageContext;
  clientName: string;
  action: string;
  csrf: string;
  email: string;
  passwordSignIn: string;
  error?: string | null;
}> = ({ page, clientName, action, csrf, email, passwordSignIn, error }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("emailCode.title")}>
      <h1>{t("emailCode.title")}</h1>
      <p class="muted">{t("emailCode.intro", { client: clientName })}</p>
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <ErrorMessage id={ERROR_ID} message={error} />
        <EmailField
          label={t("emailCode.email")}
          autocomplete="username"
          maxlength={254}
          value={email}
          autofocus
          error={error}
          errorId={ERROR_ID}
        />
        <button type="submit">{t("emailCode.sendCode")}</button>
      </form>
      <div class="alternatives">
        <a href={passwordSignIn}>{t("emailCode.usePassword")}</a>
      </div>
    </Layout>
  );
};

export const EmailCodeEntryPage: FC<{
  page: PageContext;
  action: string;
  resendAction: string;
  otherEmail: string;
  csrf: string;
  email: string;
  code: string;
  resent?: boolean;
  error?: string | null;
}> = ({ page, action, resendAction, otherEmail, csrf, email, code, resent, error }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("emailCode.codeTitle")}>
      <h1>{t("emailCode.codeTitle")}</h1>
      <p>{t("emailCode.codeSent", { email })}</p>
      {resent && !error ? (
        <p class="notice" role="status">
          {t("emailCode.resent")}
        </p>
      ) : null}
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        <ErrorMessage id={ERROR_ID} message={error} />
        <CodeField
          label={t("emailCode.code")}
          hint={t("emailCode.codeHint")}
          value={code}
          autofocus
          error={error}
          errorId={ERROR_ID}
        />
        <button type="submit">{t("emailCode.signIn")}</button>
      </form>
      <form method="post" action={resendAction}>
        <input type="hidden" name="csrf" value={csrf} />
        <button type="submit" class="secondary">
          {t("emailCode.resend")}
        </button>
      </form>
      <div class="alternatives">
        <a href={otherEmail}>{t("emailCode.otherEmail")}</a>
      </div>
    </Layout>
  );
};

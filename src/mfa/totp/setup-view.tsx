/** @jsxImportSource hono/jsx */
// Setting up an authenticator app, on the account page and during a sign-in alike: the QR
// code (server-drawn SVG), the secret in text for typing, and the first code to confirm.
import type { FC } from "hono/jsx";
import { CodeField } from "../../ui/code-field";
import type { PageContext } from "../../ui/page";
import type { EnrollmentDetails } from "./authenticators";
import { QrCode } from "./qr";

export const TotpSetupView: FC<{
  page: PageContext;
  details: EnrollmentDetails;
  action: string;
  csrf: string;
  /** Hidden fields the form carries (the app being set up). */
  hidden: Record<string, string>;
  code?: string;
  error?: string | null;
  /** The id of the page's alert that already says `error`. */
  errorId?: string;
}> = ({ page, details, action, csrf, hidden, code, error, errorId }) => {
  const { t } = page;
  return (
    <section aria-labelledby="totp-setup-heading">
      <h2 id="totp-setup-heading">{t("authenticators.setupHeading")}</h2>
      <ol>
        <li>{t("authenticators.setupStepInstall")}</li>
        <li>{t("authenticators.setupStepScan")}</li>
      </ol>
      <QrCode text={details.uri} label={t("authenticators.qrLabel")} id="totp-qr" />
      <p id="totp-secret-label">{t("authenticators.setupManual")}</p>
      <p>
        <code id="totp-secret" aria-labelledby="totp-secret-label">
          {details.secret}
        </code>
      </p>
      <form method="post" action={action} novalidate>
        <input type="hidden" name="csrf" value={csrf} />
        {Object.entries(hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <CodeField
          label={t("authenticators.appCode")}
          hint={t("authenticators.appCodeHint")}
          value={code}
          error={error}
          errorId={errorId}
        />
        <button type="submit">{t("authenticators.confirmSetup")}</button>
      </form>
    </section>
  );
};

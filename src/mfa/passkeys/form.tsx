/** @jsxImportSource hono/jsx */
// The form that runs a passkey ceremony (src/mfa/passkeys/browser-script.ts): a button,
// the page's CSRF token, a hidden field for the browser's answer, a live region for what
// went wrong in the browser, and those messages in the page's language.
import type { FC } from "hono/jsx";
import { ErrorMessage, Layout } from "../../ui/layout";
import type { PageContext } from "../../ui/page";
import { PASSKEY_JS_PATH } from "./browser-script";

export const PasskeyForm: FC<{
  page: PageContext;
  mode: "get" | "create";
  /** Where the answer is posted. */
  action: string;
  /** Where the script asks for fresh options. */
  options: string;
  csrf: string;
  label: string;
  /** Also offer the passkeys in the email field's autofill (sign-in page). */
  conditional?: boolean;
  secondary?: boolean;
}> = ({ page, mode, action, options, csrf, label, conditional, secondary }) => {
  const { t } = page;
  return (
    <form
      method="post"
      action={action}
      class="passkey"
      data-passkey={mode}
      data-options={options}
      data-conditional={conditional ? "" : undefined}
      data-msg-cancelled={t("passkeys.cancelled")}
      data-msg-unsupported={t("passkeys.unsupported")}
      data-msg-failed={t("passkeys.failed")}
      data-msg-exists={t("passkeys.exists")}
    >
      <input type="hidden" name="csrf" value={csrf} />
      <input type="hidden" name="credential" value="" />
      <p class="error" role="alert" data-passkey-status hidden></p>
      <button type="submit" class={secondary ? "secondary" : undefined}>
        {label}
      </button>
    </form>
  );
};

/** A page whose one task is a passkey ceremony (second factor, the offer after sign-up), with a way out. */
export const PasskeyStepPage: FC<{
  page: PageContext;
  title: string;
  intro: string;
  error?: string | null;
  form: { mode: "get" | "create"; action: string; csrf: string; label: string };
  alternative: { href: string; label: string };
}> = ({ page, title, intro, error, form, alternative }) => (
  <Layout page={page} title={title} script={PASSKEY_JS_PATH}>
    <h1>{title}</h1>
    <ErrorMessage id="passkey-error" message={error} />
    <p>{intro}</p>
    <PasskeyForm page={page} {...form} options={`${form.action}/options`} />
    <div class="alternatives">
      <a href={alternative.href}>{alternative.label}</a>
    </div>
  </Layout>
);

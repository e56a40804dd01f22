/** @jsxImportSource hono/jsx */
// The form that runs a passkey ceremony (src/mfa/passkeys/browser-script.ts): a button,
// the page's CSRF token, a hidden field for the browser's answer, a live region for what
// went wrong in the browser, and those messages in the page's language.
import type { FC } from "hono/jsx";
import type { PageContext } from "../../ui/page";

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
  /** Sent along with the answer (e.g. nothing else needed; kept for the account page's name). */
  children?: unknown;
}> = ({ page, mode, action, options, csrf, label, conditional, secondary, children }) => {
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
      {children as never}
      <p class="error" role="alert" data-passkey-status hidden></p>
      <button type="submit" class={secondary ? "secondary" : undefined}>
        {label}
      </button>
    </form>
  );
};

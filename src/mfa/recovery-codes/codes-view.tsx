/** @jsxImportSource hono/jsx */
// New recovery codes, shown once: the list, a download as a text file (a data: link, no
// script), and the "I saved them" button that goes on.
import type { FC } from "hono/jsx";
import type { PageContext } from "../../ui/page";

export const RecoveryCodesView: FC<{
  page: PageContext;
  codes: readonly string[];
  continueAction: string;
  csrf: string;
  hidden?: Record<string, string>;
}> = ({ page, codes, continueAction, csrf, hidden = {} }) => {
  const { t } = page;
  const text = `${t("authenticators.codesFileTitle", { tenant: page.tenantName })}\n\n${codes.join("\n")}\n`;
  return (
    <section aria-labelledby="recovery-codes-heading">
      <h2 id="recovery-codes-heading">{t("authenticators.codesHeading")}</h2>
      <p>{t("authenticators.codesIntro")}</p>
      <p class="notice">{t("authenticators.codesOnce")}</p>
      <ol id="recovery-codes" class="recovery-codes">
        {codes.map((code) => (
          <li>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <p>
        <a href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download="recovery-codes.txt">
          {t("authenticators.codesDownload")}
        </a>
      </p>
      <form method="post" action={continueAction}>
        <input type="hidden" name="csrf" value={csrf} />
        {Object.entries(hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit">{t("authenticators.codesSaved")}</button>
      </form>
    </section>
  );
};

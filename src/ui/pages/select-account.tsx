/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { Layout } from "../layout";
import type { PageContext } from "../page";

export interface SelectAccountPageProps {
  page: PageContext;
  clientName: string;
  userLabel: string | null;
  action: string;
  csrf: string;
}

export const SelectAccountPage: FC<SelectAccountPageProps> = ({ page, clientName, userLabel, action, csrf }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("selectAccount.title")}>
      <h1>{t("selectAccount.title")}</h1>
      <p class="muted">{t("signIn.continueTo", { client: clientName })}</p>
      <form method="post" action={action}>
        <input type="hidden" name="csrf" value={csrf} />
        <button type="submit" name="choice" value="current">
          {t("selectAccount.continueAs", { user: userLabel ?? t("selectAccount.yourAccount") })}
        </button>
        <button type="submit" name="choice" value="other" class="secondary">
          {t("selectAccount.other")}
        </button>
      </form>
    </Layout>
  );
};

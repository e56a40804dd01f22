/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { Layout } from "../layout";
import type { PageContext } from "../page";

export interface ConsentPageProps {
  page: PageContext;
  clientName: string;
  logoUri: string | null;
  userEmail: string | null;
  /** What each scope allows, already in the page's language. */
  scopes: { value: string; description: string }[];
  action: string;
  csrf: string;
  /** The user the page is shown to: an answer counts only for them. */
  forUser: string;
}

export const ConsentPage: FC<ConsentPageProps> = ({
  page,
  clientName,
  logoUri,
  userEmail,
  scopes,
  action,
  csrf,
  forUser,
}) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("consent.title")}>
      <div class="client">
        {logoUri ? <img src={logoUri} alt="" /> : null}
        <h1>{t("consent.heading", { client: clientName })}</h1>
      </div>
      {userEmail ? <p class="muted">{t("consent.signedInAs", { email: userEmail })}</p> : null}
      <p>{t("consent.willBeAbleTo", { client: clientName })}</p>
      <ul class="scopes">
        {scopes.map((scope) => (
          <li>{scope.description}</li>
        ))}
      </ul>
      <form method="post" action={action}>
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="for_user" value={forUser} />
        <div class="actions">
          <button type="submit" name="decision" value="deny" class="secondary">
            {t("consent.deny")}
          </button>
          <button type="submit" name="decision" value="allow">
            {t("consent.allow")}
          </button>
        </div>
      </form>
    </Layout>
  );
};

/** @jsxImportSource hono/jsx */
// OAuth 2.0 Form Post Response Mode: the authorization response as a self-submitting form.
import type { FC } from "hono/jsx";
import { FORM_POST_JS_PATH } from "../assets";
import { Layout } from "../layout";
import type { PageContext } from "../page";

export const FormPostPage: FC<{ page: PageContext; action: string; fields: Record<string, string> }> = ({
  page,
  action,
  fields,
}) => (
  <Layout page={page} title={page.t("formPost.title")} script={FORM_POST_JS_PATH}>
    <h1>{page.t("formPost.title")}</h1>
    <form method="post" action={action}>
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <p>{page.t("formPost.returning")}</p>
      <button type="submit">{page.t("common.continue")}</button>
    </form>
  </Layout>
);

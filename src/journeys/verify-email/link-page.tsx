/** @jsxImportSource hono/jsx */
// The page an emailed verification link opens: a button that confirms. A GET never
// verifies anything, because mail scanners open links before people do.
import type { FC } from "hono/jsx";
import { Layout } from "../../ui/layout";
import type { PageContext } from "../../ui/page";

export const ConfirmLinkPage: FC<{ page: PageContext; email: string; action: string; csrf: string; code: string }> = ({
  page,
  email,
  action,
  csrf,
  code,
}) => (
  <Layout page={page} title={page.t("verifyEmail.linkTitle")}>
    <h1>{page.t("verifyEmail.linkTitle")}</h1>
    <p>{page.t("verifyEmail.linkBody", { email })}</p>
    <form method="post" action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      <input type="hidden" name="code" value={code} />
      <button type="submit">{page.t("verifyEmail.linkSubmit")}</button>
    </form>
  </Layout>
);

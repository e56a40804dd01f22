/** @jsxImportSource hono/jsx */
// Pages that only say something: errors, sign-out confirmation, signed out.
import type { FC } from "hono/jsx";
import { Layout } from "../layout";
import type { PageContext } from "../page";

export const ErrorPage: FC<{ page: PageContext; title: string; message: string }> = ({ page, title, message }) => (
  <Layout page={page} title={title}>
    <h1>{title}</h1>
    <p role="alert">{message}</p>
  </Layout>
);

/** A page that reports something done or to do next, with an optional link onwards. */
export const NoticePage: FC<{
  page: PageContext;
  title: string;
  message: string;
  link?: { href: string; label: string };
}> = ({ page, title, message, link }) => (
  <Layout page={page} title={title}>
    <h1>{title}</h1>
    <p role="status">{message}</p>
    {link ? (
      <p>
        <a href={link.href}>{link.label}</a>
      </p>
    ) : null}
  </Layout>
);

export const SignOutConfirmPage: FC<{
  page: PageContext;
  action: string;
  csrf: string;
  fields: Record<string, string>;
}> = ({ page, action, csrf, fields }) => (
  <Layout page={page} title={page.t("logout.confirmTitle")}>
    <h1>{page.t("logout.confirmTitle")}</h1>
    <p>{page.t("logout.confirmBody", { tenant: page.tenantName })}</p>
    <form method="post" action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" name="confirm" value="yes">
        {page.t("logout.submit")}
      </button>
    </form>
  </Layout>
);

export const SignedOutPage: FC<{ page: PageContext; note?: string | null }> = ({ page, note }) => (
  <Layout page={page} title={page.t("logout.doneTitle")}>
    <h1>{page.t("logout.doneTitle")}</h1>
    <p>{page.t("logout.doneBody", { tenant: page.tenantName })}</p>
    {note ? <p class="muted">{note}</p> : null}
  </Layout>
);

/** @jsxImportSource hono/jsx */
// OAuth 2.0 Form Post Response Mode: the authorization response as a self-submitting form.
import type { FC } from "hono/jsx";
import { FORM_POST_JS_PATH } from "../assets";
import { Layout } from "../layout";

export const FormPostPage: FC<{ action: string; fields: Record<string, string> }> = ({ action, fields }) => (
  <Layout title="Continuing…" script={FORM_POST_JS_PATH}>
    <form method="post" action={action}>
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <p>Returning you to the application…</p>
      <button type="submit">Continue</button>
    </form>
  </Layout>
);

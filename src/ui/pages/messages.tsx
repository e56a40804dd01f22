/** @jsxImportSource hono/jsx */
// Pages that only say something: errors, sign-out confirmation, signed out.
import type { FC } from "hono/jsx";
import { Layout } from "../layout";

export const ErrorPage: FC<{ title: string; message: string }> = ({ title, message }) => (
  <Layout title={title}>
    <h1>{title}</h1>
    <p role="alert">{message}</p>
  </Layout>
);

export const SignOutConfirmPage: FC<{
  tenantName: string;
  action: string;
  csrf: string;
  fields: Record<string, string>;
}> = ({ tenantName, action, csrf, fields }) => (
  <Layout title={`Sign out · ${tenantName}`}>
    <h1>Sign out?</h1>
    <p>You will be signed out of {tenantName} on this device.</p>
    <form method="post" action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" name="confirm" value="yes">
        Sign out
      </button>
    </form>
  </Layout>
);

export const SignedOutPage: FC<{ tenantName: string; note?: string | null }> = ({ tenantName, note }) => (
  <Layout title={`Signed out · ${tenantName}`}>
    <h1>You are signed out</h1>
    <p>You have been signed out of {tenantName}. You can close this window.</p>
    {note ? <p class="muted">{note}</p> : null}
  </Layout>
);

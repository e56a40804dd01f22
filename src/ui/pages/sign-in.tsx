/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { ErrorMessage, Layout } from "../layout";

export interface SignInPageProps {
  tenantName: string;
  clientName: string;
  action: string;
  csrf: string;
  email: string;
  error?: string | null;
}

export const SignInPage: FC<SignInPageProps> = ({ tenantName, clientName, action, csrf, email, error }) => (
  <Layout title={`Sign in · ${tenantName}`}>
    <h1>Sign in</h1>
    <p class="muted">to continue to {clientName}</p>
    <form method="post" action={action} novalidate>
      <input type="hidden" name="csrf" value={csrf} />
      <ErrorMessage id="sign-in-error" message={error} />
      <label for="email">Email</label>
      <input
        id="email"
        name="email"
        type="email"
        autocomplete="username"
        required
        value={email}
        autofocus={!email}
        aria-describedby={error ? "sign-in-error" : undefined}
        aria-invalid={error ? "true" : undefined}
      />
      <label for="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
        autofocus={Boolean(email)}
        aria-describedby={error ? "sign-in-error" : undefined}
        aria-invalid={error ? "true" : undefined}
      />
      <button type="submit">Sign in</button>
    </form>
  </Layout>
);

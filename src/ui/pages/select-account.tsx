/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { Layout } from "../layout";

export interface SelectAccountPageProps {
  tenantName: string;
  clientName: string;
  userLabel: string;
  action: string;
  csrf: string;
}

export const SelectAccountPage: FC<SelectAccountPageProps> = ({ tenantName, clientName, userLabel, action, csrf }) => (
  <Layout title={`Choose an account · ${tenantName}`}>
    <h1>Choose an account</h1>
    <p class="muted">to continue to {clientName}</p>
    <form method="post" action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      <button type="submit" name="choice" value="current">
        Continue as {userLabel}
      </button>
      <button type="submit" name="choice" value="other" class="secondary">
        Use another account
      </button>
    </form>
  </Layout>
);

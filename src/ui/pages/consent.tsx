/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { Layout } from "../layout";

export interface ConsentPageProps {
  tenantName: string;
  clientName: string;
  logoUri: string | null;
  userEmail: string | null;
  scopes: { value: string; description: string }[];
  action: string;
  csrf: string;
  /** The user the page is shown to: an answer counts only for them. */
  forUser: string;
}

export const ConsentPage: FC<ConsentPageProps> = ({
  tenantName,
  clientName,
  logoUri,
  userEmail,
  scopes,
  action,
  csrf,
  forUser,
}) => (
  <Layout title={`Allow access · ${tenantName}`}>
    <div class="client">
      {logoUri ? <img src={logoUri} alt="" /> : null}
      <h1>{clientName} wants to access your account</h1>
    </div>
    {userEmail ? <p class="muted">Signed in as {userEmail}</p> : null}
    <p>If you allow it, {clientName} will be able to:</p>
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
          Deny
        </button>
        <button type="submit" name="decision" value="allow">
          Allow
        </button>
      </div>
    </form>
  </Layout>
);

// Emails the account page sends, in the page's language and the tenant's branding,
// always after the response.
import type { Context } from "hono";
import { composeEmail, emailFrame, sendEmailLater, type EmailContent, type EmailKind } from "../email";
import type { AppEnv } from "../env";
import type { Account } from "./guard";

export async function sendAccountEmail(
  c: Context<AppEnv>,
  account: Pick<Account, "tenant" | "directory" | "page">,
  to: string,
  kind: EmailKind,
  content: EmailContent = {},
): Promise<void> {
  const appearance = await account.directory.appearance.cached();
  const message = composeEmail(emailFrame(account.tenant, appearance, account.page.locale), to, kind, content);
  sendEmailLater(c.env, c.executionCtx, account.tenant.id, kind, message);
}

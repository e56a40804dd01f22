// Emails the account page sends, in the page's language and the tenant's branding,
// always after the response.
import type { Context } from "hono";
import type { EmailContent, EmailKind } from "../email";
import type { AppEnv } from "../env";
import { sendJourneyEmail } from "../journeys/journey-email";
import type { Account } from "./guard";

export function sendAccountEmail(
  c: Context<AppEnv>,
  account: Pick<Account, "tenant" | "directory" | "page">,
  to: string,
  kind: EmailKind,
  content: EmailContent = {},
): Promise<void> {
  return sendJourneyEmail(c, account.tenant, account.page.locale, to, kind, content, account.directory);
}

// The emails of second factors: the code of the email second factor, and the notice that a
// recovery code was used. Same frame, language and branding as every journey email; sent
// after the response. Their texts live in i18n/messages/authenticators.ts.
import type { Context } from "hono";
import type { Directory, Tenant } from "../directory";
import type { EmailContent } from "../email";
import type { AppEnv } from "../env";
import type { Locale } from "../i18n";
import { sendJourneyEmail } from "../journeys/journey-email";

export type MfaEmailKind = "secondFactorCode" | "recoveryCodeUsed";

export function sendMfaEmail(
  c: Context<AppEnv>,
  tenant: Tenant,
  locale: Locale,
  to: string,
  kind: MfaEmailKind,
  content: EmailContent,
  directory?: Pick<Directory, "appearance">,
): Promise<void> {
  return sendJourneyEmail(c, tenant, locale, to, kind, content, directory);
}

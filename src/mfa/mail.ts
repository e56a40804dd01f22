// The emails of second factors: the code of the email second factor, the notice that a
// recovery code was used, and the notice that a sign-in method was added or removed. Same
// frame, language and branding as every journey email; sent after the response. Their
// texts live in i18n/messages/authenticators.ts.
import type { Context } from "hono";
import { formatTime, type Section } from "../account/frame";
import type { Directory, Tenant, User } from "../directory";
import type { EmailContent } from "../email";
import type { AppEnv } from "../env";
import { shortUserAgent } from "../http/user-agent";
import type { Locale } from "../i18n";
import { absoluteUrl, sendJourneyEmail, type MailingContext } from "../journeys/journey-email";
import { journeyPaths } from "../journeys/paths";

export type MfaEmailKind = "secondFactorCode" | "recoveryCodeUsed" | "factorChanged";

export function sendMfaEmail(
  c: MailingContext,
  tenant: Tenant,
  locale: Locale,
  to: string,
  kind: MfaEmailKind,
  content: EmailContent,
  directory?: Pick<Directory, "appearance">,
): Promise<void> {
  return sendJourneyEmail(c, tenant, locale, to, kind, content, directory);
}

/** What changed, by whom: each is a text `emails.factorChanged.<change>`. */
const CHANGES = {
  passkeyAdded: "passkeys",
  passkeyRemoved: "passkeys",
  authenticatorAdded: "mfa",
  authenticatorRemoved: "mfa",
  recoveryCodesRenewed: "mfa",
  adminPasskeyRemoved: "passkeys",
  adminAuthenticatorRemoved: "mfa",
  adminReset: "mfa",
} as const satisfies Record<string, Section>;
export type FactorChange = keyof typeof CHANGES;

/**
 * Tells the user that one of their sign-in methods was added or removed, so that a
 * takeover which adds its own factor or removes theirs does not go unnoticed: what, when,
 * from which browser (the User-Agent, shortened; not for an administrator's change, made
 * from no browser of theirs), and a link to the account section to check. No name, id or
 * secret of the factor. Nothing without an address.
 */
export async function sendFactorChangedEmail(
  c: MailingContext & Pick<Context<AppEnv>, "req">,
  tenant: Tenant,
  directory: Pick<Directory, "appearance">,
  user: Pick<User, "email">,
  locale: Locale,
  change: FactorChange,
): Promise<void> {
  if (!user.email) return;
  const device = change.startsWith("admin") ? null : shortUserAgent(c.req.header("User-Agent"));
  const when = formatTime({ locale }, Math.floor(Date.now() / 1000));
  const content: EmailContent = {
    link: absoluteUrl(c, journeyPaths.account(tenant, CHANGES[change])),
    params: device ? { when, device } : { when },
    texts: {
      change: `emails.factorChanged.${change}`,
      details: device ? "emails.factorChanged.whenDevice" : "emails.factorChanged.when",
    },
  };
  await sendMfaEmail(c, tenant, locale, user.email, "factorChanged", content, directory);
}

// Sending a journey's email after the response, in the page's language and the tenant's
// branding. Links are absolute: they are opened from a mail client.
import type { Context } from "hono";
import { publicBaseUrl } from "../../config";
import { openDirectory, type Tenant } from "../../directory";
import { composeEmail, emailFrame, sendEmailLater, type EmailContent, type EmailKind } from "../../email";
import type { AppEnv } from "../../env";
import type { Locale } from "../../i18n";

export function absoluteUrl(c: Context<AppEnv>, path: string): string {
  return `${publicBaseUrl(c.env)}${path}`;
}

export async function sendJourneyEmail(
  c: Context<AppEnv>,
  tenant: Tenant,
  locale: Locale,
  to: string,
  kind: EmailKind,
  content: EmailContent,
): Promise<void> {
  const appearance = await openDirectory(c.env, tenant, c.var.stats).appearance.cached();
  const message = composeEmail(emailFrame(tenant, appearance, locale), to, kind, content);
  sendEmailLater(c.env, c.executionCtx, tenant.id, kind, message);
}

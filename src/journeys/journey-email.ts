// What the code-by-email journeys (sign-up, email verification, password reset, email
// code sign-in) and the account page share: sending the tenant's emails after the
// response, in the page's language and the tenant's branding, with absolute links (they
// are opened from a mail client); and the email budgets per address and per network.
import type { Context } from "hono";
import { publicBaseUrl } from "../config";
import { normalizeEmail, openDirectory, type Directory, type Tenant } from "../directory";
import { composeEmail, emailFrame, sendEmailLater, type EmailContent, type EmailKind } from "../email";
import type { AppEnv } from "../env";
import { clientIpOf } from "../http/client-ip";
import type { Locale } from "../i18n";
import { throttleNetwork } from "../signin/password";
import { EMAIL_JOURNEYS_PER_NETWORK, EMAILS_PER_ADDRESS, takeBudget } from "../throttle/rate-limit";

/** What sending needs of a request; the management API's requests have it too. */
export type MailingContext = Pick<Context<AppEnv>, "env" | "executionCtx" | "var">;

export type EmailBudget = { allowed: true } | { allowed: false; retryAfter: number };

export function absoluteUrl(c: Pick<MailingContext, "env">, path: string): string {
  return `${publicBaseUrl(c.env)}${path}`;
}

/** Sends one of the tenant's emails after the response, in `locale` (`directory`: the tenant's, when already open). */
export async function sendJourneyEmail(
  c: MailingContext,
  tenant: Tenant,
  locale: Locale,
  to: string,
  kind: EmailKind,
  content: EmailContent = {},
  directory: Pick<Directory, "appearance"> = openDirectory(c.env, tenant, c.var.stats),
): Promise<void> {
  const appearance = await directory.appearance.cached();
  const message = composeEmail(emailFrame(tenant, appearance, locale), to, kind, content);
  sendEmailLater(c.env, c.executionCtx, tenant.id, kind, message);
}

/**
 * Spends one unit of the per-address and the per-network email budgets together (the
 * network's is skipped without a client IP); the longer wait when either is spent.
 * Password reset and email code sign-in.
 */
export async function emailBudget(
  c: Context<AppEnv>,
  tenant: Tenant,
  journey: string,
  normalizedEmail: string,
): Promise<EmailBudget> {
  const ip = clientIpOf(c.req.raw);
  const [address, network] = await Promise.all([
    takeBudget(c.env, tenant.id, `${journey}:address:${normalizedEmail}`, EMAILS_PER_ADDRESS, c.var.stats),
    ip
      ? takeBudget(
          c.env,
          tenant.id,
          `${journey}:network:${throttleNetwork(ip)}`,
          EMAIL_JOURNEYS_PER_NETWORK,
          c.var.stats,
        )
      : Promise.resolve({ allowed: true, retryAfter: 0 }),
  ]);
  if (address.allowed && network.allowed) return { allowed: true };
  return { allowed: false, retryAfter: Math.max(1, address.retryAfter, network.retryAfter) };
}

/**
 * Spends the network's budget (an unknown client IP counts as one network), then, if it
 * allowed, the address's; the wait when one is spent. Sign-up and email verification.
 */
export async function emailBudgetNetworkFirst(
  c: Context<AppEnv>,
  tenant: Tenant,
  journey: string,
  email: string,
): Promise<EmailBudget> {
  const ip = clientIpOf(c.req.raw);
  for (const [key, limit] of [
    [`${journey}:${ip ? throttleNetwork(ip) : "unknown"}`, EMAIL_JOURNEYS_PER_NETWORK],
    [`email:${journey}:${normalizeEmail(email) ?? email}`, EMAILS_PER_ADDRESS],
  ] as const) {
    const budget = await takeBudget(c.env, tenant.id, key, limit, c.var.stats);
    if (!budget.allowed) return { allowed: false, retryAfter: Math.max(1, budget.retryAfter) };
  }
  return { allowed: true };
}

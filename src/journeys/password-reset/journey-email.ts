// What the code-by-email journeys (password reset, email code sign-in) share: sending the
// tenant's emails after the response, and the email budgets per address and network.
import type { Context } from "hono";
import { openDirectory, type Tenant } from "../../directory";
import { composeEmail, emailFrame, sendEmailLater, type EmailContent, type EmailKind } from "../../email";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import type { Locale } from "../../i18n";
import { throttleNetwork } from "../../signin/password";
import { EMAIL_JOURNEYS_PER_NETWORK, EMAILS_PER_ADDRESS, takeBudget } from "../../throttle/rate-limit";

/** Sends one of the tenant's emails after the response, in the page's language. */
export async function sendJourneyEmail(
  c: Context<AppEnv>,
  tenant: Tenant,
  locale: Locale,
  to: string,
  kind: EmailKind,
  content: EmailContent = {},
): Promise<void> {
  const appearance = await openDirectory(c.env, tenant, c.var.stats).appearance.cached();
  sendEmailLater(
    c.env,
    c.executionCtx,
    tenant.id,
    kind,
    composeEmail(emailFrame(tenant, appearance, locale), to, kind, content),
  );
}

/** Spends one unit of the per-address and the per-network email budgets; the wait when either is spent. */
export async function emailBudget(
  c: Context<AppEnv>,
  tenant: Tenant,
  journey: string,
  normalizedEmail: string,
): Promise<{ allowed: true } | { allowed: false; retryAfter: number }> {
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

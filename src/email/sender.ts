// The one way Latchkey sends email. EMAIL_PROVIDER picks the sender: `outbox` keeps
// messages in D1 for the dev page and tests (development only), `resend` and `postmark`
// call those providers' HTTP APIs. Emails go out after the response (waitUntil), so a
// page answers as fast whether or not an email is sent, and a provider's failure is
// logged, never shown; nothing of a message's content is logged.
import { ConfigurationError, publicBaseUrl } from "../config";
import type { Env } from "../env";
import { recordInOutbox } from "./outbox";
import { EmailDeliveryError, type EmailMessage } from "./message";
import { sendWithPostmark } from "./providers/postmark";
import { sendWithResend } from "./providers/resend";

export type EmailProvider = "outbox" | "resend" | "postmark";

const BARE_ADDRESS = /^[^\s<>"@,;]+@[^\s<>"@,;]+\.[^\s<>"@,;]+$/;

/** The outbox keeps codes readable: it refuses to run where real people could sign up. */
export function outboxAllowed(env: Env): boolean {
  const host = new URL(publicBaseUrl(env)).hostname;
  return ["localhost", "127.0.0.1", "[::1]"].includes(host) || host.endsWith(".localhost") || host.endsWith(".test");
}

export function emailProvider(env: Env): EmailProvider {
  const provider = env.EMAIL_PROVIDER;
  if (provider === "outbox") {
    if (!outboxAllowed(env))
      throw new ConfigurationError("EMAIL_PROVIDER=outbox is for local development (PUBLIC_BASE_URL on localhost)");
    return provider;
  }
  if (provider === "resend" || provider === "postmark") {
    if (!env.EMAIL_API_KEY) throw new ConfigurationError(`EMAIL_API_KEY is needed for EMAIL_PROVIDER=${provider}`);
    if (!env.EMAIL_FROM) throw new ConfigurationError(`EMAIL_FROM is needed for EMAIL_PROVIDER=${provider}`);
    // The tenant's name is put in front of it: a name or brackets of its own would break the header.
    if (!BARE_ADDRESS.test(env.EMAIL_FROM))
      throw new ConfigurationError("EMAIL_FROM must be a bare address such as no-reply@id.example.com");
    return provider;
  }
  throw new ConfigurationError("EMAIL_PROVIDER must be outbox, resend or postmark");
}

/** Sends now; throws EmailDeliveryError (or ConfigurationError). */
export async function sendEmail(env: Env, tenantId: string, message: EmailMessage): Promise<void> {
  const provider = emailProvider(env);
  const config = {
    apiKey: env.EMAIL_API_KEY ?? "",
    from: env.EMAIL_FROM ?? "",
    ...(env.EMAIL_API_URL ? { baseUrl: env.EMAIL_API_URL.replace(/\/+$/, "") } : {}),
  };
  if (provider === "outbox") await recordInOutbox(env, tenantId, message);
  else if (provider === "resend") await sendWithResend(message, config);
  else await sendWithPostmark(message, config);
}

/**
 * Sends after the response. The tenant and the kind of email are logged on failure;
 * the recipient and the content never are.
 */
export function sendEmailLater(
  env: Env,
  executionCtx: { waitUntil(promise: Promise<unknown>): void },
  tenantId: string,
  kind: string,
  message: EmailMessage,
): void {
  executionCtx.waitUntil(
    sendEmail(env, tenantId, message).catch((error: unknown) => {
      const reason =
        error instanceof EmailDeliveryError || error instanceof ConfigurationError ? error.message : "unexpected error";
      console.error(`email '${kind}' for tenant ${tenantId} not sent: ${reason}`);
    }),
  );
}

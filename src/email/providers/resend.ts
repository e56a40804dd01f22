// Resend (https://resend.com/docs/api-reference/emails/send-email): POST /emails with a
// Bearer API key and a JSON body {from, to, subject, html, text}; 200 {id} when
// accepted, otherwise {statusCode, name, message} (400/422 validation, 401/403 key,
// 429 rate limit, 5xx). The Idempotency-Key keeps a retried request from sending twice.
// Errors carry the status and Resend's error name only: its message may quote addresses.
import { EmailDeliveryError, type EmailMessage } from "../message";
import { jsonBody, postWithRetries } from "./http";

export const RESEND_API = "https://api.resend.com";

export async function sendWithResend(
  message: EmailMessage,
  config: { apiKey: string; from: string; baseUrl?: string },
): Promise<string> {
  let response: Response;
  try {
    response = await postWithRetries(
      `${config.baseUrl ?? RESEND_API}/emails`,
      {
        Authorization: `Bearer ${config.apiKey}`,
        "Content-Type": "application/json",
        "Idempotency-Key": crypto.randomUUID(),
      },
      JSON.stringify({
        from: `${quoteName(message.fromName)} <${config.from}>`,
        to: [message.to],
        subject: message.subject,
        text: message.text,
        html: message.html,
      }),
    );
  } catch {
    throw new EmailDeliveryError("Resend could not be reached");
  }
  const body = await jsonBody<{ id?: unknown; name?: unknown }>(response);
  if (response.ok && typeof body?.id === "string") return body.id;
  throw new EmailDeliveryError(`Resend answered ${response.status} (${errorName(body?.name)})`);
}

/** Resend's error names are snake_case identifiers; anything else is not repeated. */
function errorName(name: unknown): string {
  return typeof name === "string" && /^[a-z_]{1,60}$/.test(name) ? name : "no error name";
}

/** A display name as an RFC 5322 quoted string. */
export function quoteName(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, " ")}"`;
}

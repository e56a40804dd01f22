// Resend (https://resend.com/docs/api-reference/emails/send-email): POST /emails with a
// Bearer API key and a JSON body.
import { EmailDeliveryError, type EmailMessage } from "../message";

export const RESEND_API = "https://api.resend.com";

export async function sendWithResend(
  message: EmailMessage,
  config: { apiKey: string; from: string; baseUrl?: string },
): Promise<string> {
  const response = await fetch(`${config.baseUrl ?? RESEND_API}/emails`, {
    method: "POST",
    headers: { Authorization: `Bearer ${config.apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      from: `${quoteName(message.fromName)} <${config.from}>`,
      to: [message.to],
      subject: message.subject,
      text: message.text,
      html: message.html,
    }),
  });
  const body = (await response.json().catch(() => null)) as { id?: string; message?: string } | null;
  if (!response.ok || !body?.id)
    throw new EmailDeliveryError(`Resend answered ${response.status}: ${body?.message ?? "no message"}`);
  return body.id;
}

/** A display name as an RFC 5322 quoted string. */
export function quoteName(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, " ")}"`;
}

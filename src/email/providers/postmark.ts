// Postmark (https://postmarkapp.com/developer/api/email-api): POST /email with the
// server token in X-Postmark-Server-Token; ErrorCode 0 means accepted.
import { EmailDeliveryError, type EmailMessage } from "../message";
import { quoteName } from "./resend";

export const POSTMARK_API = "https://api.postmarkapp.com";

export async function sendWithPostmark(
  message: EmailMessage,
  config: { apiKey: string; from: string; baseUrl?: string },
): Promise<string> {
  const response = await fetch(`${config.baseUrl ?? POSTMARK_API}/email`, {
    method: "POST",
    headers: {
      "X-Postmark-Server-Token": config.apiKey,
      Accept: "application/json",
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      From: `${quoteName(message.fromName)} <${config.from}>`,
      To: message.to,
      Subject: message.subject,
      TextBody: message.text,
      HtmlBody: message.html,
      MessageStream: "outbound",
    }),
  });
  const body = (await response.json().catch(() => null)) as {
    ErrorCode?: number;
    MessageID?: string;
    Message?: string;
  } | null;
  if (!response.ok || body?.ErrorCode !== 0 || !body.MessageID)
    throw new EmailDeliveryError(`Postmark answered ${response.status}: ${body?.Message ?? "no message"}`);
  return body.MessageID;
}

// Postmark (https://postmarkapp.com/developer/api/email-api): POST /email with the
// server token in X-Postmark-Server-Token and a JSON body {From, To, Subject, HtmlBody,
// TextBody, MessageStream}; 200 {ErrorCode: 0, MessageID} when accepted, otherwise
// {ErrorCode, Message} (401 token, 422 refused request, 429 rate limit, 5xx).
// Errors carry the status and Postmark's ErrorCode only: its Message quotes addresses.
import { EmailDeliveryError, type EmailMessage } from "../message";
import { jsonBody, postWithRetries } from "./http";
import { quoteName } from "./resend";

export const POSTMARK_API = "https://api.postmarkapp.com";

export async function sendWithPostmark(
  message: EmailMessage,
  config: { apiKey: string; from: string; baseUrl?: string },
): Promise<string> {
  let response: Response;
  try {
    response = await postWithRetries(
      `${config.baseUrl ?? POSTMARK_API}/email`,
      {
        "X-Postmark-Server-Token": config.apiKey,
        Accept: "application/json",
        "Content-Type": "application/json",
      },
      JSON.stringify({
        From: `${quoteName(message.fromName)} <${config.from}>`,
        To: message.to,
        Subject: message.subject,
        TextBody: message.text,
        HtmlBody: message.html,
        MessageStream: "outbound",
      }),
    );
  } catch {
    throw new EmailDeliveryError("Postmark could not be reached");
  }
  const body = await jsonBody<{ ErrorCode?: unknown; MessageID?: unknown }>(response);
  if (response.ok && body?.ErrorCode === 0 && typeof body.MessageID === "string") return body.MessageID;
  const code = typeof body?.ErrorCode === "number" ? `ErrorCode ${body.ErrorCode}` : "no ErrorCode";
  throw new EmailDeliveryError(`Postmark answered ${response.status} (${code})`);
}

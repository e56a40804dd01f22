// An email as every sender takes it: one recipient, a subject, and the same content as
// plain text and as HTML.
export interface EmailMessage {
  to: string;
  /** Display name of the sender: the tenant's name. */
  fromName: string;
  subject: string;
  text: string;
  html: string;
}

export class EmailDeliveryError extends Error {
  override name = "EmailDeliveryError";
}

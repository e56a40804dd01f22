export { composeEmail, emailFrame, type EmailContent, type EmailFrame, type EmailKind } from "./compose";
export { EmailDeliveryError, type EmailMessage } from "./message";
export { readOutbox, type OutboxEmail } from "./outbox";
export { emailProvider, outboxAllowed, sendEmail, sendEmailLater, type EmailProvider } from "./sender";

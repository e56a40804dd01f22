// The development outbox (EMAIL_PROVIDER=outbox): emails the worker would have sent,
// read the way a developer would, from GET /dev/outbox.json.
export interface OutboxEmail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  created_at: string;
}

export async function readOutbox(baseUrl: string, to: string): Promise<OutboxEmail[]> {
  const response = await fetch(`${baseUrl}/dev/outbox.json?to=${encodeURIComponent(to)}`);
  if (response.status !== 200) throw new Error(`dev outbox: ${response.status}`);
  return ((await response.json()) as { emails: OutboxEmail[] }).emails;
}

/**
 * The first email to `to` newer than the ones in `seen` (ids), waiting for it: emails go
 * out after the response, so the page can be there before the email is.
 */
export async function nextEmail(baseUrl: string, to: string, seen: string[] = []): Promise<OutboxEmail> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const fresh = (await readOutbox(baseUrl, to)).filter((email) => !seen.includes(email.id));
    if (fresh.length > 0) return fresh[0]!;
    if (Date.now() > deadline) throw new Error(`no new email to ${to} in the dev outbox`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The ids of the emails to `to` so far: pass them to nextEmail to wait for a new one. */
export async function seenEmails(baseUrl: string, to: string): Promise<string[]> {
  return (await readOutbox(baseUrl, to)).map((email) => email.id);
}

/** The 6-digit code an email carries. */
export function codeIn(email: OutboxEmail): string {
  const code = /\b(\d{6})\b/.exec(email.text)?.[1];
  if (!code) throw new Error(`no 6-digit code in the email "${email.subject}":\n${email.text}`);
  return code;
}

/** The links an email carries (text part). */
export function linksIn(email: OutboxEmail): URL[] {
  return [...email.text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((match) => new URL(match[0]));
}

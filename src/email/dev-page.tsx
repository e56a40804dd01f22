/** @jsxImportSource hono/jsx */
// /dev/outbox: the emails the development outbox kept, newest first (?to= filters by
// recipient, ?tenant= by tenant slug), as a page and as JSON (/dev/outbox.json) for
// scripts and browser tests.
// It exists only with EMAIL_PROVIDER=outbox on a local PUBLIC_BASE_URL.
import { Hono, type Context } from "hono";
import { SLUG_PATTERN } from "../config";
import { openTenantRegistry } from "../directory";
import type { AppEnv } from "../env";
import { pageHeaders } from "../ui/headers";
import { UI_CSS_PATH } from "../ui/assets";
import { readOutbox } from "./outbox";
import { outboxAllowed } from "./sender";

export const devOutboxRoutes = new Hono<AppEnv>();

function enabled(c: Context<AppEnv>): boolean {
  return c.env.EMAIL_PROVIDER === "outbox" && outboxAllowed(c.env);
}

/** The emails the query asks for; an unknown tenant slug has none. */
async function emailsFor(c: Context<AppEnv>) {
  const to = c.req.query("to") || undefined;
  const slug = c.req.query("tenant");
  if (!slug) return readOutbox(c.env, { to });
  if (!SLUG_PATTERN.test(slug)) return [];
  const tenant = await openTenantRegistry(c.env, c.var.stats).findBySlug(slug);
  return tenant ? readOutbox(c.env, { to, tenantId: tenant.id }) : [];
}

devOutboxRoutes.get("/outbox.json", async (c) => {
  if (!enabled(c)) return c.notFound();
  const emails = await emailsFor(c);
  return c.json(
    {
      emails: emails.map((email) => ({
        id: email.id,
        to: email.recipient,
        subject: email.subject,
        text: email.textBody,
        html: email.htmlBody,
        created_at: new Date(email.createdAt * 1000).toISOString(),
      })),
    },
    200,
    { "Cache-Control": "no-store" },
  );
});

devOutboxRoutes.get("/outbox", async (c) => {
  if (!enabled(c)) return c.notFound();
  const to = c.req.query("to");
  const emails = await emailsFor(c);
  return c.html(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Development outbox</title>
        <link rel="stylesheet" href={UI_CSS_PATH} />
      </head>
      <body>
        <main class="wide">
          <h1>Development outbox</h1>
          <p class="muted">
            Emails Latchkey would have sent (EMAIL_PROVIDER=outbox), newest first{to ? `, to ${to}` : ""}.
          </p>
          {emails.length === 0 ? <p>No emails yet.</p> : null}
          {emails.map((email) => (
            <article>
              <h2>{email.subject}</h2>
              <p class="muted">
                To {email.recipient} · {new Date(email.createdAt * 1000).toISOString()}
              </p>
              <pre class="email">{email.textBody}</pre>
            </article>
          ))}
        </main>
      </body>
    </html>,
    200,
    pageHeaders(),
  );
});

// Shared set-up for the account page suites: a tenant (from the flows fixtures), a browser
// signed in through the account page's own sign-in, and the codes of the dev outbox.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { openDirectory, openTenantRegistry, type Tenant } from "../../../src/directory";
import { userState } from "../../../src/sessions";
import { formatOpaque } from "../../../src/tokens";
import { BASE } from "../helpers";
import { Browser, findForm } from "../flows/browser";
import { PASSWORD, sessionCookieName } from "../flows/fixtures";
import { codeIn, emailsTo, type SentEmail } from "../journeys/journey-helpers";

export const SLUG = "acme";
export const ACCOUNT = `/t/${SLUG}/account`;

export const accountPath = (section = "") => `${ACCOUNT}${section ? `/${section}` : ""}`;

/** Opens the account page, signs in on the page it leads to, and returns the page shown after. */
export async function signIn(
  browser: Browser,
  section = "",
  email = "ana@example.com",
  password = PASSWORD,
): Promise<{ response: Response; html: string }> {
  const start = await browser.navigate(accountPath(section));
  expect(start.status).toBe(200);
  const page = await start.text();
  expect(page).toContain('name="password"');
  const response = await browser.submit(page, "/login", { email, password });
  return { response, html: await response.text() };
}

/** A browser signed in to the account page of tenant acme. */
export async function signedInBrowser(email = "ana@example.com", password = PASSWORD): Promise<Browser> {
  const browser = new Browser();
  const { response, html } = await signIn(browser, "", email, password);
  expect(response.status, html.slice(0, 500)).toBe(200);
  expect(html).toContain('aria-current="page"');
  return browser;
}

/** GETs an account section; expects the page. */
export async function open(browser: Browser, section: string): Promise<string> {
  const response = await browser.fetch(accountPath(section));
  expect(response.status, `GET ${section}`).toBe(200);
  return response.text();
}

/** Posts a form of `page` without following; returns the POST's own answer. */
export async function post(browser: Browser, page: string, actionPart: string, values: Record<string, string>) {
  return browser.post(page, actionPart, values);
}

/** The newest email to `to`, from the dev outbox table. */
export async function lastEmail(to: string): Promise<SentEmail | null> {
  return (await emailsTo(to))[0] ?? null;
}

export async function emailCount(to: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM dev_outbox WHERE recipient = ?")
    .bind(to.toLowerCase())
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The 6-digit code of the newest email to `to`. */
export async function codeSentTo(to: string): Promise<string> {
  const email = await lastEmail(to);
  expect(email, `no email to ${to}`).not.toBeNull();
  return codeIn(email!);
}

export async function tenant(slug = SLUG): Promise<Tenant> {
  return (await openTenantRegistry(env).findBySlug(slug))!;
}

/** Changes tenant settings through the registry (which invalidates its caches). */
export async function configureTenant(settings: Partial<Tenant>, slug = SLUG): Promise<void> {
  await openTenantRegistry(env).update(await tenant(slug), settings as never);
}

export async function directory(slug = SLUG) {
  return openDirectory(env, await tenant(slug));
}

/** The users row as stored, snake_case as in D1. */
export async function userRow(id: string): Promise<Record<string, unknown>> {
  return (await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(id).first())!;
}

/** The error summary, field errors and status of a re-rendered form. */
export function expectFormError(response: Response, html: string, status: number, message: string | RegExp) {
  expect(response.status).toBe(status);
  expect(html).toContain('role="alert"');
  if (typeof message === "string") expect(html).toContain(message);
  else expect(html).toMatch(message);
  expect(html).toContain('aria-invalid="true"');
}

/** The value attribute of the input named `name`, unescaped. */
export function inputValue(html: string, name: string): string | null {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  if (!input) return null;
  return /value="([^"]*)"/.exec(input)?.[1]?.replaceAll("&amp;", "&").replaceAll("&quot;", '"') ?? "";
}

export { BASE, Browser, findForm, PASSWORD };

/** The authentication facts of a two-factor session: an account with a factor is managed only from one. */
export const TWO_FACTORS = { amr: ["pwd", "otp", "mfa"], acr: "urn:latchkey:loa:mfa" };

/**
 * A browser holding a session of `userId` started straight in the user's UserState: for
 * users without a password (their own sign-in, by emailed code, is another journey), or
 * with two factors (`TWO_FACTORS`) without playing the second-factor pages; `ago`: how
 * many seconds before now the user signed in.
 */
export async function browserWithSessionOf(
  userId: string,
  { amr = ["otp"], acr = "urn:latchkey:loa:1fa", ago = 0 }: { amr?: string[]; acr?: string; ago?: number } = {},
): Promise<Browser> {
  const t = await tenant();
  const created = await userState(env, t.id, userId).createSession({
    authTime: Math.floor(Date.now() / 1000) - ago,
    amr,
    acr,
    ttl: t.sessionTtl,
    idleTtl: t.sessionIdleTtl,
    ip: "203.0.113.9",
    userAgent: "latchkey-test-browser",
  });
  const browser = new Browser();
  browser.setCookie(
    sessionCookieName(SLUG),
    formatOpaque("session", { userId, recordId: created.sid, secret: created.secret }),
  );
  return browser;
}

// Helpers of the password reset, email code and profiling suites: the dev outbox (where
// codes arrive), challenge records, and reading what a page says.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, json } from "../helpers";
import { tenantId } from "../flows/fixtures";

export interface SentEmail {
  recipient: string;
  subject: string;
  text: string;
  html: string;
}

/** Emails sent to `to`, newest first. */
export async function emailsTo(to: string): Promise<SentEmail[]> {
  const { results } = await env.DB.prepare(
    "SELECT recipient, subject, text_body, html_body FROM dev_outbox WHERE recipient = ? ORDER BY rowid DESC",
  )
    .bind(to.toLowerCase())
    .all<{ recipient: string; subject: string; text_body: string; html_body: string }>();
  return results.map((r) => ({ recipient: r.recipient, subject: r.subject, text: r.text_body, html: r.html_body }));
}

export async function outboxSize(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM dev_outbox").first<{ n: number }>();
  return row!.n;
}

/** The newest email to `to`; fails when there is none. */
export async function lastEmailTo(to: string): Promise<SentEmail> {
  const [email] = await emailsTo(to);
  expect(email, `no email to ${to}`).toBeDefined();
  return email!;
}

/** The 6-digit code an email carries. */
export function codeIn(email: SentEmail): string {
  const code = /^\s+(\d{6})$/m.exec(email.text)?.[1];
  expect(code, `no code in: ${email.text}`).toBeDefined();
  return code!;
}

/** The link an email carries (the text version prints it on its own line). */
export function linkIn(email: SentEmail): URL {
  const link = /^(https?:\/\/\S+)$/m.exec(email.text)?.[1];
  expect(link, `no link in: ${email.text}`).toBeDefined();
  return new URL(link!);
}

/** The page's error summary (role="alert"), if any. */
export function alertOf(html: string): string | undefined {
  return /role="alert"[^>]*>([^<]*)</.exec(html)?.[1];
}

/** The error shown under a field (id="{name}-error"). */
export function fieldErrorOf(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(html)?.[1];
}

/** The input element of a field, as HTML. */
export function inputOf(html: string, id: string): string {
  const input = new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(html)?.[0];
  expect(input, `no input #${id}`).toBeDefined();
  return input!;
}

/** The value attribute of a field's input ("" when it has none). */
export function valueOf(html: string, id: string): string {
  return /value="([^"]*)"/.exec(inputOf(html, id))?.[1] ?? "";
}

type ChallengePurpose = "password-reset" | "email-code";

/** Makes a challenge look as if its ten minutes had run out. */
export async function expireChallenge(slug: string, purpose: ChallengePurpose, flowId: string): Promise<void> {
  const stub = env.EPHEMERAL.get(env.EPHEMERAL.idFromName(`${await tenantId(slug)}:challenge-${purpose}:${flowId}`));
  await runInDurableObject(stub, async (_instance, state) => {
    const stored = await state.storage.get<{ value: unknown; expiresAt: number }>("value");
    expect(stored, "no such challenge").toBeDefined();
    await state.storage.put("value", { ...stored!, expiresAt: Date.now() - 1000 });
  });
}

export async function getUser(admin: string, slug: string, id: string) {
  const response = await call("GET", `/admin/v1/tenants/${slug}/users/${id}`, { token: admin });
  expect(response.status).toBe(200);
  return json(response);
}

export async function patchUser(admin: string, slug: string, id: string, body: Record<string, unknown>) {
  const response = await call("PATCH", `/admin/v1/tenants/${slug}/users/${id}`, { token: admin, body });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

export async function patchTenant(admin: string, slug: string, body: Record<string, unknown>) {
  const response = await call("PATCH", `/admin/v1/tenants/${slug}`, { token: admin, body });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

export async function patchClient(admin: string, slug: string, clientId: string, body: Record<string, unknown>) {
  const response = await call("PATCH", `/admin/v1/tenants/${slug}/clients/${clientId}`, { token: admin, body });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

/** The flow id at the end of a path like /t/acme/password-reset/{flowId}. */
export function flowIdOf(location: string): string {
  const id = /\/([A-Za-z0-9_-]{22})(?:\/[a-z-]+)?(?:\?.*)?$/.exec(new URL(location, "https://x").pathname)?.[1];
  expect(id, `no flow id in ${location}`).toBeDefined();
  return id!;
}

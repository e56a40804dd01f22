// Helpers of the sign-up, prompt=create and email verification suites: a tenant that
// collects custom attributes and legal consents, the dev outbox (where codes arrive),
// challenge records, and reading what a page says.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, json } from "../helpers";
import { Browser } from "../flows/browser";
import { authorizePath, codeRequest, tenantId, world, type World } from "../flows/fixtures";

export const TERMS = "https://acme.example/terms";
export const PRIVACY = "https://acme.example/privacy";
export const NEW_PASSWORD = "violet tiger umbrella";

/** Journey settings of the sign-up tenant: legal documents, marketing, attributes. */
export const SIGN_UP_SETTINGS = {
  terms_url: TERMS,
  terms_version: "2026-01",
  privacy_url: PRIVACY,
  privacy_version: "v3",
  marketing_consent_version: "m1",
  sign_up_attributes: [
    { name: "given_name", required: true },
    { name: "member_code", required: true },
    { name: "plan", required: false },
    { name: "bio", required: false },
  ],
};

export async function patchTenant(admin: string, slug: string, body: Record<string, unknown>) {
  const response = await call("PATCH", `/admin/v1/tenants/${slug}`, { token: admin, body });
  expect(response.status, await response.clone().text()).toBe(200);
  return json(response);
}

/** The acme world, plus custom attributes (pattern, enum, lengths) and the sign-up settings. */
export async function signUpWorld(slug = "acme", settings: Record<string, unknown> = SIGN_UP_SETTINGS): Promise<World> {
  const w = await world(slug, { api: true });
  for (const body of [
    {
      name: "member_code",
      type: "string",
      labels: { en: "Member code", de: "Mitgliedsnummer" },
      pattern: "[A-Z]{3}-[0-9]{4}",
    },
    { name: "plan", type: "string", labels: { en: "Plan" }, enum_values: ["basic", "premium"] },
    { name: "bio", type: "string", labels: { en: "About you" }, min_length: 5, max_length: 20 },
  ]) {
    const response = await call("POST", `/admin/v1/tenants/${slug}/attributes`, { token: w.admin, body });
    expect(response.status, await response.clone().text()).toBe(201);
  }
  await patchTenant(w.admin, slug, settings);
  return w;
}

/** A valid sign-up form. */
export function goodForm(email: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    email,
    password: NEW_PASSWORD,
    given_name: "Bea",
    member_code: "ABC-1234",
    plan: "premium",
    bio: "Likes tea",
    legal: "on",
    marketing: "on",
    ...extra,
  };
}

/** Starts an authorization in `browser` and opens the sign-up page from the sign-in page's link. */
export async function openSignUp(
  browser: Browser,
  slug: string,
  client: { client_id: string },
  extra: Record<string, string> = {},
): Promise<string> {
  const signIn = await browser.navigate(authorizePath(slug, codeRequest(client, extra)));
  expect(signIn.status).toBe(200);
  const html = await signIn.text();
  const link = /href="([^"]*\/sign-up)"/.exec(html)?.[1];
  expect(link, "no sign-up link on the sign-in page").toBeDefined();
  const page = await browser.navigate(link!);
  expect(page.status).toBe(200);
  return page.text();
}

// The dev outbox readers are shared with the other journey suites.
export { codeIn, emailsTo, lastEmailTo, linkIn, type SentEmail } from "./journey-helpers";

export async function countRows(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row!.n;
}

export const usersWithEmail = (email: string) =>
  countRows("SELECT count(*) AS n FROM users WHERE email_normalized = ?", email.toLowerCase());

/** The page's error summary (role="alert"), if any. */
export function alertOf(html: string): string | undefined {
  return /role="alert"[^>]*>([^<]*)</.exec(html)?.[1];
}

/** The error shown under a field (id="{id}-error"). */
export function fieldErrorOf(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(html)?.[1];
}

export function inputOf(html: string, id: string): string {
  const input = new RegExp(`<(?:input|select)[^>]*id="${id}"[^>]*>`).exec(html)?.[0];
  expect(input, `no input #${id}`).toBeDefined();
  return input!;
}

export function valueOf(html: string, id: string): string {
  return /value="([^"]*)"/.exec(inputOf(html, id))?.[1] ?? "";
}

type ChallengePurpose = "sign-up" | "verify-email";

/** Makes a challenge look as if its ten minutes had run out. */
export async function expireChallenge(slug: string, purpose: ChallengePurpose, flowId: string): Promise<void> {
  const stub = env.EPHEMERAL.get(env.EPHEMERAL.idFromName(`${await tenantId(slug)}:challenge-${purpose}:${flowId}`));
  await runInDurableObject(stub, async (_instance, state) => {
    const stored = await state.storage.get<{ value: unknown; expiresAt: number }>("value");
    expect(stored, "no such challenge").toBeDefined();
    await state.storage.put("value", { ...stored!, expiresAt: Date.now() - 1000 });
  });
}

/** The interaction id in a path like /t/acme/interaction/{id}/sign-up. */
export function interactionIdOf(location: string): string {
  const id = /\/interaction\/([A-Za-z0-9_-]{22})/.exec(location)?.[1];
  expect(id, `no interaction in ${location}`).toBeDefined();
  return id!;
}

/** The pending challenges an interaction holds. */
export async function pendingOf(slug: string, interactionId: string) {
  const stub = env.EPHEMERAL.get(env.EPHEMERAL.idFromName(`${await tenantId(slug)}:interaction:${interactionId}`));
  return runInDurableObject(stub, async (_instance, state) => {
    const stored = await state.storage.get<{ value: { pending: Record<string, { flowId: string; email: string }> } }>(
      "value",
    );
    return stored?.value.pending ?? {};
  });
}

/** Changes the data a challenge holds (to make a later write fail on purpose). */
export async function changeChallengeData(
  slug: string,
  purpose: ChallengePurpose,
  flowId: string,
  change: (data: Record<string, any>) => Record<string, any>,
): Promise<void> {
  const stub = env.EPHEMERAL.get(env.EPHEMERAL.idFromName(`${await tenantId(slug)}:challenge-${purpose}:${flowId}`));
  await runInDurableObject(stub, async (_instance, state) => {
    const stored = await state.storage.get<{ value: { data: Record<string, any> }; expiresAt: number }>("value");
    expect(stored, "no such challenge").toBeDefined();
    await state.storage.put("value", { ...stored!, value: { ...stored!.value, data: change(stored!.value.data) } });
  });
}

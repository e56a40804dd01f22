// Shared by the authenticator app, recovery code and email second-factor suites: codes
// computed by an independent TOTP implementation (otpauth), apps seeded with a known
// secret, and a browser brought to the second-factor step of a password sign-in.
import { env } from "cloudflare:workers";
import * as OTPAuth from "otpauth";
import { expect } from "vitest";
import { openDirectory } from "../../../src/directory";
import { sealBytes } from "../../../src/mfa/totp/sealing";
import { base32Encode } from "../../../src/mfa/totp/totp";
import { Browser } from "../flows/browser";
import { authorizePath, codeRequest, signInOn, tenantId, type TestClient } from "../flows/fixtures";

/** The code an authenticator app shows `steps` time steps from now. */
export function codeAt(secretBase32: string, steps = 0): string {
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secretBase32.replace(/\s+/g, "")),
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    timestamp: Date.now() + steps * 30_000,
  });
}

/** Waits out the last two seconds of a time step, so a code and its check fall in one step. */
export async function awayFromStepBoundary(): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 2_500) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

export async function factorsOf(slug = "acme") {
  return openDirectory(env, { id: await tenantId(slug) });
}

/** A confirmed app with a known secret (base32 returned), last used long ago. */
export async function seedApp(userId: string, slug = "acme", name = "Phone"): Promise<{ id: string; secret: string }> {
  const tenant = await tenantId(slug);
  const secret = crypto.getRandomValues(new Uint8Array(20));
  const sealed = await sealBytes(env.SIGNING_KEY_ENCRYPTION_KEY, secret, { kind: "totp", tenantId: tenant, userId });
  const directory = openDirectory(env, { id: tenant });
  const app = await directory.factors.totp.add(userId, name, sealed);
  expect(await directory.factors.totp.useStep(userId, app.id, 1)).toBe(true);
  return { id: app.id, secret: base32Encode(secret) };
}

/** Authorizes `app` and signs in by password; returns the browser and the page it ended on. */
export async function toSecondFactor(app: TestClient, email = "ana@example.com", extra: Record<string, string> = {}) {
  const browser = new Browser();
  const start = await browser.navigate(authorizePath("acme", codeRequest(app, extra)));
  expect(start.status).toBe(200);
  const response = await signInOn(browser, await start.text(), email);
  const html = await response.text();
  return { browser, response, html, url: new URL(browser.lastUrl!) };
}

export const interactionIdOf = (url: string) => /interaction\/([A-Za-z0-9_-]{22})/.exec(url)![1]!;

/** The text of the element with this id (tags stripped). */
export function textOf(html: string, id: string): string | null {
  const match = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return match ? match[1]!.replace(/<[^>]+>/g, "").trim() : null;
}

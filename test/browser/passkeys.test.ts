// Passkeys in Chromium with a virtual authenticator (DevTools protocol, WebAuthn domain:
// CTAP2, internal, resident keys, user verification): added on the account page, then
// signing in without a username by the button and by the email field's autofill
// (conditional UI), and as the second factor after a password; the app's ID token says
// how (amr) and how strongly (acr).
import type * as oidc from "openid-client";
import type { CDPSession, Page } from "playwright-core";
import { createTestHarness } from "wrangler";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BUILD_DIR } from "../../scripts/build-check.mjs";
import { Management, PASSWORD, TEST_SECRETS, type Worker } from "../node/oidc/support.js";
import { authorizationRequest, redeem, startApp } from "./support/app.js";
import { launchChromium } from "./support/chromium.js";
import { customer, expectHeading, signInWithPassword, type Customer } from "./support/customer.js";
import { inspectPage } from "./support/inspect.js";
import { registerApp, type World } from "./support/world.js";

const SLUG = "passkeys";

/**
 * The worker as useWorld() starts it, but at http://localhost:{port}: a WebAuthn RP ID
 * must be a domain, and 127.0.0.1 is none (Chromium: "This is an invalid domain").
 */
async function startLocalhostWorker(): Promise<Worker> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const server = createTestHarness({
    workers: [{ configPath: "./wrangler.toml", prebuiltWorkerDir: BUILD_DIR, secrets: TEST_SECRETS }],
  });
  const { url } = await server.listen();
  const baseUrl = `http://localhost:${url.port}`;
  await server.update((options) => ({
    ...options,
    workers: options.workers.map((worker) => ({ ...worker, vars: { PUBLIC_BASE_URL: baseUrl } })),
  }));
  await server.getWorker().applyD1Migrations("DB");
  return { baseUrl, close: () => server.close() };
}

const world = {} as World;
beforeAll(async () => {
  const [worker, chromium, app] = await Promise.all([startLocalhostWorker(), launchChromium(), startApp()]);
  Object.assign(world, { worker, chromium, app });
  world.admin = await Management.connect(worker.baseUrl);
});
afterAll(async () => {
  await world.chromium?.close();
  await world.app?.close();
  await world.worker?.close();
});
let issuer: string;
let config: oidc.Configuration;
/** An app that always asks for two factors. */
let strict: oidc.Configuration;
let you: Customer | undefined;
const email = "kai@example.com";

beforeAll(async () => {
  issuer = await world.admin.createTenant(SLUG);
  await world.admin.createUser(SLUG, email, { given_name: "Kai" });
  config = await registerApp(world, SLUG, { client_name: "Passkey Shop" });
  strict = await registerApp(world, SLUG, { client_name: "Strict Shop", mfa_policy: "required" } as never);
});

afterEach(async () => {
  await you?.context.close();
  you = undefined;
});

/** A credential as the DevTools protocol hands it out (with its private key), to carry to another page. */
type VirtualCredential = {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
};

interface Authenticator {
  /** Whether the authenticator answers by itself (a user touching it). */
  presence(on: boolean): Promise<void>;
  credentials(): Promise<VirtualCredential[]>;
}

/** Counters only go up: each page's copy of the passkey starts well above the last one's. */
let counterFloor = 0;

let attached: { page: Page; cdp: CDPSession; authenticatorId: string } | null = null;

function handle(cdp: CDPSession, authenticatorId: string): Authenticator {
  return {
    presence: async (enabled) => {
      await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });
    },
    credentials: async () =>
      (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials as VirtualCredential[],
  };
}

/**
 * A virtual authenticator for the page as it is now. Chromium may drop it when the tab
 * changes process (the app's callback is another site; a navigation may swap processes),
 * so each step attaches one on the page where the ceremony runs, holding the passkey made
 * earlier, if any; one that survived is reused as it is.
 */
async function virtualAuthenticator(page: Page, holding?: VirtualCredential): Promise<Authenticator> {
  // Still there (the tab stayed in its process)? Then it still holds the passkey, counter and all.
  if (attached?.page === page) {
    const still = handle(attached.cdp, attached.authenticatorId);
    try {
      await still.credentials();
      return still;
    } catch {
      attached = null;
    }
  }
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  if (holding) {
    counterFloor += 100;
    await cdp.send("WebAuthn.addCredential", {
      authenticatorId,
      credential: { ...holding, signCount: holding.signCount + counterFloor },
    });
  }
  attached = { page, cdp, authenticatorId };
  return handle(cdp, authenticatorId);
}

async function expectStatus(page: Page, text: string) {
  await expect.poll(async () => (await page.getByRole("status").textContent())?.trim(), { timeout: 20_000 }).toBe(text);
}

async function signOut(page: Page) {
  await page.goto(`${issuer}/logout`);
  await expectHeading(page, "Sign out?");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expectHeading(page, "You are signed out");
}

async function amrAndAcr(app: oidc.Configuration, pending: Awaited<ReturnType<typeof authorizationRequest>>) {
  const tokens = await redeem(app, await world.app.next(), pending);
  const claims = tokens.claims()!;
  return { sub: claims.sub, amr: [...(claims.amr as string[])].sort(), acr: claims.acr };
}

describe("passkeys in Chromium", () => {
  it("adds a passkey on the account page, then signs in with the button, by autofill, and as a second factor", async () => {
    you = await customer(world.chromium);
    const { page } = you;

    // Added on the account page, after signing in with the password.
    await page.goto(`${issuer}/account/passkeys`);
    await expectHeading(page, "Sign in");
    await signInWithPassword(page, email, PASSWORD);
    await expectHeading(page, "Passkeys");
    await page.getByText("You have no passkeys yet.").waitFor();
    await inspectPage(page, "passkeys-account-empty");
    let authenticator = await virtualAuthenticator(page);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expectStatus(page, "The passkey was added. You can now sign in with it.");
    const [passkey] = await authenticator.credentials();
    expect(passkey?.isResidentCredential).toBe(true);
    await page.getByRole("cell", { name: "This device only" }).waitFor();
    await inspectPage(page, "passkeys-account-added");

    // Renamed.
    await page.getByRole("textbox", { name: /^New name for/ }).fill("Kai's laptop");
    await page.getByRole("button", { name: "Rename" }).click();
    await expectStatus(page, "The passkey was renamed.");
    await page.getByRole("cell", { name: "Kai's laptop", exact: true }).waitFor();
    await signOut(page);

    // The button: no username typed.
    let pending = await authorizationRequest(config, world.app);
    await page.goto(pending.url.href);
    await expectHeading(page, "Sign in");
    expect(await page.getByLabel("Email", { exact: true }).getAttribute("autocomplete")).toBe("username webauthn");
    await inspectPage(page, "passkeys-sign-in");
    authenticator = await virtualAuthenticator(page, passkey);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    let signedIn = await amrAndAcr(config, pending);
    expect(signedIn.amr).toEqual(["hwk", "mfa", "user"]);
    expect(signedIn.acr).toBe("urn:latchkey:loa:phr");
    await signOut(page);

    // The autofill: the page asks on load (mediation "conditional") and the passkey is
    // offered with the email field; the virtual authenticator, always touched, picks it at
    // once. No button is pressed.
    authenticator = await virtualAuthenticator(page, passkey);
    pending = await authorizationRequest(config, world.app);
    await page.goto(pending.url.href);
    await page
      .getByLabel("Email", { exact: true })
      .focus({ timeout: 2_000 })
      .catch(() => {}); // gone already: the passkey answered
    signedIn = await amrAndAcr(config, pending);
    expect(signedIn.amr).toEqual(["hwk", "mfa", "user"]);
    await signOut(page);

    // Second factor: an app that requires two, signed in with the password first. Nobody
    // touches the authenticator on the sign-in page (the autofill would take the passkey).
    authenticator = await virtualAuthenticator(page, passkey);
    await authenticator.presence(false);
    pending = await authorizationRequest(strict, world.app);
    await page.goto(pending.url.href);
    await expectHeading(page, "Sign in");
    await signInWithPassword(page, email, PASSWORD);
    // The choice of method is skipped when a passkey is the way to go.
    await expectHeading(page, /^(Confirm it’s you|Confirm with your passkey)$/);
    if ((await page.locator("h1").textContent()) === "Confirm it’s you")
      await page.getByRole("link", { name: "Use a passkey" }).click();
    await expectHeading(page, "Confirm with your passkey");
    await inspectPage(page, "passkeys-second-factor");
    authenticator = await virtualAuthenticator(page, passkey);
    await authenticator.presence(true);
    await page.getByRole("button", { name: "Use my passkey" }).click();
    signedIn = await amrAndAcr(strict, pending);
    expect(signedIn.amr).toEqual(["hwk", "mfa", "pwd", "user"]);
    expect(signedIn.acr).toBe("urn:latchkey:loa:phr");
  });

  it("says so when the customer cancels the passkey prompt", async () => {
    you = await customer(world.chromium);
    const { page } = you;
    const pending = await authorizationRequest(config, world.app);
    const waiting = world.app.waiting;
    await page.goto(pending.url.href);
    await expectHeading(page, "Sign in");
    await virtualAuthenticator(page);
    // No passkey for this site on this authenticator: Chromium answers NotAllowedError.
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect
      .poll(() => page.locator("[data-passkey-status]").textContent(), { timeout: 20_000 })
      .toBe("The passkey request was cancelled or timed out. Try again, or sign in another way.");
    expect(world.app.waiting).toBe(waiting);
  });
});

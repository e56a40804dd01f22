// Signing in with email and password on the hosted page: one answer for every kind of
// wrong credential, blocked users, hash upgrades, the audit trail, and equal cost for
// unknown accounts (argon2id runs either way).
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, json } from "../helpers";
import { Browser } from "./browser";
import {
  auditEvents,
  authorizePath,
  callbackOf,
  codeRequest,
  createUser,
  PASSWORD,
  redeem,
  sessionCookieName,
  world,
  type World,
} from "./fixtures";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false });
});

/** A browser on a fresh sign-in page, and a function posting credentials to it. */
async function signInPage(browser = new Browser()) {
  const response = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
  expect(response.status).toBe(200);
  const page = await response.text();
  const attempt = (email: string, password: string, headers: Record<string, string> = {}) =>
    browser.post(page, "/login", { email, password }, { headers });
  return { browser, page, attempt };
}

function alertOf(html: string): string | undefined {
  return /role="alert"[^>]*>([^<]*)</.exec(html)?.[1];
}

async function getUser(id: string) {
  const response = await call("GET", `/admin/v1/tenants/acme/users/${id}`, { token: w.admin });
  expect(response.status).toBe(200);
  return json(response);
}

describe("wrong credentials", () => {
  it("an unknown email and a wrong password get the same answer", async () => {
    const { attempt } = await signInPage();
    const unknown = await attempt("nobody@example.com", "some password here");
    const wrong = await attempt("ana@example.com", "some password here");
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await unknown.text(), await wrong.text()];
    expect(alertOf(a)).toBe("Incorrect email or password.");
    expect(alertOf(b)).toBe(alertOf(a));
    // Apart from the typed email, the pages are identical.
    expect(a.replaceAll("nobody@example.com", "X")).toBe(b.replaceAll("ana@example.com", "X"));
    expect(unknown.headers.getSetCookie().some((c) => c.startsWith(sessionCookieName("acme")))).toBe(false);
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith(sessionCookieName("acme")))).toBe(false);
  });

  it("a user without a password cannot sign in, and gets the same answer", async () => {
    await createUser(w.admin, "acme", { email: "nopass@example.com" });
    const { browser, attempt } = await signInPage();
    for (const password of ["", " ", "anything at all"]) {
      const response = await attempt("nopass@example.com", password);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(402);
      if (password.trim()) expect(alertOf(await response.text())).toBe("Incorrect email or password.");
    }
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
  });

  it("a blocked user gets the plain answer for a wrong password and the blocked message only for the right one", async () => {
    const blocked = await call("PATCH", `/admin/v1/tenants/acme/users/${w.user.id}`, {
      token: w.admin,
      body: { blocked: true },
    });
    expect(blocked.status).toBe(200);
    const { browser, attempt } = await signInPage();
    const wrong = await attempt("ana@example.com", "not the password");
    expect(wrong.status).toBe(401);
    expect(alertOf(await wrong.text())).toBe("Incorrect email or password.");
    const right = await attempt("ana@example.com", PASSWORD);
    expect(right.status).toBe(403);
    expect(alertOf(await right.text())).toMatch(/blocked/);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    const failures = await auditEvents(w.admin, "acme", "user.sign_in_failed");
    expect(failures.map((e) => e.details.reason)).toEqual(["wrong_password", "blocked"]);
    expect(await auditEvents(w.admin, "acme", "user.signed_in")).toHaveLength(0);
    expect((await getUser(w.user.id)).last_sign_in_at).toBeNull();
  });
});

describe("success", () => {
  it("signs in (email case-insensitive), starts a session and records last_sign_in_at", async () => {
    expect((await getUser(w.user.id)).last_sign_in_at).toBeNull();
    const before = Math.floor(Date.now() / 1000);
    const { browser, page } = await signInPage();
    const done = await browser.submit(page, "/login", { email: "  ANA@Example.COM ", password: PASSWORD });
    const code = callbackOf(done).searchParams.get("code")!;
    expect((await redeem("acme", w.app, code)).claims.sub).toBe(w.user.id);
    expect(browser.cookie(sessionCookieName("acme"))).toBeTruthy();
    const signedInAt = Date.parse((await getUser(w.user.id)).last_sign_in_at) / 1000;
    expect(signedInAt).toBeGreaterThanOrEqual(before);
    expect(signedInAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it("the password is checked as typed (no trimming, no case folding)", async () => {
    const { attempt } = await signInPage();
    expect((await attempt("ana@example.com", ` ${PASSWORD}`)).status).toBe(401);
    expect((await attempt("ana@example.com", PASSWORD.toUpperCase())).status).toBe(401);
    expect((await attempt("ana@example.com", PASSWORD)).status).toBe(303);
  });

  it("an imported PBKDF2 hash signs in and is upgraded to argon2id", async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const password = "imported password 1";
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
      "deriveBits",
    ]);
    const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 }, key, 256);
    const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replaceAll("=", "");
    const hash = `$pbkdf2-sha256$i=1000$${b64(salt)}$${b64(new Uint8Array(bits))}`;
    const imported = await createUser(w.admin, "acme", { email: "old@example.com", password_hash: hash });
    const stored = () =>
      env.DB.prepare("SELECT hash FROM password_credentials WHERE user_id = ?")
        .bind(imported.id)
        .first<{ hash: string }>()
        .then((row) => row!.hash);
    expect(await stored()).toBe(hash);

    const { attempt } = await signInPage();
    expect((await attempt("old@example.com", "not it at all")).status).toBe(401);
    expect(await stored()).toBe(hash);
    expect((await attempt("old@example.com", password)).status).toBe(303);
    const upgraded = await stored();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    // The new hash works, and is not upgraded again.
    const second = await signInPage();
    expect((await second.attempt("old@example.com", password)).status).toBe(303);
    expect(await stored()).toBe(upgraded);
    const signedIn = (await auditEvents(w.admin, "acme", "user.signed_in")).filter((e) => e.user_id === imported.id);
    expect(signedIn.map((e) => e.details.upgraded_hash)).toEqual([true, false]);
  });
});

describe("audit trail", () => {
  it("records sign-ins and failures with CF-Connecting-IP, never X-Forwarded-For, and never the password", async () => {
    const browser = new Browser();
    browser.ip = "198.51.100.23";
    browser.userAgent = "Audit-Agent/1.0";
    browser.extraHeaders = { "X-Forwarded-For": "192.0.2.66, 10.0.0.1", "X-Real-IP": "192.0.2.67" };
    const { attempt } = await signInPage(browser);
    await attempt("Nobody@Example.com", "secret-guess-one");
    await attempt("ana@example.com", "secret-guess-two");
    expect((await attempt("ana@example.com", PASSWORD)).status).toBe(303);

    const failed = await auditEvents(w.admin, "acme", "user.sign_in_failed");
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({
      user_id: null,
      client_id: w.app.client_id,
      ip: "198.51.100.23",
      user_agent: "Audit-Agent/1.0",
      details: { reason: "unknown_user", login: "nobody@example.com" },
    });
    expect(failed[1]).toMatchObject({
      user_id: w.user.id,
      ip: "198.51.100.23",
      details: { reason: "wrong_password", login: "ana@example.com" },
    });
    const signedIn = await auditEvents(w.admin, "acme", "user.signed_in");
    expect(signedIn).toHaveLength(1);
    expect(signedIn[0]).toMatchObject({
      user_id: w.user.id,
      client_id: w.app.client_id,
      ip: "198.51.100.23",
      user_agent: "Audit-Agent/1.0",
      details: { method: "password", upgraded_hash: false },
    });
    const everything = JSON.stringify([...failed, ...signedIn]);
    expect(everything).not.toContain("192.0.2.66");
    expect(everything).not.toContain("192.0.2.67");
    for (const secret of ["secret-guess-one", "secret-guess-two", PASSWORD]) expect(everything).not.toContain(secret);
  });

  it("without CF-Connecting-IP no address is recorded, whatever X-Forwarded-For says", async () => {
    const browser = new Browser();
    browser.ip = "";
    browser.extraHeaders = { "X-Forwarded-For": "192.0.2.66" };
    const { attempt } = await signInPage(browser);
    expect((await attempt("ana@example.com", PASSWORD)).status).toBe(303);
    const [event] = await auditEvents(w.admin, "acme", "user.signed_in");
    expect(event?.ip ?? null).toBeNull();
  });
});

describe("timing", () => {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };

  let address = 0;

  /**
   * Times failed sign-ins of two kinds in adjacent pairs (so that load from elsewhere hits
   * both alike), three per account (the throttle lets three failures through without
   * delay), each from its own address. Returns the median of the per-pair ratios a/b.
   */
  async function pairedRatio(emailsA: string[], emailsB: string[]) {
    const { attempt } = await signInPage();
    // Warm-up: the first hashing in an isolate instantiates the WebAssembly module.
    await attempt("warm-up@example.com", "warm up password", { "CF-Connecting-IP": "192.0.2.250" });
    const ratios: number[] = [];
    const timed = async (email: string) => {
      const started = performance.now();
      const response = await attempt(email, "wrong password guess", {
        "CF-Connecting-IP": `10.9.${address >> 8}.${address++ & 255}`,
      });
      expect(response.status, email).toBe(401);
      return performance.now() - started;
    };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < emailsA.length; i++) {
        // Alternate which kind goes first, so neither always follows the other.
        if ((round + i) % 2) ratios.push((await timed(emailsA[i]!)) / (await timed(emailsB[i]!)));
        else {
          const b = await timed(emailsB[i]!);
          ratios.push((await timed(emailsA[i]!)) / b);
        }
      }
    }
    return median(ratios);
  }

  /**
   * Measures up to three times, with fresh accounts each time, until one measurement is
   * inside the band: noise from other suites can spoil one, but a path that skips argon2id
   * (a ratio near 0.3) never lands inside it.
   */
  async function ratioWithin(
    low: number,
    high: number,
    accounts: (tryNumber: number) => Promise<{ a: string[]; b: string[] }>,
  ) {
    const seen: number[] = [];
    for (let tryNumber = 0; tryNumber < 3; tryNumber++) {
      const { a, b } = await accounts(tryNumber);
      const ratio = await pairedRatio(a, b);
      seen.push(Math.round(ratio * 100) / 100);
      if (ratio > low && ratio < high) break;
    }
    expect(seen.at(-1), `ratios measured: ${seen.join(", ")}`).toBeGreaterThan(low);
    expect(seen.at(-1), `ratios measured: ${seen.join(", ")}`).toBeLessThan(high);
  }

  const withPasswords = (prefix: string) =>
    Promise.all(
      [1, 2, 3].map((i) => createUser(w.admin, "acme", { email: `${prefix}${i}@example.com`, password: PASSWORD })),
    ).then((users) => users.map((u) => u.email));

  it("an unknown email costs about what a wrong password costs", async () => {
    // Without the dummy argon2id run the unknown email would answer in well under half the time.
    await ratioWithin(0.75, 1.33, async (n) => ({
      a: [1, 2, 3].map((i) => `ghost${n}-${i}@example.com`),
      b: await withPasswords(`timed${n}-`),
    }));
    expect((await auditEvents(w.admin, "acme", "user.sign_in_failed")).length).toBeGreaterThanOrEqual(19);
  });

  it("a user without a password costs about what a wrong password costs", async () => {
    // An account that exists but has no password must not answer faster: that would tell
    // an attacker which emails have (password-less) accounts.
    await ratioWithin(0.75, 1.33, async (n) => {
      const [b, ...without] = await Promise.all([
        withPasswords(`pw${n}-`),
        ...[1, 2, 3].map((i) => createUser(w.admin, "acme", { email: `nopw${n}-${i}@example.com` })),
      ]);
      return { a: (without as { email: string }[]).map((u) => u.email), b: b as string[] };
    });
  });
});

// Sign-in throttling through the hosted page: backoff after three failures, the account
// lock for unknown devices, exact counting under concurrency, the known-device escape
// hatch, and the per-IP block (CF-Connecting-IP only).
import { runInDurableObject } from "cloudflare:test";
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
  sessionCookieName,
  freshSecond,
  tenantId,
  world,
  type World,
} from "./fixtures";

let w: World;
const DEVICE_COOKIE = "__Host-lk-device";

beforeEach(async () => {
  w = await world("acme", { api: false });
});

async function lockThreshold(threshold: number) {
  const response = await call("PATCH", "/admin/v1/tenants/acme", {
    token: w.admin,
    body: { sign_in_lock_threshold: threshold },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  expect((await json(response)).sign_in_lock_threshold).toBe(threshold);
}

/** A browser (its own IP unless given) on a sign-in page, and a function posting credentials. */
async function signInPage(ip: string, browser = new Browser(), params: Record<string, string> = {}) {
  browser.ip = ip;
  const response = await browser.navigate(authorizePath("acme", codeRequest(w.app, params)));
  expect(response.status).toBe(200);
  const page = await response.text();
  const attempt = (email: string, password: string, headers: Record<string, string> = {}) =>
    browser.post(page, "/login", { email, password }, { headers });
  return { browser, page, attempt };
}

const tooMany = (html: string) => /role="alert"[^>]*>Too many attempts/.test(html);

function statuses(responses: Response[]) {
  const count: Record<number, number> = {};
  for (const r of responses) count[r.status] = (count[r.status] ?? 0) + 1;
  return count;
}

/**
 * Runs `scenario` so that it starts and ends within one wall-clock second (the backoff's
 * resolution): a run that crossed into the next second proves nothing and is run again,
 * with the try number so that it can start from fresh state.
 */
async function withinOneSecond<T>(
  scenario: (tryNumber: number) => Promise<T>,
  conclusive: (result: T) => boolean = () => false,
): Promise<T> {
  for (let tryNumber = 0; ; tryNumber++) {
    await freshSecond();
    const started = Math.floor(Date.now() / 1000);
    const result = await scenario(tryNumber);
    if (conclusive(result) || Math.floor(Date.now() / 1000) === started || tryNumber === 4) return result;
  }
}

describe("per account", () => {
  it("after three failures the next attempt within the backoff is refused (429), even with the right password", async () => {
    // A run that crossed a second signs in (which resets the count), so it can simply run again.
    const { browser, failures, refused } = await withinOneSecond(
      async () => {
        const { browser, attempt } = await signInPage("198.51.100.10");
        const failures = await Promise.all([1, 2, 3].map(() => attempt("ana@example.com", "wrong password")));
        return { browser, failures, refused: await attempt("ana@example.com", PASSWORD) };
      },
      (run) => run.refused.status === 429,
    );
    expect(failures.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(refused.headers.get("Cache-Control")).toBe("no-store");
    const html = await refused.text();
    expect(tooMany(html)).toBe(true);
    expect(html).toMatch(/Wait \d+ seconds?/);
    expect(browser.cookie(sessionCookieName("acme"))).toBeUndefined();

    const throttled = await auditEvents(w.admin, "acme", "user.sign_in_throttled");
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.details).toMatchObject({ reason: "backoff", login: "ana@example.com" });
    expect(throttled[0]!.details.retry_after).toBeGreaterThanOrEqual(1);
    expect(throttled[0]!.ip).toBe("198.51.100.10");
    // The refused attempt never reached the password check.
    const signedIn = await auditEvents(w.admin, "acme", "user.signed_in");
    const failed = await auditEvents(w.admin, "acme", "user.sign_in_failed");
    expect(failed).toHaveLength(3 * (signedIn.length + 1));
  });

  it("an unknown email is throttled exactly like a real one", async () => {
    const { attempt, failures, refused } = await withinOneSecond(async (n) => {
      const { attempt } = await signInPage("198.51.100.11");
      const login = `ghost${n}@example.com`;
      const failures = await Promise.all([1, 2, 3].map(() => attempt(login, "wrong password")));
      return { attempt, failures, refused: await attempt(login, "wrong password") };
    });
    expect(failures.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(refused.status).toBe(429);
    expect(tooMany(await refused.text())).toBe(true);
    // Another account is not affected.
    expect((await attempt("ana@example.com", PASSWORD)).status).toBe(303);
  });

  it("a concurrent burst at the default threshold lets through no more than the backoff allows", async () => {
    const { login, responses } = await withinOneSecond(async (n) => {
      const { attempt } = await signInPage("198.51.100.15");
      const login = n === 0 ? "ana@example.com" : `ghost${n}@example.com`;
      const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(login, `wrong password ${i}`)));
      return { login, responses };
    });
    // Three go through without delay; within the same second the fourth must wait.
    expect(statuses(responses)).toEqual({ 401: 3, 429: 7 });
    const failed = await auditEvents(w.admin, "acme", "user.sign_in_failed");
    expect(failed.filter((e) => e.details.login === login)).toHaveLength(3);
  });

  it("the lock threshold locks the account for unknown devices, even with the right password", async () => {
    await lockThreshold(3);
    const { attempt } = await signInPage("198.51.100.12");
    for (let i = 0; i < 3; i++) expect((await attempt("ana@example.com", `wrong password ${i}`)).status).toBe(401);
    const locked = await auditEvents(w.admin, "acme", "user.sign_in_locked");
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ user_id: w.user.id, ip: "198.51.100.12" });
    expect(locked[0]!.details.lock_seconds).toBe(900);

    const refused = await attempt("ana@example.com", PASSWORD);
    expect(refused.status).toBe(429);
    expect(tooMany(await refused.text())).toBe(true);
    // A new browser from another address is just as locked out.
    const stranger = await signInPage("198.51.100.13");
    const again = await stranger.attempt("ana@example.com", PASSWORD);
    expect(again.status).toBe(429);
    expect(stranger.browser.cookie(sessionCookieName("acme"))).toBeUndefined();
    const throttled = await auditEvents(w.admin, "acme", "user.sign_in_throttled");
    expect(throttled.map((e) => e.details.reason)).toEqual(["locked", "locked"]);
    expect(throttled[0]!.details.retry_after).toBeGreaterThan(800);
  });

  it("the lock lasts sign_in_lock_seconds, then the account has a fresh budget", async () => {
    const response = await call("PATCH", "/admin/v1/tenants/acme", {
      token: w.admin,
      body: { sign_in_lock_threshold: 3, sign_in_lock_seconds: 120 },
    });
    expect(response.status).toBe(200);
    const { attempt } = await signInPage("198.51.100.20");
    for (let i = 0; i < 3; i++) expect((await attempt("ana@example.com", `wrong ${i}`)).status).toBe(401);
    expect((await attempt("ana@example.com", PASSWORD)).status).toBe(429);
    const [throttled] = await auditEvents(w.admin, "acme", "user.sign_in_throttled");
    expect(throttled!.details.retry_after).toBeGreaterThan(100);
    expect(throttled!.details.retry_after).toBeLessThanOrEqual(120);

    // Move the last failure 119 seconds back: still locked; 121 seconds: unlocked.
    const stub = env.SIGN_IN_THROTTLE.get(
      env.SIGN_IN_THROTTLE.idFromName(`${await tenantId("acme")}:account:ana@example.com`),
    );
    const age = (seconds: number) =>
      runInDurableObject(stub, async (_instance, state) => {
        const stored = await state.storage.get<{ lastFailureAt: number }>("account");
        expect(stored).toBeDefined();
        await state.storage.put("account", { ...stored, lastFailureAt: Math.floor(Date.now() / 1000) - seconds });
      });
    await age(110);
    expect((await attempt("ana@example.com", PASSWORD)).status).toBe(429);
    await age(121);
    expect((await attempt("ana@example.com", PASSWORD)).status).toBe(303);
  });

  it("N concurrent wrong attempts consume exactly N units: only the allowed number reach the password check", async () => {
    await lockThreshold(3);
    const { attempt } = await signInPage("198.51.100.14");
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => attempt("ana@example.com", `wrong password ${i}`)),
    );
    expect(statuses(responses)).toEqual({ 401: 3, 429: 5 });
    expect(await auditEvents(w.admin, "acme", "user.sign_in_failed")).toHaveLength(3);
    expect(await auditEvents(w.admin, "acme", "user.sign_in_throttled")).toHaveLength(5);
    expect(await auditEvents(w.admin, "acme", "user.sign_in_locked")).toHaveLength(1);
    expect((await attempt("ana@example.com", PASSWORD)).status).toBe(429);
  });

  it("a browser that signed in before can still sign in while the account is locked", async () => {
    await lockThreshold(3);
    const owner = await signInPage("198.51.100.16");
    const first = await owner.attempt("ana@example.com", PASSWORD);
    expect(first.status).toBe(303);
    const device = first.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
    expect(device).toMatch(/;\s*HttpOnly/i);
    expect(device).toMatch(/;\s*Secure/i);
    expect(device).toMatch(/;\s*Path=\//i);
    expect(device).toMatch(/;\s*SameSite=Lax/i);

    // Someone else locks the account.
    const attacker = await signInPage("192.0.2.200");
    for (let i = 0; i < 3; i++) expect((await attacker.attempt("ana@example.com", `guess ${i}`)).status).toBe(401);
    expect((await attacker.attempt("ana@example.com", PASSWORD)).status).toBe(429);
    // A forged device cookie does not help the attacker.
    attacker.browser.setCookie(DEVICE_COOKIE, `${"A".repeat(22)}.${"B".repeat(22)}`);
    expect((await attacker.attempt("ana@example.com", PASSWORD)).status).toBe(429);

    // The owner's browser (a new sign-in, prompt=login) gets through.
    const again = await signInPage("198.51.100.16", owner.browser, { prompt: "login" });
    const done = await again.browser.submit(again.page, "/login", { email: "ana@example.com", password: PASSWORD });
    expect(callbackOf(done).searchParams.get("code")).toBeTruthy();
    const signedIn = await auditEvents(w.admin, "acme", "user.signed_in");
    expect(signedIn.map((e) => e.details.trusted_device)).toEqual([false, true]);
    // ... while strangers are still locked out.
    expect((await (await signInPage("198.51.100.17")).attempt("ana@example.com", PASSWORD)).status).toBe(429);
  });

  it("a known device has a small budget of its own, then falls under the lock", async () => {
    await lockThreshold(3);
    const owner = await signInPage("198.51.100.18");
    expect((await owner.attempt("ana@example.com", PASSWORD)).status).toBe(303);
    const attacker = await signInPage("192.0.2.201");
    for (let i = 0; i < 3; i++) await attacker.attempt("ana@example.com", `guess ${i}`);

    const again = await signInPage("198.51.100.18", owner.browser, { prompt: "login" });
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push((await again.attempt("ana@example.com", `typo ${i}`)).status);
    expect(responses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("a device known to another account does not unlock this one", async () => {
    await lockThreshold(3);
    await createUser(w.admin, "acme", { email: "bob@example.com", password: PASSWORD });
    const bobsBrowser = await signInPage("198.51.100.19");
    expect((await bobsBrowser.attempt("bob@example.com", PASSWORD)).status).toBe(303);
    const attacker = await signInPage("192.0.2.202");
    for (let i = 0; i < 3; i++) await attacker.attempt("ana@example.com", `guess ${i}`);
    const again = await signInPage("198.51.100.19", bobsBrowser.browser, { prompt: "login" });
    expect((await again.attempt("ana@example.com", PASSWORD)).status).toBe(429);
  });
});

describe("per IP", () => {
  it("more than 30 failures from one address block it for every account, exactly under concurrency; another address still works", async () => {
    // A success from the address first: it is refunded, so it must not count below.
    const success = await signInPage("192.0.2.77");
    expect((await success.attempt("ana@example.com", PASSWORD)).status).toBe(303);

    const { attempt } = await signInPage("192.0.2.77");
    const responses = await Promise.all(
      Array.from({ length: 36 }, (_, i) => attempt(`someone${i}@example.com`, "wrong password")),
    );
    expect(statuses(responses)).toEqual({ 401: 30, 429: 6 });
    expect(await auditEvents(w.admin, "acme", "user.sign_in_failed")).toHaveLength(30);

    const blocked = await signInPage("192.0.2.77");
    const refused = await blocked.attempt("ana@example.com", PASSWORD);
    expect(refused.status).toBe(429);
    expect(tooMany(await refused.text())).toBe(true);
    // X-Forwarded-For does not change the address that counts.
    const spoofed = await blocked.attempt("ana@example.com", PASSWORD, { "X-Forwarded-For": "198.51.100.99" });
    expect(spoofed.status).toBe(429);

    const elsewhere = await signInPage("198.51.100.99");
    expect((await elsewhere.attempt("ana@example.com", PASSWORD)).status).toBe(303);

    const throttled = await auditEvents(w.admin, "acme", "user.sign_in_throttled");
    expect(throttled).toHaveLength(8);
    for (const event of throttled) {
      expect(event.details.reason).toBe("ip_blocked");
      expect(event.ip).toBe("192.0.2.77");
    }
  });
});

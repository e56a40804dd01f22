// Recovery codes (src/mfa/recovery-codes): made on the account page after a recent
// sign-in and shown once, stored as hashes only, a new set voids the old; at sign-in one
// code replaces the second factor once (even under concurrency), typed loosely, audited
// with the count left and announced by email.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { browserWithSessionOf, open, TWO_FACTORS } from "../account/account-helpers";
import { Browser } from "../flows/browser";
import { auditEvents, callbackOf, redeem, world, type World } from "../flows/fixtures";
import { emailsTo } from "../journeys/journey-helpers";
import { expectNotices } from "./notification-helpers";
import { seedApp, toSecondFactor } from "./totp-helpers";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false });
});

/** A two-factor session of `userId` that started `ago` seconds ago. */
const browserSignedInAgo = (userId: string, ago: number) => browserWithSessionOf(userId, { ...TWO_FACTORS, ago });

const codesIn = (html: string) => [...html.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);

/** Makes a set on the account page; returns the codes shown. */
async function makeCodes(browser: Browser): Promise<string[]> {
  const made = await browser.post(await open(browser, "mfa"), "/account/mfa/recovery-codes", {});
  expect(made.status).toBe(303);
  const page = await (await browser.fetch(made.headers.get("Location")!)).text();
  const codes = codesIn(page);
  expect(codes).toHaveLength(10);
  const saved = await browser.post(page, "/account/mfa/recovery-codes/saved", {});
  expect(saved.headers.get("Location")).toBe("/t/acme/account/mfa?done=codes-saved");
  return codes;
}

async function storedHashes(userId: string) {
  const rows = await env.DB.prepare("SELECT * FROM recovery_codes WHERE user_id = ?").bind(userId).all();
  return rows.results;
}

describe("on the account page", () => {
  it("needs a recent sign-in to make codes", async () => {
    const stale = await browserSignedInAgo(w.user.id, 11 * 60);
    const refused = await stale.post(await open(stale, "mfa"), "/account/mfa/recovery-codes", {});
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("sign in again first");
    expect(await storedHashes(w.user.id)).toHaveLength(0);
    await expectNotices("ana@example.com", []);
  });

  it("shows ten codes once, stores only their hashes, and a new set voids the old one", async () => {
    const browser = await browserSignedInAgo(w.user.id, 60);
    const codes = await makeCodes(browser);
    const rows = await storedHashes(w.user.id);
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ""));
    }
    expect(await auditEvents(w.admin, "acme", "recovery_codes.generated")).toHaveLength(1);
    const overview = await open(browser, "mfa");
    expect(overview).toContain("You have 10 unused recovery codes.");

    const newer = await makeCodes(browser);
    expect(newer.some((code) => codes.includes(code))).toBe(false);
    expect(await storedHashes(w.user.id)).toHaveLength(10);
    // Each new set is announced, never with a code in it.
    await expectNotices("ana@example.com", ["recoveryCodesRenewed", "recoveryCodesRenewed"], {
      section: "mfa",
      secrets: [...newer, ...newer.map((code) => code.replace(/-/g, ""))],
    });

    // An old code no longer replaces the second factor; a new one does.
    await seedApp(w.user.id);
    const step = await toSecondFactor(w.app);
    const page = await (await step.browser.navigate(step.url.pathname.replace(/totp$/, "recovery-code"))).text();
    const old = await step.browser.submit(page, "/mfa/recovery-code", { code: codes[0]! });
    expect(old.status).toBe(400);
    expect(await old.text()).toContain("That recovery code is not right, or it was used already.");
    callbackOf(await step.browser.submit(page, "/mfa/recovery-code", { code: newer[0]! }));
  });
});

describe("at sign-in", () => {
  async function withCodes() {
    await seedApp(w.user.id);
    return makeCodes(await browserSignedInAgo(w.user.id, 60));
  }

  async function recoveryPage() {
    const step = await toSecondFactor(w.app);
    expect(step.url.pathname).toMatch(/\/mfa\/totp$/);
    const response = await step.browser.navigate(step.url.pathname.replace(/totp$/, "recovery-code"));
    expect(response.status).toBe(200);
    return { browser: step.browser, page: await response.text() };
  }

  it("takes a code in place of the second factor, typed in lower case with spaces; once; audited and emailed", async () => {
    const codes = await withCodes();
    const { browser, page } = await recoveryPage();
    expect(page).toContain('for="recovery-code"');
    expect(page).toContain('aria-describedby="recovery-code-hint"');
    const typed = ` ${codes[3]!.toLowerCase().replace(/-/g, " ")} `;
    const callback = callbackOf(await browser.submit(page, "/mfa/recovery-code", { code: typed }));
    const { claims } = await redeem("acme", w.app, callback.searchParams.get("code")!);
    // A look-up secret adds no method of its own; the sign-in took two factors.
    expect([...(claims.amr as string[])].sort()).toEqual(["mfa", "pwd"]);
    expect(claims.acr).toBe("urn:latchkey:loa:mfa");

    const used = await auditEvents(w.admin, "acme", "recovery_code.used");
    expect(used).toHaveLength(1);
    expect((used[0] as unknown as { details: { remaining: number } }).details.remaining).toBe(9);
    const mail = (await emailsTo("ana@example.com"))[0]!;
    expect(mail.subject).toBe("A recovery code was used for your acme account");
    expect(mail.text).toContain("Recovery codes left: 9");
    expect(mail.text).not.toContain(codes[3]!);

    const again = await recoveryPage();
    const reused = await again.browser.submit(again.page, "/mfa/recovery-code", { code: codes[3]! });
    expect(reused.status).toBe(400);
  });

  it("lets only one of two simultaneous uses of a code through", async () => {
    const codes = await withCodes();
    const [a, b] = await Promise.all([recoveryPage(), recoveryPage()]);
    const results = await Promise.all([
      a.browser.post(a.page, "/mfa/recovery-code", { code: codes[0]! }),
      b.browser.post(b.page, "/mfa/recovery-code", { code: codes[0]! }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400]);
    const rows = await storedHashes(w.user.id);
    expect(rows.filter((row) => row.used_at !== null)).toHaveLength(1);
    expect(await auditEvents(w.admin, "acme", "recovery_code.used")).toHaveLength(1);
  });

  it("refuses an empty or malformed code with a message tied to the field", async () => {
    await withCodes();
    const { browser, page } = await recoveryPage();
    const empty = await browser.submit(page, "/mfa/recovery-code", { code: "  " });
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toContain("Enter a recovery code.");
    expect(html).toContain('aria-invalid="true"');
    const malformed = await browser.submit(page, "/mfa/recovery-code", { code: "0000-1111-OOOO-IIII" });
    expect(malformed.status).toBe(400);
  });
});

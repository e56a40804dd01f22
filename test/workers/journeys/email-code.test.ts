// Email code sign-in (docs/journeys/email-code.md): offered per tenant and per app, the
// same answer for every address, a code limited by its challenge and by the account's
// sign-in throttle, and a sign-in like the password's (session, amr, audit, count).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Browser } from "../flows/browser";
import {
  auditEvents,
  authorizePath,
  callbackOf,
  codeRequest,
  createClient,
  createUser,
  PASSWORD,
  redeem,
  signInOn,
  tenantId,
  world,
  type TestClient,
  type World,
} from "../flows/fixtures";
import {
  alertOf,
  codeIn,
  emailsTo,
  expireChallenge,
  getUser,
  lastEmailTo,
  outboxSize,
  patchClient,
  patchUser,
  valueOf,
} from "./journey-helpers";

let w: World;

beforeEach(async () => {
  w = await world("acme", { api: false, tenant: { email_code_sign_in: true } });
});

/** A browser on the sign-in page of a new authorization by `client`. */
async function signInPage(client: TestClient = w.app, browser = new Browser()) {
  const response = await browser.navigate(authorizePath("acme", codeRequest(client, { prompt: "login" })));
  expect(response.status).toBe(200);
  const html = await response.text();
  const interactionId = /\/t\/acme\/interaction\/([A-Za-z0-9_-]{22})\/login/.exec(html)![1]!;
  return { browser, html, interactionId, path: `/t/acme/interaction/${interactionId}/email-code` };
}

/** Opens the email code page of a new authorization and asks for a code for `email`. */
async function askForCode(email: string, client: TestClient = w.app, inBrowser = new Browser()) {
  const { browser, interactionId, path } = await signInPage(client, inBrowser);
  const requestPage = await browser.fetch(path);
  expect(requestPage.status).toBe(200);
  const requestHtml = await requestPage.text();
  const asked = await browser.post(requestHtml, "/email-code", { email });
  expect(asked.status).toBe(303);
  expect(asked.headers.get("Location")).toBe(`${path}/code`);
  const codePage = await browser.fetch(`${path}/code`);
  expect(codePage.status).toBe(200);
  const html = await codePage.text();
  const enter = (code: string) => browser.post(html, "/email-code/code", { code });
  return { browser, interactionId, path, requestHtml, html, enter };
}

function strip(html: string, email: string, interactionId: string) {
  return html
    .replaceAll(email, "EMAIL")
    .replaceAll(interactionId, "ID")
    .replace(/name="csrf" value="[^"]*"/g, "");
}

describe("signing in with a code", () => {
  it("the sign-in page offers it; the right code signs in with amr otp and verifies the address", async () => {
    const uli = await createUser(w.admin, "acme", { email: "uli@example.com", password: PASSWORD });
    const { html: signInHtml, path } = await signInPage();
    expect(signInHtml).toContain(`href="${path}"`);

    const { browser, html, enter } = await askForCode("Uli@Example.com");
    expect(html).toContain("If an account exists for Uli@Example.com, we have sent a sign-in code to it.");
    expect(html).toMatch(/<input[^>]*autocomplete="one-time-code"/);
    const email = await lastEmailTo("uli@example.com");
    expect(email.subject).toMatch(/sign-in code$/);
    const signedIn = await enter(codeIn(email));
    expect(signedIn.status).toBe(303);
    const callback = callbackOf(await browser.navigate(signedIn.headers.get("Location")!));
    const tokens = await redeem("acme", w.app, callback.searchParams.get("code")!);
    expect(tokens.claims.sub).toBe(uli.id);
    expect(tokens.claims.amr).toEqual(["otp"]);
    expect(tokens.claims.acr).toBe("urn:latchkey:loa:1fa");
    expect(tokens.claims.email_verified).toBe(true);

    const user = await getUser(w.admin, "acme", uli.id);
    expect(user.email_verified).toBe(true);
    expect(user.sign_in_count).toBe(1);
    const [event] = await auditEvents(w.admin, "acme", "user.signed_in");
    expect(event!.user_id).toBe(uli.id);
    expect(event!.details.method).toBe("email_code");
    expect(JSON.stringify(event)).not.toContain(codeIn(email));

    // The session is a real one: a silent authorization now completes.
    const silent = await browser.navigate(authorizePath("acme", codeRequest(w.app, { prompt: "none" })));
    expect(callbackOf(silent).searchParams.get("code")).toBeTruthy();
  });

  it("an unknown address gets the same page, no email, and only ever a wrong code", async () => {
    const known = await askForCode("ana@example.com");
    const before = await outboxSize();
    const unknown = await askForCode("nobody@example.com");
    expect(await outboxSize()).toBe(before);
    expect(strip(unknown.html, "nobody@example.com", unknown.interactionId)).toBe(
      strip(known.html, "ana@example.com", known.interactionId),
    );
    const wrong = await unknown.enter("123456");
    expect(wrong.status).toBe(400);
    expect(alertOf(await wrong.text())).toBe("This code is not right. Attempts left: 4.");
  });

  it("blocked users get no email and no different page", async () => {
    const bo = await createUser(w.admin, "acme", { email: "bo@example.com", password: PASSWORD });
    await patchUser(w.admin, "acme", bo.id, { blocked: true });
    const { html } = await askForCode("bo@example.com");
    expect(html).toContain("If an account exists for bo@example.com");
    expect(await emailsTo("bo@example.com")).toHaveLength(0);
  });

  it("a user blocked after the code was sent is refused", async () => {
    const { enter } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    await patchUser(w.admin, "acme", w.user.id, { blocked: true });
    const refused = await enter(code);
    expect(refused.status).toBe(403);
    expect(alertOf(await refused.text())).toBe("This account is blocked. Contact support for help.");
  });
});

describe("where it is offered", () => {
  it("not for an app that turns it off while the tenant offers it", async () => {
    await patchClient(w.admin, "acme", w.app.client_id, { email_code_sign_in: false });
    const { browser, html, path } = await signInPage();
    expect(html).not.toContain("/email-code");
    const page = await browser.fetch(path);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("is not offered for this application");
    // Another app of the tenant, without a setting of its own, still offers it.
    const plain = await createClient(w.admin, "acme", { client_name: "Plain", first_party: true });
    const { html: plainHtml } = await signInPage(plain);
    expect(plainHtml).toContain("/email-code");
  });

  it("for an app that turns it on while the tenant does not", async () => {
    const other = await world("beta", { admin: w.admin, api: false });
    const keen = await createClient(w.admin, "beta", {
      client_name: "Keen",
      first_party: true,
      email_code_sign_in: true,
    });
    const open = async (client: TestClient) => {
      const browser = new Browser();
      const html = await (await browser.navigate(authorizePath("beta", codeRequest(client)))).text();
      const id = /\/t\/beta\/interaction\/([A-Za-z0-9_-]{22})\/login/.exec(html)![1]!;
      return { html, status: (await browser.fetch(`/t/beta/interaction/${id}/email-code`)).status };
    };
    const plain = await open(other.app);
    expect(plain.html).not.toContain("/email-code");
    expect(plain.status).toBe(404);
    const offered = await open(keen);
    expect(offered.html).toContain("/email-code");
    expect(offered.status).toBe(200);
  });

  it("a POST where it is not offered does nothing", async () => {
    const { browser, requestHtml } = await askForCode("ana@example.com");
    await patchClient(w.admin, "acme", w.app.client_id, { email_code_sign_in: false });
    const before = await outboxSize();
    const refused = await browser.post(requestHtml, "/email-code", { email: "ana@example.com" });
    expect(refused.status).toBe(404);
    expect(await outboxSize()).toBe(before);
  });
});

describe("bad input", () => {
  it("refuses a missing or malformed address with the typed value kept", async () => {
    const { browser, path } = await signInPage();
    const html = await (await browser.fetch(path)).text();
    const empty = await browser.post(html, "/email-code", { email: "" });
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expect(alertOf(emptyHtml)).toBe("Enter your email address.");
    expect(emptyHtml).toMatch(/id="email"[^>]*aria-invalid="true"/);
    const bad = await browser.post(html, "/email-code", { email: "ana at example" });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(alertOf(badHtml)).toBe("Enter a valid email address, like name@example.com.");
    expect(valueOf(badHtml, "email")).toBe("ana at example");
    expect(await outboxSize()).toBe(0);
  });

  it("refuses a missing or malformed code without spending an attempt", async () => {
    const { enter } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    for (const [typed, message] of [
      ["", "Enter the 6-digit code from the email."],
      ["12a456", "The code has exactly 6 digits."],
      ["1234567", "The code has exactly 6 digits."],
    ] as const) {
      const response = await enter(typed);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(alertOf(html)).toBe(message);
      expect(valueOf(html, "code")).toBe(typed);
      expect(html).toMatch(/id="code"[^>]*aria-invalid="true"/);
    }
    expect((await enter(code)).status).toBe(303);
  });

  it("refuses forms without the interaction's CSRF token or from another site", async () => {
    const { browser, requestHtml, html } = await askForCode("ana@example.com");
    const sent = await outboxSize();
    expect(
      (await browser.post(requestHtml, "/email-code", { email: "ana@example.com" }, { omit: ["csrf"] })).status,
    ).toBe(403);
    expect(
      (await browser.post(html, "/email-code/resend", {}, { headers: { Origin: "https://evil.example" } })).status,
    ).toBe(403);
    const code = codeIn(await lastEmailTo("ana@example.com"));
    expect((await browser.post(html, "/email-code/code", { code, csrf: "forged" })).status).toBe(403);
    expect(await outboxSize()).toBe(sent);
  });

  it("another browser cannot use the interaction", async () => {
    const { html } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    const stranger = await new Browser().post(html, "/email-code/code", { code });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain("This page has expired");
  });
});

describe("the code", () => {
  it("is single-use: the sign-in ends the pending code", async () => {
    const { browser, html, enter, path } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    expect((await enter(code)).status).toBe(303);
    const replay = await browser.post(html, "/email-code/code", { code });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("Location")).toBe(path);
    expect(await auditEvents(w.admin, "acme", "user.signed_in")).toHaveLength(1);
  });

  it("expires after ten minutes", async () => {
    const { enter, html } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    const flowId = await pendingFlowId(html);
    await expireChallenge("acme", "email-code", flowId);
    const response = await enter(code);
    expect(response.status).toBe(400);
    expect(alertOf(await response.text())).toBe(
      "This code has expired or was entered wrongly too often. Ask for a new code.",
    );
  });

  it("allows five wrong attempts, then not even the right code works", async () => {
    // A browser the account knows has a budget of its own, beside the account's backoff
    // (which starts after three failures): so the challenge is what stops the guessing.
    const known = new Browser();
    const { html: passwordPage } = await signInPage(w.app, known);
    expect((await signInOn(known, passwordPage, "ana@example.com", PASSWORD)).status).toBe(303);
    const { enter } = await askForCode("ana@example.com", w.app, known);
    const code = codeIn(await lastEmailTo("ana@example.com"));
    const wrong = code === "000000" ? "111111" : "000000";
    const pages: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await enter(wrong);
      expect(response.status).toBe(400);
      pages.push(alertOf(await response.text())!);
    }
    expect(pages.slice(0, 4)).toEqual([4, 3, 2, 1].map((n) => `This code is not right. Attempts left: ${n}.`));
    const right = await enter(code);
    expect(right.status).toBe(400);
    expect(alertOf(await right.text())).toBe(
      "This code has expired or was entered wrongly too often. Ask for a new code.",
    );
  });

  it("wrong codes count against the account like wrong passwords: the throttle stops guessing", async () => {
    // Three wrong passwords on the account...
    const { browser: other, html: signInHtml } = await signInPage();
    for (let i = 0; i < 3; i++) await signInOn(other, signInHtml, "ana@example.com", `wrong password ${i}`);
    // ...and the next code attempt, even the right one, must wait.
    const { enter } = await askForCode("ana@example.com");
    const code = codeIn(await lastEmailTo("ana@example.com"));
    const throttled = await enter(code);
    expect(throttled.status).toBe(429);
    expect(alertOf(await throttled.text())).toMatch(/^Too many attempts\. Wait \d+ seconds, then try again\.$/);
    expect(await auditEvents(w.admin, "acme", "user.sign_in_throttled")).not.toHaveLength(0);
  });

  it("a new code replaces the old one, with a notice, within a rate limit", async () => {
    const { browser, html, enter, path } = await askForCode("ana@example.com");
    const first = codeIn(await lastEmailTo("ana@example.com"));
    const resent = await browser.post(html, "/email-code/resend", {});
    expect(resent.status).toBe(303);
    expect(resent.headers.get("Location")).toBe(`${path}/code?resent=1`);
    const notice = await (await browser.fetch(`${path}/code?resent=1`)).text();
    expect(notice).toContain("We have sent a new code. Codes sent before no longer work.");
    const second = codeIn(await lastEmailTo("ana@example.com"));
    expect(await emailsTo("ana@example.com")).toHaveLength(2);
    if (first !== second) {
      // The old code is checked against the new challenge: a wrong code.
      const old = await enter(first);
      expect(old.status).toBe(400);
      expect(alertOf(await old.text())).toBe("This code is not right. Attempts left: 4.");
    }
    // Five emails per address and quarter of an hour: three more, then refused.
    for (let i = 0; i < 3; i++) expect((await browser.post(html, "/email-code/resend", {})).status).toBe(303);
    const refused = await browser.post(html, "/email-code/resend", {});
    expect(refused.status).toBe(429);
    expect(alertOf(await refused.text())).toMatch(/^Too many requests\./);
    expect(await emailsTo("ana@example.com")).toHaveLength(5);
    const last = codeIn(await lastEmailTo("ana@example.com"));
    expect((await enter(last)).status).toBe(303);
  });
});

/** The flow id of the interaction's pending code, read from its stored record. */
async function pendingFlowId(html: string): Promise<string> {
  const interactionId = /\/t\/acme\/interaction\/([A-Za-z0-9_-]{22})\//.exec(html)![1]!;
  const stub = env.EPHEMERAL.get(env.EPHEMERAL.idFromName(`${await tenantId("acme")}:interaction:${interactionId}`));
  return runInDurableObject(stub, async (_instance, state) => {
    const stored = await state.storage.get<{ value: { pending: { emailCode: { flowId: string } } } }>("value");
    return stored!.value.pending.emailCode.flowId;
  });
}

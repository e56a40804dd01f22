// Step-up through openid-client v6 over loopback HTTP against the production bundle: an
// app asks for two factors with acr_values, the user adds an emailed code to their
// password, and the library's own ID token checks accept what comes back; the stronger
// session then serves another request by single sign-on, and max_age still asks again.
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Browser,
  callbackUrl,
  discover,
  formsOf,
  freshChecks,
  Management,
  REDIRECT,
  startWorker,
  type CreatedUser,
  type Outcome,
  type Worker,
} from "./support.js";

const SLUG = "interop-step-up";
const MFA = "urn:latchkey:loa:mfa";
let worker: Worker;
let admin: Management;
let issuer: string;
let ana: CreatedUser;

beforeAll(async () => {
  worker = await startWorker();
  admin = await Management.connect(worker.baseUrl);
  issuer = await admin.createTenant(SLUG);
  ana = await admin.createUser(SLUG, "ana@example.com", { given_name: "Ana" });
});

afterAll(async () => {
  await worker?.close();
});

/** The newest code the dev outbox holds for `to`. */
async function emailedCode(to: string): Promise<string> {
  const response = await fetch(`${worker.baseUrl}/dev/outbox.json?to=${encodeURIComponent(to)}`);
  const { emails } = (await response.json()) as { emails: { text: string }[] };
  const code = /^\s+(\d{6})$/m.exec(emails[0]?.text ?? "")?.[1];
  expect(code, "a code in the newest email").toBeDefined();
  return code!;
}

/** Answers the emailed second factor on the page the browser was left on; the outcome after it. */
async function confirmByEmail(browser: Browser, outcome: Outcome): Promise<Outcome> {
  expect(outcome.kind, "left on the second-factor page").toBe("page");
  const page = outcome.kind === "page" ? outcome.html : "";
  const send = formsOf(page).find((form) => form.action.endsWith("/mfa/email/send"));
  expect(send, "a form that sends the code").toBeDefined();
  const codePage = await (await browser.post(send!, {})).text();
  const enter = formsOf(codePage).find((form) => form.action.endsWith("/mfa/email/code"));
  expect(enter, "a form for the code").toBeDefined();
  const response = await browser.post(enter!, { code: await emailedCode(ana.email) });
  expect(response.status).toBe(303);
  return { kind: "redirect", url: new URL(response.headers.get("Location")!), steps: [...outcome.steps, "mfa"] };
}

describe("openid-client: step-up with acr_values", () => {
  it("adds a second factor when the app asks for acr mfa; SSO then serves it; max_age asks again", async () => {
    const client = await admin.createClient(SLUG, { client_name: "Bank" });
    const config = await discover(issuer, client);
    expect(config.serverMetadata().acr_values_supported).toEqual(["urn:latchkey:loa:1fa", MFA, "urn:latchkey:loa:phr"]);
    const browser = new Browser(worker.baseUrl);

    // One factor first: what the app gets without asking for more.
    const plain = await freshChecks();
    const first = await browser.authorize(
      oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", ...plain.parameters }),
      { email: ana.email, password: ana.password },
    );
    const weak = await oidc.authorizationCodeGrant(config, callbackUrl(first), plain.checks);
    expect(weak.claims()).toMatchObject({ acr: "urn:latchkey:loa:1fa", amr: ["pwd"] });

    // The app asks for two factors: the signed-in user is asked for the second only.
    const strong = await freshChecks();
    const asked = await browser.authorize(
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: "openid",
        acr_values: MFA,
        ...strong.parameters,
      }),
      {},
    );
    const stepped = await oidc.authorizationCodeGrant(
      config,
      callbackUrl(await confirmByEmail(browser, asked)),
      strong.checks,
    );
    const claims = stepped.claims()!;
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(expect.arrayContaining(["pwd", "otp", "mfa"]));
    expect(claims.sub).toBe(weak.claims()!.sub);
    expect(claims.auth_time).toBeGreaterThanOrEqual(weak.claims()!.auth_time as number);

    // The session is stronger now: another two-factor request needs no page at all.
    const again = await freshChecks();
    const silent = await browser.authorize(
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: "openid",
        acr_values: MFA,
        prompt: "none",
        ...again.parameters,
      }),
      {},
    );
    const sso = await oidc.authorizationCodeGrant(config, callbackUrl(silent), again.checks);
    expect(sso.claims()!.acr).toBe(MFA);

    // max_age=0: the password again, then (acr_values) the second factor again.
    const fresh = await freshChecks();
    const reauth = await browser.authorize(
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: "openid",
        acr_values: MFA,
        max_age: "0",
        ...fresh.parameters,
      }),
      { email: ana.email, password: ana.password },
    );
    expect(reauth.steps).toEqual(["login"]);
    const renewed = await oidc.authorizationCodeGrant(config, callbackUrl(await confirmByEmail(browser, reauth)), {
      ...fresh.checks,
      maxAge: 0,
    });
    expect(renewed.claims()).toMatchObject({ acr: MFA });
  });
});

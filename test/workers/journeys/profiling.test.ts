// Progressive profiling (docs/journeys/progressive-profiling.md): right after a sign-in,
// a tenant's rules ask for attributes the user lacks, after N sign-ins or when an app
// requests a scope; at most once per sign-in; "Skip" only when every field is optional;
// answers checked, saved (custom attributes too) and audited.
import { describe, expect, it } from "vitest";
import { call } from "../helpers";
import { Browser } from "../flows/browser";
import {
  auditEvents,
  authorizePath,
  callbackOf,
  codeRequest,
  PASSWORD,
  signInOn,
  world,
  type World,
} from "../flows/fixtures";
import { alertOf, fieldErrorOf, getUser, patchTenant, valueOf } from "./journey-helpers";

type Rule = { id: string; attributes: { name: string; required: boolean }[] } & (
  { after_sign_ins: number } | { scope: string }
);

async function tenantWith(rules: Rule[]): Promise<World> {
  const w = await world("acme", { api: false });
  await patchTenant(w.admin, "acme", { profiling_rules: rules });
  return w;
}

async function defineAttribute(w: World, body: Record<string, unknown>) {
  const response = await call("POST", "/admin/v1/tenants/acme/attributes", { token: w.admin, body });
  expect(response.status, await response.clone().text()).toBe(201);
}

/** Starts an authorization in a fresh browser and signs in; returns the page the sign-in leads to. */
async function signIn(w: World, extra: Record<string, string> = {}, browser = new Browser()) {
  const page = await browser.navigate(authorizePath("acme", codeRequest(w.app, extra)));
  expect(page.status).toBe(200);
  const after = await signInOn(browser, await page.text(), "ana@example.com", PASSWORD);
  return { browser, after };
}

/** Signs in and expects the profile page; returns it with a way to answer. */
async function profilePage(w: World, extra: Record<string, string> = {}, browser = new Browser()) {
  const { after } = await signIn(w, extra, browser);
  expect(after.status).toBe(200);
  const html = await after.text();
  expect(html).toContain("Complete your profile");
  const answer = (values: Record<string, string>) => browser.post(html, "/profile", values);
  return { browser, html, answer };
}

describe("when profiling asks", () => {
  it("after N sign-ins, and no more once the attribute is given", async () => {
    const w = await tenantWith([
      { id: "second", after_sign_ins: 2, attributes: [{ name: "family_name", required: false }] },
    ]);
    // First sign-in: not yet.
    callbackOf((await signIn(w)).after);
    // Second: asked.
    const { browser, html, answer } = await profilePage(w);
    expect(html).toMatch(/<label for="attr-family_name">[^<]*\(optional\)<\/label>/);
    const saved = await answer({ decision: "save", family_name: "Silva" });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toMatch(/^\/t\/acme\/interaction\/[A-Za-z0-9_-]{22}$/);
    callbackOf(await browser.navigate(saved.headers.get("Location")!));
    const user = await getUser(w.admin, "acme", w.user.id);
    expect(user.family_name).toBe("Silva");
    expect(user.sign_in_count).toBe(2);
    const [event] = await auditEvents(w.admin, "acme", "user.profile_updated");
    expect(event!.user_id).toBe(w.user.id);
    expect(event!.details.attributes).toEqual(["family_name"]);
    // Third: nothing lacking, nothing asked.
    callbackOf((await signIn(w)).after);
  });

  it("when an app requests a scope, only for what the user lacks", async () => {
    const w = await tenantWith([
      {
        id: "phone",
        scope: "phone",
        attributes: [
          { name: "phone_number", required: true },
          { name: "given_name", required: true },
        ],
      },
    ]);
    // Without the scope: not asked.
    callbackOf((await signIn(w, { scope: "openid email" })).after);
    // With it: asked for the phone number only (Ana has a given name).
    const { html, answer, browser } = await profilePage(w, { scope: "openid phone" });
    expect(html).toContain('id="attr-phone_number"');
    expect(html).not.toContain('id="attr-given_name"');
    const saved = await answer({ decision: "save", phone_number: "+14155550123" });
    expect(saved.status).toBe(303);
    const callback = callbackOf(await browser.navigate(saved.headers.get("Location")!));
    expect(callback.searchParams.get("code")).toBeTruthy();
    expect((await getUser(w.admin, "acme", w.user.id)).phone_number).toBe("+14155550123");
  });

  it("at most once per sign-in: skipped, the sign-in completes; the next sign-in asks again", async () => {
    const w = await tenantWith([
      { id: "always", after_sign_ins: 1, attributes: [{ name: "nickname", required: false }] },
    ]);
    const { browser, html, answer } = await profilePage(w);
    const interaction = /\/t\/acme\/interaction\/([A-Za-z0-9_-]{22})\/profile/.exec(html)![1]!;
    const skipped = await answer({ decision: "skip" });
    expect(skipped.status).toBe(303);
    callbackOf(await browser.navigate(skipped.headers.get("Location")!));
    expect(await auditEvents(w.admin, "acme", "user.profile_skipped")).toHaveLength(1);
    expect((await getUser(w.admin, "acme", w.user.id)).nickname).toBeNull();

    // The same browser, signed in already (single sign-on, no new sign-in): not asked.
    callbackOf(await browser.navigate(authorizePath("acme", codeRequest(w.app))));
    // The finished interaction's profile page leads nowhere.
    expect((await browser.fetch(`/t/acme/interaction/${interaction}/profile`)).status).toBe(400);
    // A new sign-in asks again.
    await profilePage(w, { prompt: "login" }, browser);
  });

  it("a profile page opened without a sign-in in this interaction goes back to it", async () => {
    const w = await tenantWith([
      { id: "always", after_sign_ins: 1, attributes: [{ name: "nickname", required: false }] },
    ]);
    const browser = new Browser();
    const page = await browser.navigate(authorizePath("acme", codeRequest(w.app)));
    const id = /\/t\/acme\/interaction\/([A-Za-z0-9_-]{22})\/login/.exec(await page.text())![1]!;
    const response = await browser.fetch(`/t/acme/interaction/${id}/profile`);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/t/acme/interaction/${id}`);
  });
});

describe("answers", () => {
  it("required fields: no Skip, checked, typed values kept", async () => {
    const w = await tenantWith([
      { id: "phone", after_sign_ins: 1, attributes: [{ name: "phone_number", required: true }] },
    ]);
    const { html, answer } = await profilePage(w);
    expect(html).not.toContain('value="skip"');
    expect(html).toMatch(/<input[^>]*id="attr-phone_number"[^>]*required/);

    const skip = await answer({ decision: "skip" });
    expect(skip.status).toBe(400);
    expect(alertOf(await skip.text())).toBe("Some of these fields are required: fill them in to continue.");

    const empty = await answer({ decision: "save", phone_number: "  " });
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expect(alertOf(emptyHtml)).toBe("Please correct the fields marked below.");
    expect(fieldErrorOf(emptyHtml, "attr-phone_number")).toBe("This field is required.");
    expect(emptyHtml).toMatch(/id="attr-phone_number"[^>]*aria-invalid="true"/);

    const bad = await answer({ decision: "save", phone_number: "0415 555 <b>" });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(fieldErrorOf(badHtml, "attr-phone_number")).toBe(
      "Enter the number in international format, such as +14155550123.",
    );
    expect(valueOf(badHtml, "attr-phone_number")).toBe("0415 555 &lt;b&gt;");

    const tooLong = await answer({ decision: "save", phone_number: "+1".padEnd(2000, "5") });
    expect(tooLong.status).toBe(400);

    expect((await getUser(w.admin, "acme", w.user.id)).phone_number).toBeNull();
    expect(await auditEvents(w.admin, "acme", "user.profile_updated")).toHaveLength(0);
    expect((await answer({ decision: "save", phone_number: "+14155550123" })).status).toBe(303);
  });

  it("custom attributes are checked by their definition and saved with the others", async () => {
    const w = await world("acme", { api: false });
    await defineAttribute(w, { name: "company", type: "string", labels: { en: "Company" }, min_length: 2 });
    await defineAttribute(w, { name: "employees", type: "integer", labels: { en: "Employees" } });
    await patchTenant(w.admin, "acme", {
      profiling_rules: [
        {
          id: "b2b",
          after_sign_ins: 1,
          attributes: [
            { name: "company", required: true },
            { name: "employees", required: false },
          ],
        },
      ],
    });
    const { html, answer, browser } = await profilePage(w);
    expect(html).toContain("Company");
    const bad = await answer({ decision: "save", company: "X", employees: "many" });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(fieldErrorOf(badHtml, "attr-employees")).toBe("Enter a whole number.");
    expect(fieldErrorOf(badHtml, "attr-company")).toBeTruthy();
    expect(valueOf(badHtml, "attr-company")).toBe("X");
    expect(valueOf(badHtml, "attr-employees")).toBe("many");

    const saved = await answer({ decision: "save", company: "Acme Corp", employees: "42" });
    expect(saved.status).toBe(303);
    callbackOf(await browser.navigate(saved.headers.get("Location")!));
    expect((await getUser(w.admin, "acme", w.user.id)).custom_attributes).toEqual({
      company: "Acme Corp",
      employees: 42,
    });
  });

  it("refuses a form without the interaction's CSRF token or from another site", async () => {
    const w = await tenantWith([
      { id: "always", after_sign_ins: 1, attributes: [{ name: "nickname", required: false }] },
    ]);
    const { browser, html } = await profilePage(w);
    expect((await browser.post(html, "/profile", { decision: "skip" }, { omit: ["csrf"] })).status).toBe(403);
    expect(
      (await browser.post(html, "/profile", { decision: "skip" }, { headers: { Origin: "https://evil.example" } }))
        .status,
    ).toBe(403);
    expect(await auditEvents(w.admin, "acme", "user.profile_skipped")).toHaveLength(0);
  });
});

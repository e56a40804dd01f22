// Profile: names, the tenant's built-in attributes and custom attributes, checked like
// sign-up; a refused form keeps what was typed and saves nothing.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { world, auditEvents, type World } from "../flows/fixtures";
import {
  configureTenant,
  directory,
  expectFormError,
  inputValue,
  open,
  signedInBrowser,
  userRow,
} from "./account-helpers";

let w: World;

beforeEach(async () => {
  w = await world();
  await configureTenant({
    signUpAttributes: [
      { name: "given_name", required: true },
      { name: "phone_number", required: false },
    ],
    profilingRules: [{ id: "r1", scope: "read:orders", attributes: [{ name: "birthdate", required: false }] }],
  });
  const dir = await directory();
  await dir.attributes.create({
    name: "member_number",
    type: "integer",
    labels: { en: "Member number", de: "Mitgliedsnummer" },
    required: false,
    minLength: null,
    maxLength: null,
    pattern: null,
    enumValues: null,
  });
  await dir.attributes.create({
    name: "plan",
    type: "string",
    labels: { en: "Plan" },
    required: false,
    minLength: null,
    maxLength: null,
    pattern: null,
    enumValues: ["basic", "pro"],
  });
});

describe("the profile section", () => {
  it("shows the names, the tenant's attributes and custom attributes, with their current values", async () => {
    const browser = await signedInBrowser();
    const html = await open(browser, "profile");
    expect(inputValue(html, "given_name")).toBe("Ana");
    for (const name of ["family_name", "phone_number", "birthdate", "member_number", "plan"])
      expect(html).toContain(`name="${name}"`);
    expect(html).toContain("Member number");
    expect(html).toMatch(
      /<label for="attr-given_name">First name<\/label>|<label for="attr-given_name">[^<(]+<\/label>/,
    );
  });

  it("saves valid values in one change, with a user.updated audit record by the user", async () => {
    const browser = await signedInBrowser();
    const page = await open(browser, "profile");
    const saved = await browser.post(page, "/account/profile", {
      given_name: "Ana María",
      family_name: "García",
      phone_number: "+34600111222",
      birthdate: "1990-04-01",
      member_number: "1234",
      plan: "pro",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toBe("/t/acme/account/profile?done=profile");
    const after = await browser.fetch(saved.headers.get("Location")!);
    expect(await after.text()).toContain("Your profile was saved.");

    const row = await userRow(w.user.id);
    expect(row).toMatchObject({
      given_name: "Ana María",
      family_name: "García",
      phone_number: "+34600111222",
      birthdate: "1990-04-01",
    });
    expect(JSON.parse(row.custom_attributes as string)).toEqual({ member_number: 1234, plan: "pro" });
    const events = await auditEvents(w.admin, "acme", "user.updated");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ user_id: w.user.id, details: { source: "account" } });
  });

  it("clears an optional value left empty", async () => {
    const browser = await signedInBrowser();
    let page = await open(browser, "profile");
    expect((await browser.post(page, "/account/profile", { given_name: "Ana", member_number: "7" })).status).toBe(303);
    page = await open(browser, "profile");
    expect(inputValue(page, "member_number")).toBe("7");
    expect((await browser.post(page, "/account/profile", { given_name: "Ana", member_number: "" })).status).toBe(303);
    expect(JSON.parse((await userRow(w.user.id)).custom_attributes as string)).toEqual({});
  });

  const badInputs: [string, Record<string, string>, string, RegExp][] = [
    ["a required name left empty", { given_name: "  " }, "given_name", /required|Enter/i],
    ["a phone number without country code", { phone_number: "0600 111 222" }, "phone_number", /phone|\+/i],
    ["a birth date in the future", { birthdate: "2999-01-01" }, "birthdate", /date/i],
    ["an impossible date", { birthdate: "2001-02-30" }, "birthdate", /date/i],
    ["a custom integer that is not a number", { member_number: "12a" }, "member_number", /number|whole/i],
    ["a value outside the custom attribute's choices", { plan: "platinum" }, "plan", /choose|option|list/i],
    ["a name longer than allowed", { family_name: "x".repeat(101) }, "family_name", /100|long/i],
  ];
  for (const [what, values, field, message] of badInputs) {
    it(`refuses ${what}: 400, the message, the typed values kept, nothing saved`, async () => {
      const browser = await signedInBrowser();
      const page = await open(browser, "profile");
      const before = await userRow(w.user.id);
      const typed = { given_name: "Ana", family_name: "Typed Family", member_number: "42", ...values };
      const response = await browser.post(page, "/account/profile", typed);
      const html = await response.text();
      expectFormError(response, html, 400, "Some fields need your attention");
      expect(html).toMatch(new RegExp(`id="attr-${field}-error"`));
      const fieldError = new RegExp(`id="attr-${field}-error">([^<]*)<`).exec(html)?.[1] ?? "";
      expect(fieldError).toMatch(message);
      expect(html).toMatch(
        new RegExp(`name="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="${field}"`),
      );
      if (field !== "plan")
        expect(inputValue(html, field)).toBe(typed[field as keyof typeof typed]!.trim().slice(0, 500));
      if (field !== "family_name") expect(inputValue(html, "family_name")).toBe("Typed Family");
      const after = await userRow(w.user.id);
      expect(after).toEqual(before);
    });
  }

  it("never answers 500, whatever the fields hold", async () => {
    const browser = await signedInBrowser();
    const page = await open(browser, "profile");
    for (const values of <Record<string, string>[]>[
      { given_name: "\u0000\uFFFF", member_number: "9".repeat(40) },
      { given_name: "a".repeat(5000), plan: "<script>" },
      { birthdate: "'; DROP TABLE users; --", phone_number: "+".repeat(30) },
    ]) {
      const response = await browser.post(page, "/account/profile", values);
      expect(response.status).toBeLessThan(500);
      expect(await response.text()).not.toContain("<script>");
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users").first("n")).toBe(1);
  });
});

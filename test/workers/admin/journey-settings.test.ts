// Journey settings on the tenant resource: defaults, every setting written and read back,
// every bad value refused with problem+json naming the field, nothing half-saved.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { operatorToken } from "../helpers";
import { api, expectProblem, expectStatus, newTenant } from "./fixtures";
import { pageClient, signInPage } from "./hosted-pages";

const FULL = {
  default_locale: "de",
  self_sign_up_enabled: false,
  require_verified_email: true,
  email_code_sign_in: true,
  sign_up_attributes: [
    { name: "given_name", required: true },
    { name: "birthdate", required: false },
  ],
  terms_url: "https://acme.example/terms",
  terms_version: "2026-01",
  privacy_url: "https://acme.example/privacy",
  privacy_version: "v3",
  marketing_consent_version: "m1",
  profiling_rules: [
    { id: "second-visit", attributes: [{ name: "phone_number", required: false }], after_sign_ins: 2 },
    { id: "orders", attributes: [{ name: "family_name", required: true }], scope: "read:orders" },
  ],
  audit_retention_days: 90,
};

async function defineAttribute(token: string, tenant: string, name: string) {
  const created = await api(
    "createAttribute",
    { tenant },
    { token, body: { name, type: "string", labels: { en: "Member number" } } },
  );
  expectStatus(created, 201);
}

describe("tenant journey settings", () => {
  it("has safe defaults on a new tenant", async () => {
    const token = await operatorToken();
    const tenant = await newTenant(token, "acme");
    expect(tenant).toMatchObject({
      default_locale: "en",
      self_sign_up_enabled: true,
      require_verified_email: false,
      email_code_sign_in: false,
      sign_up_attributes: [],
      terms_url: null,
      terms_version: null,
      privacy_url: null,
      privacy_version: null,
      marketing_consent_version: null,
      profiling_rules: [],
      audit_retention_days: 365,
    });
  });

  it("takes every setting at creation and reads it back", async () => {
    const token = await operatorToken();
    const created = await api("createTenant", {}, { token, body: { slug: "acme", ...FULL } });
    expectStatus(created, 201);
    expect(created.body).toMatchObject(FULL);
    const read = await api("getTenant", { tenant: "acme" }, { token });
    expect(read.body).toMatchObject(FULL);
    // A rule keeps only its own trigger.
    expect(read.body.profiling_rules[0]).not.toHaveProperty("scope");
    expect(read.body.profiling_rules[1]).not.toHaveProperty("after_sign_ins");
  });

  it("changes settings with PATCH, records the change, and the pages follow the default language", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const client = await pageClient(token, "acme");
    expect(await signInPage("acme", client)).toContain('<html lang="en"');

    const patched = await api("updateTenant", { tenant: "acme" }, { token, body: FULL });
    expectStatus(patched, 200);
    expect(patched.body).toMatchObject(FULL);
    expect(await signInPage("acme", client)).toContain('<html lang="de"');
    // The browser's language still comes first.
    expect(await signInPage("acme", client, "fr-CA,fr;q=0.9")).toContain('<html lang="fr"');

    const partial = await api("updateTenant", { tenant: "acme" }, { token, body: { terms_version: "2026-02" } });
    expectStatus(partial, 200);
    expect(partial.body).toMatchObject({ ...FULL, terms_version: "2026-02" });

    const events = await api("listAuditEvents", { tenant: "system" }, { token, query: { type: "tenant.updated" } });
    expectStatus(events, 200);
    const fields = events.body.data.map((e: { details: { fields: string[] } }) => e.details.fields);
    expect(fields).toContainEqual(Object.keys(FULL));
    expect(fields).toContainEqual(["terms_version"]);
  });

  it("accepts custom attributes once defined, in sign-up and in profiling rules", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const body = {
      sign_up_attributes: [{ name: "member_number", required: true }],
      profiling_rules: [{ id: "later", attributes: [{ name: "member_number", required: false }], after_sign_ins: 3 }],
    };
    const before = await api("updateTenant", { tenant: "acme" }, { token, body });
    expectProblem(before, "validation-failed", { pointer: "#/sign_up_attributes/0/name" });
    expectProblem(before, "validation-failed", { pointer: "#/profiling_rules/0/attributes/0/name" });
    expect(before.body.detail).toContain("member_number");

    await defineAttribute(token, "acme", "member_number");
    const after = await api("updateTenant", { tenant: "acme" }, { token, body });
    expectStatus(after, 200);
    expect(after.body).toMatchObject(body);
  });

  it("refuses custom attribute names at creation: a new tenant has none", async () => {
    const token = await operatorToken();
    const result = await api(
      "createTenant",
      {},
      { token, body: { slug: "acme", sign_up_attributes: [{ name: "member_number", required: false }] } },
    );
    expectProblem(result, "validation-failed", { pointer: "#/sign_up_attributes/0/name" });
    expectProblem(await api("getTenant", { tenant: "acme" }, { token }), "not-found");
  });

  const BAD: [string, Record<string, unknown>, string][] = [
    ["an unsupported language", { default_locale: "it" }, "#/default_locale"],
    ["a non-boolean switch", { self_sign_up_enabled: "yes" }, "#/self_sign_up_enabled"],
    [
      "an unknown attribute",
      { sign_up_attributes: [{ name: "shoe_size", required: true }] },
      "#/sign_up_attributes/0/name",
    ],
    [
      "a duplicate attribute",
      {
        sign_up_attributes: [
          { name: "given_name", required: true },
          { name: "given_name", required: false },
        ],
      },
      "#/sign_up_attributes/1/name",
    ],
    [
      "an attribute without required",
      { sign_up_attributes: [{ name: "given_name" }] },
      "#/sign_up_attributes/0/required",
    ],
    [
      "a malformed attribute name",
      { sign_up_attributes: [{ name: "Given Name", required: true }] },
      "#/sign_up_attributes/0/name",
    ],
    [
      "too many attributes",
      { sign_up_attributes: Array.from({ length: 21 }, (_, i) => ({ name: `a${i}x`, required: false })) },
      "#/sign_up_attributes",
    ],
    ["a plain http terms URL", { terms_url: "http://acme.example/terms", terms_version: "1" }, "#/terms_url"],
    ["a terms URL that is no URL", { terms_url: "terms", terms_version: "1" }, "#/terms_url"],
    ["terms without a version", { terms_url: "https://acme.example/terms" }, "#/terms_version"],
    ["a terms version without terms", { terms_version: "1" }, "#/terms_version"],
    ["a privacy URL without a version", { privacy_url: "https://acme.example/p" }, "#/privacy_version"],
    ["an empty version", { privacy_url: "https://acme.example/p", privacy_version: " " }, "#/privacy_version"],
    ["a version with markup", { marketing_consent_version: "<b>1</b>" }, "#/marketing_consent_version"],
    [
      "a rule with both triggers",
      {
        profiling_rules: [
          { id: "r", attributes: [{ name: "nickname", required: false }], after_sign_ins: 2, scope: "x" },
        ],
      },
      "#/profiling_rules/0/scope",
    ],
    [
      "a rule without a trigger",
      { profiling_rules: [{ id: "r", attributes: [{ name: "nickname", required: false }] }] },
      "#/profiling_rules/0/after_sign_ins",
    ],
    [
      "a rule after zero sign-ins",
      { profiling_rules: [{ id: "r", attributes: [{ name: "nickname", required: false }], after_sign_ins: 0 }] },
      "#/profiling_rules/0/after_sign_ins",
    ],
    [
      "a rule asking for nothing",
      { profiling_rules: [{ id: "r", attributes: [], after_sign_ins: 1 }] },
      "#/profiling_rules/0/attributes",
    ],
    [
      "a rule with an unknown attribute",
      { profiling_rules: [{ id: "r", attributes: [{ name: "shoe_size", required: false }], scope: "profile" }] },
      "#/profiling_rules/0/attributes/0/name",
    ],
    [
      "two rules with one id",
      {
        profiling_rules: [
          { id: "r", attributes: [{ name: "nickname", required: false }], scope: "a" },
          { id: "r", attributes: [{ name: "gender", required: false }], scope: "b" },
        ],
      },
      "#/profiling_rules/1/id",
    ],
    [
      "a rule with a space in its scope",
      { profiling_rules: [{ id: "r", attributes: [{ name: "nickname", required: false }], scope: "a b" }] },
      "#/profiling_rules/0/scope",
    ],
    ["a retention under 30 days", { audit_retention_days: 29 }, "#/audit_retention_days"],
    ["a retention over ten years", { audit_retention_days: 3651 }, "#/audit_retention_days"],
    ["a fractional retention", { audit_retention_days: 90.5 }, "#/audit_retention_days"],
  ];

  it("refuses every bad value with 422 naming the field, and saves nothing of the request", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme", { display_name: "Acme" });
    const before = (await api("getTenant", { tenant: "acme" }, { token })).body;
    for (const [what, body, pointer] of BAD) {
      const result = await api(
        "updateTenant",
        { tenant: "acme" },
        { token, body: { display_name: "Changed", ...body } },
      );
      expect(result.status, `${what}: ${result.text}`).toBe(422);
      expectProblem(result, "validation-failed", { pointer });
      const created = await api("createTenant", {}, { token, body: { slug: "acme-new", ...body } });
      expect(created.status, `${what} at creation: ${created.text}`).toBe(422);
      expectProblem(created, "validation-failed", { pointer });
    }
    expect((await api("getTenant", { tenant: "acme" }, { token })).body).toEqual(before);
    expectProblem(await api("getTenant", { tenant: "acme-new" }, { token }), "not-found");
  });

  it("checks the legal pairs against what is stored: clearing a URL alone leaves an orphan version", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme", { terms_url: "https://acme.example/terms", terms_version: "1" });
    expectProblem(
      await api("updateTenant", { tenant: "acme" }, { token, body: { terms_url: null } }),
      "validation-failed",
      {
        pointer: "#/terms_version",
      },
    );
    const cleared = await api(
      "updateTenant",
      { tenant: "acme" },
      { token, body: { terms_url: null, terms_version: null } },
    );
    expectStatus(cleared, 200);
    expect(cleared.body).toMatchObject({ terms_url: null, terms_version: null });
  });

  it("stores the rules in the shape the journeys read", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme", { profiling_rules: FULL.profiling_rules });
    const row = await env.DB.prepare(
      "SELECT profiling_rules, sign_up_attributes FROM tenants WHERE slug = 'acme'",
    ).first<{
      profiling_rules: string;
      sign_up_attributes: string;
    }>();
    expect(JSON.parse(row!.profiling_rules)).toEqual(FULL.profiling_rules);
    expect(JSON.parse(row!.sign_up_attributes)).toEqual([]);
  });
});

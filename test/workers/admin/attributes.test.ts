// Custom attribute definitions: create, list, read, change, delete; names never shadow
// standard claims; patterns compile and cannot hang a page; combined rules are checked on
// the definition as it will be stored; a definition in use by a journey setting stays.
import { describe, expect, it } from "vitest";
import { operatorToken } from "../helpers";
import { api, expectProblem, expectStatus, newTenant } from "./fixtures";

const MEMBER = {
  name: "member_number",
  type: "string",
  labels: { en: "Member number", de: "Mitgliedsnummer" },
  required: true,
  pattern: "[A-Z]{2}-\\d{4}",
};

async function create(token: string, body: Record<string, unknown>, tenant = "acme") {
  const created = await api("createAttribute", { tenant }, { token, body });
  expectStatus(created, 201);
  return created.body;
}

describe("custom attribute definitions", () => {
  it("defines attributes of every type, lists them by name and reads each", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const result = await api("createAttribute", { tenant: "acme" }, { token, body: MEMBER });
    expectStatus(result, 201);
    expect(result.headers.get("Location")).toBe("/admin/v1/tenants/acme/attributes/member_number");
    expect(result.body).toMatchObject({ ...MEMBER, min_length: null, max_length: null, enum_values: null });

    await create(token, { name: "loyalty_points", type: "integer", labels: { en: "Points" } });
    await create(token, { name: "newsletter_ok", type: "boolean", labels: { fr: "Lettre" } });
    await create(token, { name: "joined_on", type: "date", labels: { es: "Fecha" } });
    await create(token, {
      name: "shirt_size",
      type: "string",
      labels: { en: "Shirt size" },
      enum_values: ["S", "M", "L"],
    });
    await create(token, { name: "nick", type: "string", labels: { en: "Nick" }, min_length: 2, max_length: 20 });

    const list = await api("listAttributes", { tenant: "acme" }, { token });
    expectStatus(list, 200);
    expect(list.body.data.map((d: { name: string }) => d.name)).toEqual([
      "joined_on",
      "loyalty_points",
      "member_number",
      "newsletter_ok",
      "nick",
      "shirt_size",
    ]);
    expect(list.body.data.find((d: { name: string }) => d.name === "loyalty_points")).toMatchObject({
      type: "integer",
      required: false,
    });
    const read = await api("getAttribute", { tenant: "acme", name: "member_number" }, { token });
    expectStatus(read, 200);
    expect(read.body).toEqual(result.body);
  });

  const BAD: [string, Record<string, unknown>, string, RegExp][] = [
    ["an OIDC standard claim name", { name: "email" }, "#/name", /standard claim/],
    ["a built-in attribute name", { name: "given_name" }, "#/name", /standard claim/],
    ["a token claim name", { name: "sub" }, "#/name", /standard claim/],
    ["a roles claim name", { name: "roles" }, "#/name", /standard claim/],
    ["an uppercase name", { name: "Member" }, "#/name", /lowercase/],
    ["a one-letter name", { name: "m" }, "#/name", /2 to 40/],
    ["a name with a hyphen", { name: "member-no" }, "#/name", /lowercase/],
    ["an unknown type", { type: "email" }, "#/type", /./],
    ["no label", { labels: {} }, "#/labels", /at least one language/],
    ["a label in an unknown language", { labels: { it: "Numero" } }, "#/labels/it", /unknown field/],
    ["an empty label", { labels: { en: " " } }, "#/labels/en", /empty/],
    ["a pattern that does not compile", { pattern: "([A-Z" }, "#/pattern", /not a valid regular expression/],
    ["a nested quantifier", { pattern: "(a+)+b" }, "#/pattern", /nested quantifiers/],
    ["a repeated alternation", { pattern: "(a|aa)*" }, "#/pattern", /nested quantifiers/],
    ["a backreference", { pattern: "(a)\\1" }, "#/pattern", /backreferences/],
    ["a pattern too long", { pattern: "a".repeat(201) }, "#/pattern", /200/],
    ["an empty enum", { enum_values: [] }, "#/enum_values", /at least one/],
    ["a duplicate enum value", { enum_values: ["S", "S"] }, "#/enum_values/1", /twice/],
    ["an empty enum value", { enum_values: ["S", ""] }, "#/enum_values/1", /empty/],
    ["a max length over 500", { max_length: 501 }, "#/max_length", /500/],
    ["a negative min length", { min_length: -1 }, "#/min_length", /0/],
    ["min over max", { min_length: 10, max_length: 5 }, "#/min_length", /max_length/],
    ["lengths on an integer", { type: "integer", max_length: 5 }, "#/max_length", /string attributes only/],
    ["a pattern on a date", { type: "date", pattern: "\\d+" }, "#/pattern", /string attributes only/],
    ["an enum on a boolean", { type: "boolean", enum_values: ["y"] }, "#/enum_values", /string attributes only/],
    ["an enum with a pattern", { enum_values: ["S"], pattern: "S" }, "#/pattern", /enum_values/],
  ];

  it("refuses every bad definition with 422 naming the field and why, and stores none", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const base = { name: "member_number", type: "string", labels: { en: "Member number" } };
    for (const [what, body, pointer, why] of BAD) {
      const result = await api("createAttribute", { tenant: "acme" }, { token, body: { ...base, ...body } });
      expect(result.status, `${what}: ${result.text}`).toBe(422);
      expectProblem(result, "validation-failed", { pointer });
      const error = result.body.errors.find((e: { pointer: string }) => e.pointer === pointer);
      expect(error.detail, what).toMatch(why);
    }
    expect((await api("listAttributes", { tenant: "acme" }, { token })).body.data).toEqual([]);
  });

  it("refuses a second definition of a name with 409 naming the field", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await create(token, MEMBER);
    const again = await api(
      "createAttribute",
      { tenant: "acme" },
      { token, body: { ...MEMBER, type: "integer", pattern: undefined } },
    );
    expectProblem(again, "conflict", { pointer: "#/name" });
    expect((await api("getAttribute", { tenant: "acme", name: "member_number" }, { token })).body.type).toBe("string");
  });

  it("changes a definition with PATCH, checking it as it will be stored", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await create(token, { ...MEMBER, max_length: 7 });
    const changed = await api(
      "updateAttribute",
      { tenant: "acme", name: "member_number" },
      { token, body: { labels: { fr: "Numéro de membre" }, required: false, pattern: null } },
    );
    expectStatus(changed, 200);
    expect(changed.body).toMatchObject({
      labels: { fr: "Numéro de membre" },
      required: false,
      pattern: null,
      max_length: 7,
    });

    // The stored max_length counts: min_length may not pass it.
    const over = await api(
      "updateAttribute",
      { tenant: "acme", name: "member_number" },
      { token, body: { min_length: 8 } },
    );
    expectProblem(over, "validation-failed", { pointer: "#/min_length" });
    // Name and type cannot change.
    for (const body of [{ type: "integer" }, { name: "member_no" }]) {
      const field = Object.keys(body)[0]!;
      expectProblem(
        await api("updateAttribute", { tenant: "acme", name: "member_number" }, { token, body }),
        "validation-failed",
        {
          pointer: `#/${field}`,
        },
      );
    }
    expectProblem(
      await api("updateAttribute", { tenant: "acme", name: "member_number" }, { token, body: { pattern: "(x*)*" } }),
      "validation-failed",
      { pointer: "#/pattern" },
    );
    expect((await api("getAttribute", { tenant: "acme", name: "member_number" }, { token })).body).toEqual(
      changed.body,
    );
    expectProblem(
      await api("updateAttribute", { tenant: "acme", name: "no_such_thing" }, { token, body: { required: true } }),
      "not-found",
    );
  });

  it("refuses to delete a definition a journey setting names, saying which, then deletes it once unused", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await create(token, MEMBER);
    const params = { tenant: "acme", name: "member_number" };

    expectStatus(
      await api(
        "updateTenant",
        { tenant: "acme" },
        { token, body: { sign_up_attributes: [{ name: "member_number", required: true }] } },
      ),
      200,
    );
    const inSignUp = await api("deleteAttribute", params, { token });
    expectProblem(inSignUp, "conflict");
    expect(inSignUp.body.detail).toContain("sign_up_attributes");

    expectStatus(
      await api(
        "updateTenant",
        { tenant: "acme" },
        {
          token,
          body: {
            sign_up_attributes: [],
            profiling_rules: [
              { id: "members", attributes: [{ name: "member_number", required: false }], scope: "member" },
            ],
          },
        },
      ),
      200,
    );
    const inRule = await api("deleteAttribute", params, { token });
    expectProblem(inRule, "conflict");
    expect(inRule.body.detail).toContain("profiling_rules (rule 'members')");
    expectStatus(await api("getAttribute", params, { token }), 200);

    expectStatus(await api("updateTenant", { tenant: "acme" }, { token, body: { profiling_rules: [] } }), 200);
    expectStatus(await api("deleteAttribute", params, { token }), 204);
    expectProblem(await api("getAttribute", params, { token }), "not-found");
    expectProblem(await api("deleteAttribute", params, { token }), "not-found");
  });

  it("records every change in the tenant's audit trail", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await create(token, MEMBER);
    await api("updateAttribute", { tenant: "acme", name: "member_number" }, { token, body: { required: false } });
    await api("deleteAttribute", { tenant: "acme", name: "member_number" }, { token });
    const events = await api("listAuditEvents", { tenant: "acme" }, { token, query: { limit: 100 } });
    const ours = events.body.data.filter((e: { type: string }) => e.type.startsWith("attribute."));
    expect(ours.map((e: { type: string; details: { name: string } }) => [e.type, e.details.name])).toEqual([
      ["attribute.created", "member_number"],
      ["attribute.updated", "member_number"],
      ["attribute.deleted", "member_number"],
    ]);
  });

  it("keeps each tenant's definitions to itself", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newTenant(token, "globex");
    await create(token, MEMBER, "acme");
    expectProblem(await api("getAttribute", { tenant: "globex", name: "member_number" }, { token }), "not-found");
    expect((await api("listAttributes", { tenant: "globex" }, { token })).body.data).toEqual([]);
    // Globex may define the same name, and may not name acme's in its settings.
    expectProblem(
      await api(
        "updateTenant",
        { tenant: "globex" },
        { token, body: { sign_up_attributes: [{ name: "member_number", required: true }] } },
      ),
      "validation-failed",
      { pointer: "#/sign_up_attributes/0/name" },
    );
    await create(token, { ...MEMBER, type: "integer", pattern: undefined }, "globex");
    expect((await api("getAttribute", { tenant: "acme", name: "member_number" }, { token })).body.type).toBe("string");
  });
});

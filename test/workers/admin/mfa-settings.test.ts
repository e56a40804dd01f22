// The tenant's strong-authentication settings in the management API: defaults, written
// and read back, every bad value refused with problem+json naming the field, nothing
// half-saved; and the app's own mfa_policy.
import { describe, expect, it } from "vitest";
import { operatorToken } from "../helpers";
import { api, expectProblem, expectStatus, newTenant } from "./fixtures";

const SETTINGS = {
  mfa_policy: "adaptive",
  risk_threshold: 70,
  risk_deny_list: {
    countries: ["KP", "T1"],
    asns: [64512, 4_200_000_000],
    ip_ranges: ["203.0.113.0/24", "2001:db8::/32"],
  },
};

describe("tenant MFA settings", () => {
  it("defaults to optional MFA, threshold 50 and an empty deny list", async () => {
    const token = await operatorToken();
    const tenant = await newTenant(token, "acme");
    expect(tenant).toMatchObject({
      mfa_policy: "optional",
      risk_threshold: 50,
      risk_deny_list: { countries: [], asns: [], ip_ranges: [] },
    });
  });

  it("takes the settings at creation and with PATCH, reads them back, and audits the change", async () => {
    const token = await operatorToken();
    const created = await api("createTenant", {}, { token, body: { slug: "acme", ...SETTINGS } });
    expectStatus(created, 201);
    expect(created.body).toMatchObject(SETTINGS);

    const patched = await api(
      "updateTenant",
      { tenant: "acme" },
      { token, body: { mfa_policy: "required", risk_deny_list: { asns: [13335] } } },
    );
    expectStatus(patched, 200);
    // A list left out of the deny list is empty: the list is replaced as a whole.
    expect(patched.body).toMatchObject({
      mfa_policy: "required",
      risk_threshold: 70,
      risk_deny_list: { countries: [], asns: [13335], ip_ranges: [] },
    });
    const read = await api("getTenant", { tenant: "acme" }, { token });
    expect(read.body.risk_deny_list).toEqual({ countries: [], asns: [13335], ip_ranges: [] });

    const audit = await api("listAuditEvents", { tenant: "system" }, { token, query: { type: "tenant.updated" } });
    expect(audit.body.data.at(-1).details.fields).toEqual(["mfa_policy", "risk_deny_list"]);

    // The threshold's bounds are allowed.
    for (const risk_threshold of [0, 100])
      expectStatus(await api("updateTenant", { tenant: "acme" }, { token, body: { risk_threshold } }), 200);
  });

  it("refuses bad values naming the field, and saves nothing of a refused change", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const cases: [Record<string, unknown>, string][] = [
      [{ mfa_policy: "sometimes" }, "#/mfa_policy"],
      [{ mfa_policy: null }, "#/mfa_policy"],
      [{ risk_threshold: 101 }, "#/risk_threshold"],
      [{ risk_threshold: -1 }, "#/risk_threshold"],
      [{ risk_threshold: 12.5 }, "#/risk_threshold"],
      [{ risk_threshold: "50" }, "#/risk_threshold"],
      [{ risk_deny_list: null }, "#/risk_deny_list"],
      [{ risk_deny_list: { countries: ["de"] } }, "#/risk_deny_list/countries/0"],
      [{ risk_deny_list: { countries: ["DE", "DEU"] } }, "#/risk_deny_list/countries/1"],
      [{ risk_deny_list: { countries: ["A1"] } }, "#/risk_deny_list/countries/0"],
      [{ risk_deny_list: { countries: ["FR", "FR"] } }, "#/risk_deny_list/countries/1"],
      [{ risk_deny_list: { asns: [0] } }, "#/risk_deny_list/asns/0"],
      [{ risk_deny_list: { asns: ["AS13335"] } }, "#/risk_deny_list/asns/0"],
      [{ risk_deny_list: { asns: [1.5] } }, "#/risk_deny_list/asns/0"],
      [{ risk_deny_list: { ip_ranges: ["10.0.0.0/8", "10.0.0.1"] } }, "#/risk_deny_list/ip_ranges/1"],
      [{ risk_deny_list: { ip_ranges: ["10.0.0.1/8"] } }, "#/risk_deny_list/ip_ranges/0"],
      [{ risk_deny_list: { ip_ranges: ["10.0.0.0/33"] } }, "#/risk_deny_list/ip_ranges/0"],
      [{ risk_deny_list: { ip_ranges: ["2001:db8::/129"] } }, "#/risk_deny_list/ip_ranges/0"],
      [{ risk_deny_list: { ip_ranges: ["example.com/24"] } }, "#/risk_deny_list/ip_ranges/0"],
      [{ risk_deny_list: { cities: ["Paris"] } }, "#/risk_deny_list/cities"],
      [{ risk_deny_list: { asns: Array.from({ length: 501 }, (_, i) => i + 1) } }, "#/risk_deny_list/asns"],
    ];
    for (const [body, pointer] of cases) {
      const refused = await api(
        "updateTenant",
        { tenant: "acme" },
        { token, body: { mfa_policy: "adaptive", ...body } },
      );
      expectProblem(refused, "validation-failed", { pointer });
    }
    const hostBits = await api(
      "updateTenant",
      { tenant: "acme" },
      { token, body: { risk_deny_list: { ip_ranges: ["10.0.0.1/8"] } } },
    );
    expect(hostBits.body.errors[0].detail).toMatch(/first address of the range/);
    const country = await api(
      "updateTenant",
      { tenant: "acme" },
      { token, body: { risk_deny_list: { countries: ["de"] } } },
    );
    expect(country.body.errors[0].detail).toMatch(/ISO 3166-1 alpha-2/);

    const read = await api("getTenant", { tenant: "acme" }, { token });
    expect(read.body).toMatchObject({
      mfa_policy: "optional",
      risk_threshold: 50,
      risk_deny_list: { countries: [], asns: [], ip_ranges: [] },
    });
  });

  it("lets an app override the tenant's policy, and null follow it again", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme", { mfa_policy: "adaptive" });
    const created = await api(
      "createClient",
      { tenant: "acme" },
      { token, body: { client_name: "Bank", redirect_uris: ["https://bank.example/cb"], mfa_policy: "required" } },
    );
    expectStatus(created, 201);
    expect(created.body.mfa_policy).toBe("required");
    const cleared = await api(
      "updateClient",
      { tenant: "acme", client_id: created.body.client_id },
      { token, body: { mfa_policy: null } },
    );
    expectStatus(cleared, 200);
    expect(cleared.body.mfa_policy).toBeNull();
    expectProblem(
      await api(
        "updateClient",
        { tenant: "acme", client_id: created.body.client_id },
        { token, body: { mfa_policy: "always" } },
      ),
      "validation-failed",
      { pointer: "#/mfa_policy" },
    );
  });
});

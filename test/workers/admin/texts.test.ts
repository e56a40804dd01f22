// A tenant's own texts per language: read with or without the catalog, set and remove in
// one request, unknown keys and changed {placeholders} refused by key, nothing
// half-saved, and the hosted pages show a change at once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../../src/i18n";
import { operatorToken } from "../helpers";
import { api, expectProblem, expectStatus, newTenant } from "./fixtures";
import { pageClient, signInPage } from "./hosted-pages";

async function tenantTextRows(slug: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM tenant_texts WHERE tenant_id = (SELECT id FROM tenants WHERE slug = ?)",
  )
    .bind(slug)
    .first<{ n: number }>();
  return row!.n;
}

describe("texts", () => {
  it("has no overrides until set, and shows the catalog on request", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const plain = await api("getTexts", { tenant: "acme", locale: "de" }, { token });
    expectStatus(plain, 200);
    expect(plain.body).toEqual({ locale: "de", overrides: {} });
    const withDefaults = await api(
      "getTexts",
      { tenant: "acme", locale: "de" },
      { token, query: { include: "defaults" } },
    );
    expectStatus(withDefaults, 200);
    expect(withDefaults.body.defaults).toEqual(CATALOG.de);
    expect(withDefaults.body.defaults["signIn.title"]).toBe("Anmelden");
    expectProblem(
      await api("getTexts", { tenant: "acme", locale: "de" }, { token, query: { include: "everything" } }),
      "validation-failed",
      { parameter: "include" },
    );
  });

  it("sets and removes texts per language, and the sign-in page shows each change at once", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const client = await pageClient(token, "acme");
    expect(await signInPage("acme", client, "de")).toContain("<h1>Anmelden</h1>");

    const set = await api(
      "updateTexts",
      { tenant: "acme", locale: "de" },
      { token, body: { "signIn.title": "Willkommen zurück", "signIn.continueTo": "weiter zu {client}" } },
    );
    expectStatus(set, 200);
    expect(set.body).toEqual({
      locale: "de",
      overrides: { "signIn.title": "Willkommen zurück", "signIn.continueTo": "weiter zu {client}" },
    });
    expect(await signInPage("acme", client, "de")).toContain("<h1>Willkommen zurück</h1>");
    // Other languages keep the catalog's text.
    expect(await signInPage("acme", client, "en")).toContain("<h1>Sign in</h1>");

    const removed = await api(
      "updateTexts",
      { tenant: "acme", locale: "de" },
      { token, body: { "signIn.title": null } },
    );
    expectStatus(removed, 200);
    expect(removed.body.overrides).toEqual({ "signIn.continueTo": "weiter zu {client}" });
    expect(await signInPage("acme", client, "de")).toContain("<h1>Anmelden</h1>");
    expect((await api("getTexts", { tenant: "acme", locale: "de" }, { token })).body).toEqual(removed.body);
  });

  it("keeps texts markup-free on the page: a text is shown, never interpreted", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const client = await pageClient(token, "acme");
    await api("updateTexts", { tenant: "acme", locale: "en" }, { token, body: { "signIn.title": "<b>Hi</b>" } });
    const html = await signInPage("acme", client, "en");
    expect(html).toContain("<h1>&lt;b&gt;Hi&lt;/b&gt;</h1>");
  });

  it("refuses unknown keys and changed placeholders by key, and saves nothing of the request", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const good = { "signIn.title": "Welcome back" };
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ["an unknown key", { "signIn.nope": "x" }, "#/signIn.nope", /unknown field/],
      ["a key of no area", { title: "x" }, "#/title", /unknown field/],
      ["a missing placeholder", { "signIn.continueTo": "to continue" }, "#/signIn.continueTo", /\{client\}/],
      ["an extra placeholder", { "signIn.throttled": "Wait {seconds}s, {name}" }, "#/signIn.throttled", /\{name\}/],
      ["a renamed placeholder", { "signIn.throttled": "Wait {secs}s" }, "#/signIn.throttled", /\{seconds\}/],
      ["an empty text", { "signIn.title": "   " }, "#/signIn.title", /null/],
      ["a text too long", { "signIn.title": "x".repeat(2001) }, "#/signIn.title", /2000/],
      ["a control character", { "signIn.title": "Hi\u0007" }, "#/signIn.title", /control/],
      ["a number", { "signIn.title": 42 }, "#/signIn.title", /string/],
    ];
    for (const [what, body, pointer, why] of cases) {
      const result = await api("updateTexts", { tenant: "acme", locale: "fr" }, { token, body: { ...good, ...body } });
      expect(result.status, `${what}: ${result.text}`).toBe(422);
      expectProblem(result, "validation-failed", { pointer });
      const error = result.body.errors.find((e: { pointer: string }) => e.pointer === pointer);
      expect(error.detail, what).toMatch(why);
    }
    expect(await tenantTextRows("acme")).toBe(0);
    expect((await api("getTexts", { tenant: "acme", locale: "fr" }, { token })).body.overrides).toEqual({});
  });

  it("checks placeholders against the language's own catalog, keeping them in any order", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const key = Object.keys(CATALOG.en).find((k) =>
      (CATALOG.es as Record<string, string>)[k]!.match(/\{\w+\}.*\{\w+\}/),
    );
    expect(key, "a catalog text with two placeholders").toBeDefined();
    const names = [...(CATALOG.es as Record<string, string>)[key!]!.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const reordered = `${[...new Set(names)]
      .reverse()
      .map((n) => `{${n}}`)
      .join(" – ")}`;
    const saved = await api("updateTexts", { tenant: "acme", locale: "es" }, { token, body: { [key!]: reordered } });
    expectStatus(saved, 200);
    expect(saved.body.overrides[key!]).toBe(reordered);
  });

  it("answers 404 for a language it does not have", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    for (const locale of ["it", "EN", "de-AT", "xx"]) {
      expectProblem(await api("getTexts", { tenant: "acme", locale }, { token }), "not-found");
      expectProblem(
        await api("updateTexts", { tenant: "acme", locale }, { token, body: { "signIn.title": "x" } }),
        "not-found",
      );
    }
    expect(await tenantTextRows("acme")).toBe(0);
  });

  it("records changes with the keys set and removed", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await api(
      "updateTexts",
      { tenant: "acme", locale: "en" },
      { token, body: { "signIn.title": "Hello", "common.back": "Return" } },
    );
    await api("updateTexts", { tenant: "acme", locale: "en" }, { token, body: { "common.back": null } });
    const events = await api("listAuditEvents", { tenant: "acme" }, { token, query: { type: "texts.updated" } });
    expect(events.body.data.map((e: { details: Record<string, unknown> }) => e.details)).toEqual([
      expect.objectContaining({ locale: "en", set: ["common.back", "signIn.title"], removed: [] }),
      expect.objectContaining({ locale: "en", set: [], removed: ["common.back"] }),
    ]);
  });

  it("keeps each tenant's texts to itself", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newTenant(token, "globex");
    await api("updateTexts", { tenant: "acme", locale: "en" }, { token, body: { "signIn.title": "Acme says hi" } });
    expect((await api("getTexts", { tenant: "globex", locale: "en" }, { token })).body.overrides).toEqual({});
    const globexClient = await pageClient(token, "globex");
    expect(await signInPage("globex", globexClient, "en")).toContain("<h1>Sign in</h1>");
  });
});

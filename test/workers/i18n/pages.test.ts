// The language of a hosted page, end to end: the app's ui_locales, then the browser's
// Accept-Language, then the tenant's default; and the tenant's own wording of a text,
// set through the management API, replacing the catalog's in that language only.
import { beforeEach, describe, expect, it } from "vitest";
import { CATALOG } from "../../../src/i18n";
import { call } from "../helpers";
import { Browser } from "../flows/browser";
import { authorizePath, codeRequest, world, type World } from "../flows/fixtures";

let w: World;

beforeEach(async () => {
  w = await world("acme", { tenant: { display_name: "Acme", default_locale: "fr" }, api: false });
});

async function signInPage(extra: Record<string, string> = {}, acceptLanguage?: string) {
  const browser = new Browser();
  if (acceptLanguage) browser.extraHeaders["Accept-Language"] = acceptLanguage;
  const response = await browser.navigate(authorizePath("acme", codeRequest(w.app, extra)));
  expect(response.status).toBe(200);
  const html = await response.text();
  return { html, lang: /<html lang="(\w+)"/.exec(html)?.[1] };
}

describe("the language of a hosted page", () => {
  it("is the tenant's default without ui_locales or Accept-Language", async () => {
    const { html, lang } = await signInPage();
    expect(lang).toBe("fr");
    expect(html).toContain(CATALOG.fr["signIn.password"]);
  });

  it("follows Accept-Language (q-values, regions) over the tenant's default", async () => {
    expect((await signInPage({}, "de-CH, es;q=0.9")).lang).toBe("de");
    expect((await signInPage({}, "ja, es;q=0.4, de;q=0.3")).lang).toBe("es");
    expect((await signInPage({}, "ja, zh")).lang).toBe("fr");
  });

  it("follows the app's ui_locales over Accept-Language", async () => {
    const { html, lang } = await signInPage({ ui_locales: "it es-MX" }, "de");
    expect(lang).toBe("es");
    expect(html).toContain(CATALOG.es["signIn.submit"]);
  });
});

describe("tenant texts", () => {
  it("replace the catalog's wording in their language only", async () => {
    const response = await call("PATCH", "/admin/v1/tenants/acme/texts/de", {
      token: w.admin,
      body: { "signIn.submit": "Los geht's <jetzt>" },
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);

    const german = await signInPage({}, "de");
    expect(german.html).toContain("Los geht&#39;s &lt;jetzt&gt;");
    expect(german.html).not.toContain("Los geht's <jetzt>");
    const french = await signInPage();
    expect(french.html).toContain(CATALOG.fr["signIn.submit"]);
    expect(french.html).not.toContain("Los geht");
  });
});

// The tenant stylesheet route GET /t/{slug}/branding/{version}.css and the branding of
// the hosted pages: a versioned URL cached for a year, the current stylesheet (briefly
// cached) for an old version, 404 for anything else; pages link it and show the logo
// and the tenant's name.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { brandingStylesheetPath } from "../../../src/branding";
import { openDirectory, openTenantRegistry, type Tenant } from "../../../src/directory";
import type { BrandingSettings } from "../../../src/directory/appearance";
import { call } from "../helpers";
import { Browser } from "../flows/browser";
import { authorizePath, codeRequest, world, type World } from "../flows/fixtures";

let w: World;
let tenant: Tenant;

beforeEach(async () => {
  w = await world("acme", { tenant: { display_name: "Acme <Shop>" }, api: false });
  tenant = (await openTenantRegistry(env).findBySlug("acme"))!;
});

async function brand(changes: Partial<BrandingSettings>) {
  return openDirectory(env, tenant).appearance.updateBranding(changes);
}

async function signInPage(): Promise<string> {
  const page = await new Browser().navigate(authorizePath("acme", codeRequest(w.app)));
  expect(page.status).toBe(200);
  return page.text();
}

describe("GET /t/{slug}/branding/{version}.css", () => {
  it("serves the current version as CSS, cached for a year", async () => {
    const branding = await brand({
      primaryColor: "#1a7f37",
      backgroundColor: "#f0f4f8",
      customCss: "h1{color:#112233}",
    });
    const response = await call("GET", brandingStylesheetPath("acme", branding));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const css = await response.text();
    expect(css).toContain(":root{--accent:#1a7f37;--bg:#f0f4f8}");
    expect(css).toContain("h1{color:#112233}");
  });

  it("names the file after its content: every change, even within one second, gets a new name", async () => {
    const first = await brand({ primaryColor: "#1a7f37" });
    const second = await brand({ primaryColor: "#0b57d0" });
    expect(second.updatedAt - first.updatedAt).toBeLessThan(2); // most likely the same second
    const firstPath = brandingStylesheetPath("acme", first);
    const secondPath = brandingStylesheetPath("acme", second);
    expect(secondPath).not.toBe(firstPath);
    expect(secondPath).toMatch(/^\/t\/acme\/branding\/[0-9a-z]{1,7}\.css$/);
    // A change that leaves the stylesheet as it was (the support link) keeps the name.
    expect(brandingStylesheetPath("acme", await brand({ supportUrl: "https://help.example" }))).toBe(secondPath);

    const current = await call("GET", secondPath);
    expect(current.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(await current.text()).toContain("--accent:#0b57d0");
    // The old name (a page rendered before the change) gets the current CSS, briefly cached.
    const old = await call("GET", firstPath);
    expect(old.status).toBe(200);
    expect(old.headers.get("Cache-Control")).toBe("public, max-age=60");
    expect(await old.text()).toContain("--accent:#0b57d0");
  });

  it("answers 404 for names that are not versions, tenants without branding and unknown tenants", async () => {
    const none = await call("GET", "/t/acme/branding/abc.css");
    expect(none.status).toBe(404);
    expect(none.headers.get("Content-Type")).toMatch(/^text\/css/);

    await brand({ primaryColor: "#1a7f37" });
    for (const file of ["x.js", "..%2Fsecret.css", "abc.CSS", "abc", "a".repeat(40) + ".css"])
      expect((await call("GET", `/t/acme/branding/${file}`)).status, file).toBe(404);
    expect((await call("GET", "/t/nobody/branding/abc.css")).status).toBe(404);
  });

  it("serves only what is still safe, whatever the row holds", async () => {
    // A row written around the management API's checks (an old version, a manual fix).
    await brand({
      primaryColor: "#000000;}body{background:url(https://evil.example/t)",
      backgroundColor: "red",
      backgroundImageUri: "javascript:alert(1)",
      customCss: "@import url(https://evil.example/a.css); a{color:red}",
    });
    const branding = (await openDirectory(env, tenant).appearance.branding())!;
    const css = await (await call("GET", brandingStylesheetPath("acme", branding))).text();
    expect(css).not.toContain("evil.example");
    expect(css).not.toContain("javascript");
    expect(css).not.toContain("--accent");
    expect(css).not.toContain("--bg");
  });

  it("quotes a background image URL so it cannot end the declaration", async () => {
    const branding = await brand({ backgroundImageUri: `https://cdn.example/bg.png?a=")};body{color:red` });
    const css = await (await call("GET", brandingStylesheetPath("acme", branding))).text();
    // The quote is percent-encoded: the rest stays inside the string.
    expect(css).toContain(`body{background-image:url("https://cdn.example/bg.png?a=%22)};body{color:red");`);
  });
});

describe("branded hosted pages", () => {
  it("link the tenant stylesheet and show the logo with the tenant's name, escaped", async () => {
    const branding = await brand({ logoUri: "https://cdn.example/acme.svg", primaryColor: "#1a7f37" });
    const html = await signInPage();
    expect(html).toContain(`<link rel="stylesheet" href="${brandingStylesheetPath("acme", branding)}"/>`);
    expect(html).toMatch(/<img class="logo" src="https:\/\/cdn\.example\/acme\.svg" alt="Acme &lt;Shop&gt;"/);
    expect(html).toContain("Acme &lt;Shop&gt;</title>");
    expect(html).not.toContain("Acme <Shop>");
  });

  it("show the tenant's name instead of a logo, and no tenant stylesheet, without branding", async () => {
    const html = await signInPage();
    expect(html).not.toContain("/t/acme/branding/");
    expect(html).toContain('<p class="brand-name">Acme &lt;Shop&gt;</p>');
  });
});

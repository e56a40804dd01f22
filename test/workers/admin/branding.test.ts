// Branding through the management API: read, replace, change; colors must stay readable,
// custom CSS within the safe subset; refusals name the field and leave the branding as
// it was; hosted pages and the tenant stylesheet show a change at once.
import { describe, expect, it } from "vitest";
import { call, operatorToken } from "../helpers";
import { api, expectProblem, expectStatus, managementClient, newTenant } from "./fixtures";
import { pageClient, signInPage } from "./hosted-pages";

async function stylesheetOf(html: string): Promise<string> {
  const href = /<link rel="stylesheet" href="(\/t\/[^"]+\/branding\/[^"]+\.css)"/.exec(html)?.[1];
  expect(href, "the page links the tenant stylesheet").toBeDefined();
  const response = await call("GET", href!);
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^text\/css/);
  return response.text();
}

describe("branding", () => {
  it("is empty until set", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const read = await api("getBranding", { tenant: "acme" }, { token });
    expectStatus(read, 200);
    expect(read.body).toEqual({
      logo_uri: null,
      primary_color: null,
      background_color: null,
      background_image_uri: null,
      support_url: null,
      custom_css: null,
      updated_at: null,
    });
  });

  it("changes fields with PATCH, and the pages and stylesheet show each change at once", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme", { display_name: "Acme Shop" });
    const client = await pageClient(token, "acme");
    const plain = await signInPage("acme", client);
    expect(plain).not.toContain('class="logo"');

    const first = await api(
      "updateBranding",
      { tenant: "acme" },
      {
        token,
        body: {
          logo_uri: "https://cdn.acme.example/logo.png",
          primary_color: "#1A4D8F",
          support_url: "https://help.acme.example/",
        },
      },
    );
    expectStatus(first, 200);
    expect(first.body).toMatchObject({
      logo_uri: "https://cdn.acme.example/logo.png",
      primary_color: "#1a4d8f",
      support_url: "https://help.acme.example/",
      background_color: null,
      custom_css: null,
    });
    expect(first.body.updated_at).toMatch(/Z$/);

    const branded = await signInPage("acme", client);
    expect(branded).toContain('src="https://cdn.acme.example/logo.png"');
    expect(branded).toContain('alt="Acme Shop"');
    expect(branded).toContain('href="https://help.acme.example/"');
    expect(await stylesheetOf(branded)).toContain("--accent:#1a4d8f");

    // A second change, maybe within the same second: still shown at once.
    const second = await api(
      "updateBranding",
      { tenant: "acme" },
      { token, body: { primary_color: "#7a1f1f", logo_uri: null } },
    );
    expectStatus(second, 200);
    expect(second.body).toMatchObject({
      primary_color: "#7a1f1f",
      logo_uri: null,
      support_url: "https://help.acme.example/",
    });
    const again = await signInPage("acme", client);
    expect(again).not.toContain('class="logo"');
    const css = await stylesheetOf(again);
    expect(css).toContain("--accent:#7a1f1f");
    expect(css).not.toContain("#1a4d8f");

    expect((await api("getBranding", { tenant: "acme" }, { token })).body).toEqual(second.body);
  });

  it("replaces the whole branding with PUT: fields left out are cleared", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await api(
      "updateBranding",
      { tenant: "acme" },
      { token, body: { logo_uri: "https://cdn.acme.example/logo.png", background_color: "#f4f4f4" } },
    );
    const replaced = await api(
      "replaceBranding",
      { tenant: "acme" },
      { token, body: { primary_color: "#005a9c", background_image_uri: "https://cdn.acme.example/bg.jpg" } },
    );
    expectStatus(replaced, 200);
    expect(replaced.body).toMatchObject({
      logo_uri: null,
      primary_color: "#005a9c",
      background_color: null,
      background_image_uri: "https://cdn.acme.example/bg.jpg",
      support_url: null,
      custom_css: null,
    });
    const client = await pageClient(token, "acme");
    const css = await stylesheetOf(await signInPage("acme", client));
    expect(css).toContain('background-image:url("https://cdn.acme.example/bg.jpg")');
    expect(css).not.toContain("#f4f4f4");
  });

  it("stores custom CSS in its checked, normalized form and serves it", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const css =
      "/* brand */\n.card  {\n  border-radius: 12px ;\n  font-family: 'Inter', sans-serif;\n}\nh1 { color: #222 }";
    const saved = await api("updateBranding", { tenant: "acme" }, { token, body: { custom_css: css } });
    expectStatus(saved, 200);
    expect(saved.body.custom_css).toBe(".card{border-radius:12px;font-family:'Inter', sans-serif}\nh1{color:#222}");
    const client = await pageClient(token, "acme");
    expect(await stylesheetOf(await signInPage("acme", client))).toContain("h1{color:#222}");
  });

  const BAD: [string, Record<string, unknown>, string, RegExp][] = [
    ["a primary color too light for white text", { primary_color: "#ffff00" }, "#/primary_color", /4\.5:1/],
    ["a primary color name", { primary_color: "red" }, "#/primary_color", /#rrggbb/],
    ["a short hex color", { primary_color: "#123" }, "#/primary_color", /#rrggbb/],
    ["a background color that is no color", { background_color: "blue;}" }, "#/background_color", /#rrggbb/],
    ["a plain http logo", { logo_uri: "http://cdn.acme.example/logo.png" }, "#/logo_uri", /https/],
    ["a javascript: logo", { logo_uri: "javascript:alert(1)" }, "#/logo_uri", /https/],
    ["a data: background", { background_image_uri: "data:image/png;base64,AAAA" }, "#/background_image_uri", /https/],
    ["a support address that is no URL", { support_url: "help desk" }, "#/support_url", /https/],
    [
      "CSS that moves content",
      { custom_css: ".card { color: red }\nh1 { position: fixed }" },
      "#/custom_css",
      /line 2: property 'position'/,
    ],
    ["CSS that imports", { custom_css: "@import 'https://evil.example/x.css';" }, "#/custom_css", /at-rules/],
    [
      "CSS that loads a URL",
      { custom_css: "body { background-color: url(https://t.example/p) }" },
      "#/custom_css",
      /the value of 'background-color'/,
    ],
    ["CSS that closes the style element", { custom_css: "</style><script>alert(1)</script>" }, "#/custom_css", /'<'/],
    ["CSS with an attribute selector", { custom_css: "input[value^='a'] { color: red }" }, "#/custom_css", /selector/],
    ["CSS over 16 KiB", { custom_css: `h1{color:red}${" ".repeat(16 * 1024)}` }, "#/custom_css", /KiB/],
  ];

  it("refuses every bad value with 422 naming the field and why, and keeps the branding as it was", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const start = await api("updateBranding", { tenant: "acme" }, { token, body: { primary_color: "#1a4d8f" } });
    for (const [what, body, pointer, why] of BAD) {
      for (const operationId of ["updateBranding", "replaceBranding"]) {
        const result = await api(
          operationId,
          { tenant: "acme" },
          {
            token,
            body: { support_url: "https://help.acme.example/", ...body },
          },
        );
        expect(result.status, `${what} (${operationId}): ${result.text}`).toBe(422);
        expectProblem(result, "validation-failed", { pointer });
        const error = result.body.errors.find((e: { pointer: string }) => e.pointer === pointer);
        expect(error.detail, what).toMatch(why);
      }
    }
    expect((await api("getBranding", { tenant: "acme" }, { token })).body).toEqual(start.body);
  });

  it("records each change in the tenant's audit trail", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await api("updateBranding", { tenant: "acme" }, { token, body: { primary_color: "#1a4d8f" } });
    await api("replaceBranding", { tenant: "acme" }, { token, body: {} });
    const events = await api("listAuditEvents", { tenant: "acme" }, { token, query: { type: "branding.updated" } });
    expectStatus(events, 200);
    expect(events.body.data.map((e: { details: Record<string, unknown> }) => e.details)).toEqual([
      expect.objectContaining({ fields: ["primary_color"], replaced: false }),
      expect.objectContaining({ fields: [], replaced: true }),
    ]);
  });

  it("lets a tenant's own management client brand its tenant, with the branding scopes only", async () => {
    const operator = await operatorToken();
    await newTenant(operator, "acme");
    await newTenant(operator, "globex");
    const writer = await managementClient(operator, "acme", "branding:read branding:write");
    expectStatus(
      await api("updateBranding", { tenant: "acme" }, { token: writer.token, body: { primary_color: "#005a9c" } }),
      200,
    );
    expectProblem(
      await api("updateBranding", { tenant: "globex" }, { token: writer.token, body: { primary_color: "#005a9c" } }),
      "forbidden-tenant",
    );
    const reader = await managementClient(operator, "acme", "branding:read");
    expectStatus(await api("getBranding", { tenant: "acme" }, { token: reader.token }), 200);
    expectProblem(
      await api("updateBranding", { tenant: "acme" }, { token: reader.token, body: { primary_color: "#005a9c" } }),
      "insufficient-scope",
    );
  });
});

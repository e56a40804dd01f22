// The tenants' custom CSS: the safe subset of src/branding/css.ts. Nothing that loads a
// resource, hides or moves content, runs code or breaks out of the stylesheet passes,
// and what passes is our own re-serialization.
import { describe, expect, it } from "vitest";
import { checkCustomCss, MAX_CUSTOM_CSS_BYTES } from "../../../src/branding/css";

function refused(css: string): string {
  const result = checkCustomCss(css);
  expect(result.ok, `expected refusal of: ${css}`).toBe(false);
  return result.ok ? "" : result.problem;
}

function accepted(css: string): string {
  const result = checkCustomCss(css);
  if (!result.ok) throw new Error(`expected acceptance of ${css}: ${result.problem}`);
  return result.css;
}

describe("accepted CSS", () => {
  it("passes ordinary rules and normalizes them", () => {
    expect(accepted(".card  h1 ,  button:hover {\n  color : #112233 ;\n  font-weight:700\n}")).toBe(
      ".card h1,button:hover{color:#112233;font-weight:700}",
    );
  });

  it("passes colors functions, var(), calc() and !important", () => {
    expect(
      accepted(
        ":root{--brand-dark:rgb(10, 20, 30)} a{color:var(--brand-dark) !important; padding:calc(1rem + 2px) clamp(4px, 1vw, 12px)}",
      ),
    ).toBe(
      ":root{--brand-dark:rgb(10, 20, 30)}\na{color:var(--brand-dark) !important;padding:calc(1rem + 2px) clamp(4px, 1vw, 12px)}",
    );
  });

  it("passes font stacks with quotes, and empty input", () => {
    expect(accepted(`body{font-family:"Inter", 'Segoe UI', sans-serif}`)).toBe(
      `body{font-family:"Inter", 'Segoe UI', sans-serif}`,
    );
    expect(accepted("")).toBe("");
    expect(accepted("/* only a comment */")).toBe("");
  });

  it("drops comments", () => {
    expect(accepted("/* brand */ h1 { color: #000 } /* end */")).toBe("h1{color:#000}");
  });
});

describe("refused CSS", () => {
  it("refuses url() in any form and to any origin, even the same one", () => {
    for (const css of [
      "body{background-color:url(https://evil.example/x.png)}",
      "body{background-color:url(/t/acme/logo.png)}",
      "body{background-color:URL(data:image/png;base64,AAAA)}",
      "body{color:var(--x, url(https://evil.example))}",
      `body{font-family:"url(x)"}`,
      "body{background-color:image-set(x 1x)}",
    ])
      expect(refused(css), css).toMatch(/not allowed|characters/);
  });

  it("refuses every at-rule, @import and @font-face included", () => {
    expect(refused("@import url(https://evil.example/a.css);")).toMatch(/at-rules/);
    expect(refused("@import 'https://evil.example/a.css';")).toMatch(/at-rules/);
    expect(refused("@font-face{font-family:x}")).toMatch(/at-rules/);
    expect(refused("@media (min-width:1px){a{color:red}}")).toMatch(/at-rules/);
  });

  it("refuses script-like values: expression(), javascript:, behaviors and bindings", () => {
    expect(refused("a{width:expression(alert(1))}")).toMatch(/expression\(\)/);
    expect(refused("a{color:javascript:alert(1)}")).toMatch(/characters/);
    expect(refused("a{behavior:url(x.htc)}")).toMatch(/property 'behavior'/);
    expect(refused("a{-moz-binding:url(x.xml#y)}")).toMatch(/property '-moz-binding'/);
  });

  it("refuses anything that could end the stylesheet or hide in escapes", () => {
    expect(refused("a{color:red}</style><script>alert(1)</script>")).toMatch(/'<'/);
    expect(refused("a{color:\\75rl(x)}")).toMatch(/escapes/);
    expect(refused("a{background-color:u\\rl(x)}")).toMatch(/escapes/);
  });

  it("refuses properties that hide, move or overlay content", () => {
    for (const property of [
      "position",
      "display",
      "visibility",
      "opacity",
      "content",
      "z-index",
      "transform",
      "top",
      "clip-path",
      "background-image",
      "background",
      "cursor",
      "pointer-events",
    ])
      expect(refused(`a{${property}:fixed}`), property).toMatch(new RegExp(`property '${property}' is not allowed`));
    expect(refused("div{position:fixed;top:0;left:0;width:100%;height:100%}")).toMatch(/position/);
  });

  it("refuses attribute selectors (they read what users type) and other selector tricks", () => {
    expect(refused(`input[value^="a"]{color:red}`)).toMatch(/selector/);
    expect(refused("a[href]{color:red}")).toMatch(/selector/);
    expect(refused("{color:red}")).toMatch(/selector/);
  });

  it("refuses broken structure: nesting, stray text, unclosed braces, comments and quotes", () => {
    expect(refused("a{color:red} b{c{color:red}}")).toMatch(/text outside a rule/);
    expect(refused("color:red")).toMatch(/text outside a rule/);
    expect(refused("a{color:red")).toMatch(/text outside a rule/);
    expect(refused("a{color:red} /* open")).toMatch(/unclosed comment/);
    expect(refused(`a{font-family:"Inter}`)).toMatch(/unclosed quote/);
    expect(refused("a{color}")).toMatch(/not a declaration/);
  });

  it("refuses a ! other than a final !important", () => {
    expect(refused("a{color:red !ie}")).toMatch(/!important/);
    expect(refused("a{color:red ! important x}")).toMatch(/!important/);
  });

  it("refuses non-ASCII and control characters in values", () => {
    expect(refused("a{font-family:Ｕrl}")).toMatch(/characters/);
    expect(refused("a{color:red\u0000}")).toMatch(/characters/);
  });

  it("refuses more than the size limit, counted in bytes", () => {
    const rule = "a{color:#000000}\n";
    const big = rule.repeat(Math.ceil(MAX_CUSTOM_CSS_BYTES / rule.length) + 1);
    expect(refused(big)).toMatch(/at most 16 KiB/);
    // Multi-byte characters count by their UTF-8 size (a comment keeps it otherwise valid).
    expect(refused(`/* ${"é".repeat(MAX_CUSTOM_CSS_BYTES / 2 + 1)} */`)).toMatch(/KiB/);
  });

  it("names the line of the problem", () => {
    expect(refused("a{color:red}\n\nb{position:fixed}")).toMatch(/^line 3:/);
  });
});

// Tenants' custom CSS, limited to a safe subset: rules of plain selectors and an allowed
// list of properties (colors, fonts, spacing, borders), no at-rules, no url(), no
// escapes. What is served is our own re-serialization of what passed, never the input.
// Out: anything that loads resources (url, @import, @font-face: tracking, and with
// attribute selectors, reading what users type), hides or moves content (display,
// position, content, opacity: a tenant must not be able to hide the legal links or
// stack a fake form), or could break out of the stylesheet (<, \).

export const MAX_CUSTOM_CSS_BYTES = 16 * 1024;

const ALLOWED_PROPERTIES = new Set([
  "color",
  "background-color",
  "accent-color",
  "border",
  "border-color",
  "border-width",
  "border-style",
  "border-radius",
  "border-top",
  "border-right",
  "border-bottom",
  "border-left",
  "box-shadow",
  "outline-color",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "letter-spacing",
  "line-height",
  "text-align",
  "text-decoration",
  "text-transform",
  "margin",
  "margin-top",
  "margin-right",
  "margin-bottom",
  "margin-left",
  "padding",
  "padding-top",
  "padding-right",
  "padding-bottom",
  "padding-left",
  "gap",
  "max-width",
  "width",
  "min-height",
]);

const ALLOWED_FUNCTIONS = new Set(["rgb", "rgba", "hsl", "hsla", "calc", "var", "min", "max", "clamp"]);
const CUSTOM_PROPERTY = /^--[a-z][a-z0-9-]{0,40}$/;
const SELECTOR = /^[a-zA-Z0-9_\-.#:*>+~() ]{1,200}$/;
const VALUE = /^[#a-zA-Z0-9 .,%()\-+/"'!]{1,300}$/;

export type CssCheck = { ok: true; css: string } | { ok: false; problem: string };

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split("\n").length;
}

function valueProblem(value: string): string | null {
  if (!VALUE.test(value)) return "contains characters that are not allowed";
  for (const match of value.matchAll(/([a-zA-Z-]*)\(/g)) {
    const name = match[1]!.toLowerCase();
    if (!ALLOWED_FUNCTIONS.has(name)) return name ? `uses ${name}(), which is not allowed` : "has a bare parenthesis";
  }
  if ((value.match(/"/g) ?? []).length % 2 || (value.match(/'/g) ?? []).length % 2) return "has an unclosed quote";
  const bang = value.indexOf("!");
  if (bang >= 0 && value.slice(bang).replace(/\s+/g, "").toLowerCase() !== "!important")
    return "may use ! only in a final !important";
  return null;
}

/** Checks `source` and returns its normalized form, or the first problem with its line. */
export function checkCustomCss(source: string): CssCheck {
  if (new TextEncoder().encode(source).byteLength > MAX_CUSTOM_CSS_BYTES)
    return { ok: false, problem: `must be at most ${MAX_CUSTOM_CSS_BYTES / 1024} KiB` };
  // Comments go first (replaced by spaces, so offsets and lines stay right).
  const text = source.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " "));
  if (text.includes("/*")) return { ok: false, problem: `line ${lineOf(text, text.indexOf("/*"))}: unclosed comment` };
  for (const [needle, what] of [
    ["@", "at-rules (@import, @media, ...) are not allowed"],
    ["\\", "escapes are not allowed"],
    ["<", "'<' is not allowed"],
  ] as const) {
    const at = text.indexOf(needle);
    if (at >= 0) return { ok: false, problem: `line ${lineOf(text, at)}: ${what}` };
  }

  const rules: string[] = [];
  const rule = /([^{}]*)\{([^{}]*)\}/g;
  let consumed = 0;
  for (const match of text.matchAll(rule)) {
    // The rule's line is where its selector starts, after the blank lines before it.
    const line = lineOf(text, match.index + (match[0].length - match[0].trimStart().length));
    if (match.index !== consumed && text.slice(consumed, match.index).trim())
      return { ok: false, problem: `line ${lineOf(text, consumed)}: text outside a rule` };
    consumed = match.index + match[0].length;

    const selectors = match[1]!.split(",").map((s) => s.trim().replace(/\s+/g, " "));
    for (const selector of selectors)
      if (!SELECTOR.test(selector))
        return {
          ok: false,
          problem: `line ${line}: selector '${selector.slice(0, 60)}' may use only element, class, id and pseudo-class selectors`,
        };

    const declarations: string[] = [];
    for (const raw of match[2]!.split(";")) {
      if (!raw.trim()) continue;
      const colon = raw.indexOf(":");
      if (colon < 0) return { ok: false, problem: `line ${line}: '${raw.trim().slice(0, 60)}' is not a declaration` };
      const property = raw.slice(0, colon).trim().toLowerCase();
      const value = raw
        .slice(colon + 1)
        .trim()
        .replace(/\s+/g, " ");
      if (!ALLOWED_PROPERTIES.has(property) && !CUSTOM_PROPERTY.test(property))
        return { ok: false, problem: `line ${line}: property '${property.slice(0, 60)}' is not allowed` };
      const problem = valueProblem(value);
      if (problem) return { ok: false, problem: `line ${line}: the value of '${property}' ${problem}` };
      declarations.push(`${property}:${value}`);
    }
    rules.push(`${selectors.join(",")}{${declarations.join(";")}}`);
  }
  if (text.slice(consumed).trim())
    return { ok: false, problem: `line ${lineOf(text, consumed)}: text outside a rule (or an unclosed brace)` };
  return { ok: true, css: rules.join("\n") };
}

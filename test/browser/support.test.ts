// The helpers every browser test relies on can fail: axe injection works under the pages'
// strict CSP and rejects serious violations; screenshots come out at both widths.
import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkA11y } from "./support/a11y.js";
import { launchChromium, newCustomer } from "./support/chromium.js";
import { screenshot } from "./support/screenshots.js";

const ORIGIN = "http://pages.test";
const CSP = "default-src 'none'; style-src 'self'; script-src 'none'; form-action 'self'";
let chromium: Browser;
let context: BrowserContext;

beforeAll(async () => {
  chromium = await launchChromium();
  context = await newCustomer(chromium);
  // Pages served with the hosted pages' CSP, without a worker.
  await context.route(`${ORIGIN}/**`, (route) => {
    const body = decodeURIComponent(new URL(route.request().url()).searchParams.get("html") ?? "");
    return route.fulfill({ status: 200, contentType: "text/html", headers: { "Content-Security-Policy": CSP }, body });
  });
});

afterAll(async () => {
  await chromium?.close();
});

async function open(html: string) {
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/?html=${encodeURIComponent(html)}`);
  return page;
}

const GOOD = `<!doctype html><html lang="en"><head><title>Fine</title></head><body><main><h1>Fine</h1>
<form><label for="e">Email</label><input id="e" type="email"><button>Go</button></form></main>
<script>document.title = "the inline script ran"</script></body></html>`;

describe("browser test support", () => {
  it("runs axe under a CSP that forbids every script, and passes a sound page", async () => {
    const page = await open(GOOD);
    // The page's own CSP is in force: an inline script would not run.
    expect(await page.title()).toBe("Fine");
    const report = await checkA11y(page, "sound");
    expect(report.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
    await page.close();
  });

  it("fails on serious or critical violations, naming the rules and elements", async () => {
    const page = await open(`<!doctype html><html><head><title>Bad</title></head><body><main>
      <input id="nameless" type="text"><p style="color:#ccc;background:#fff">faint text</p></main></body></html>`);
    const failure = await checkA11y(page, "broken").then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toContain('on "broken"');
    expect(failure).toContain("label (critical)");
    expect(failure).toContain("#nameless");
    expect(failure).toContain("html-has-lang (serious)");
    await page.close();
  });

  it("screenshots at phone and desktop width, measuring sideways scrolling on the phone", async () => {
    const page = await open(GOOD);
    const { files, phoneOverflow } = await screenshot(page, "support-self-test");
    expect(phoneOverflow).toBe(0);
    expect(files.map((f) => f.split("/").at(-1))).toEqual(["support-self-test-390.png", "support-self-test-1280.png"]);
    const widths = await Promise.all(files.map(async (f) => (await readFile(f)).readUInt32BE(16)));
    expect(widths).toEqual([390, 1280]);
    expect(page.viewportSize()?.width).toBe(1280);
    await page.close();

    const wide = await open(`<!doctype html><html lang="en"><title>Wide</title><main><h1>Wide</h1>
      <pre>${"too-wide-for-a-phone-".repeat(8)}</pre></main></html>`);
    expect((await screenshot(wide, "support-self-test-wide")).phoneOverflow).toBeGreaterThan(200);
    await wide.close();
  });
});

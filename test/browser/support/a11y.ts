// axe-core on the page as it is now; fails on serious or critical violations, listing
// each rule with the elements that break it. The pages' CSP forbids every script but
// their own (an injected <script> is blocked, and Page.setBypassCSP only affects the next
// document, not the one a POST left us on), so axe's source is evaluated through the
// DevTools protocol, which the page's CSP does not govern, and the page stays as served.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { AxeResults } from "axe-core";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const BLOCKING = new Set(["serious", "critical"]);

/** Every page's full axe result (moderate and minor findings too), for people to read. */
export const A11Y_DIR = fileURLToPath(new URL("../../../test-artifacts/a11y/", import.meta.url));

export interface A11yReport {
  name: string;
  /** Every violation axe found, any impact (moderate and minor ones are only reported). */
  violations: AxeResults["violations"];
}

export async function checkA11y(page: Page, name: string): Promise<A11yReport> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const injected = await cdp.send("Runtime.evaluate", { expression: `${AXE_SOURCE};typeof axe` });
    if (injected.result.value !== "object") throw new Error(`axe-core did not load: ${JSON.stringify(injected)}`);
    const results = (await page.evaluate(() =>
      // @ts-expect-error axe is the global the injected script defines
      window.axe.run(document, { resultTypes: ["violations"] }),
    )) as AxeResults;
    mkdirSync(A11Y_DIR, { recursive: true });
    const summary = results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
    writeFileSync(`${A11Y_DIR}${name}.json`, `${JSON.stringify({ url: page.url(), violations: summary }, null, 2)}\n`);
    const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ""));
    if (blocking.length > 0) {
      const list = blocking
        .map(
          (v) =>
            `- ${v.id} (${v.impact}): ${v.help}\n` +
            v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replaceAll("\n", " ")}`).join("\n"),
        )
        .join("\n");
      throw new Error(`axe found serious or critical violations on "${name}" (${page.url()}):\n${list}`);
    }
    return { name, violations: results.violations };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

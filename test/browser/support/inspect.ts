// Every page a journey reaches is looked at the same way: screenshots at phone and
// desktop width, then axe-core.
import type { Page } from "playwright-core";
import { checkA11y } from "./a11y.js";
import { screenshot } from "./screenshots.js";

/** Screenshots (phone, desktop) and an axe check of the page as it is now; `name` names the files. */
export async function inspectPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await checkA11y(page, name);
}

// Every page a journey reaches is looked at the same way: screenshots at phone and
// desktop width (the page must fit a phone without sideways scrolling), then axe-core.
import type { Page } from "playwright-core";
import { checkA11y } from "./a11y.js";
import { screenshot } from "./screenshots.js";

/** Screenshots (phone, desktop) and an axe check of the page as it is now; `name` names the files. */
export async function inspectPage(page: Page, name: string): Promise<void> {
  const { phoneOverflow } = await screenshot(page, name);
  if (phoneOverflow > 0)
    throw new Error(`"${name}" is ${phoneOverflow}px wider than a phone (390px): it scrolls sideways`);
  await checkA11y(page, name);
}

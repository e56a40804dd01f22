// Full-page screenshots at phone and desktop width, for people to look at: written to
// test-artifacts/screenshots/<name>-<width>.png (kept out of git).
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { DESKTOP, PHONE } from "./chromium.js";

export const SCREENSHOT_DIR = fileURLToPath(new URL("../../../test-artifacts/screenshots/", import.meta.url));

export interface Screenshots {
  files: string[];
  /** How many CSS pixels the page is wider than a phone's screen (0: no sideways scrolling). */
  phoneOverflow: number;
}

/** Screenshots the page as it is now at both widths, then restores the viewport. */
export async function screenshot(page: Page, name: string): Promise<Screenshots> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  const files: string[] = [];
  let phoneOverflow = 0;
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    if (size === PHONE)
      phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const path = `${SCREENSHOT_DIR}${name}-${size.width}.png`;
    await page.screenshot({ path, fullPage: true });
    files.push(path);
  }
  if (before) await page.setViewportSize(before);
  return { files, phoneOverflow };
}

// Full-page screenshots at phone and desktop width, for people to look at: written to
// test-artifacts/screenshots/<name>-<width>.png (kept out of git).
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { DESKTOP, PHONE } from "./chromium.js";

export const SCREENSHOT_DIR = fileURLToPath(new URL("../../../test-artifacts/screenshots/", import.meta.url));

/** Screenshots the page as it is now at both widths, then restores the viewport; returns the files. */
export async function screenshot(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  const files: string[] = [];
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    const path = `${SCREENSHOT_DIR}${name}-${size.width}.png`;
    await page.screenshot({ path, fullPage: true });
    files.push(path);
  }
  if (before) await page.setViewportSize(before);
  return files;
}

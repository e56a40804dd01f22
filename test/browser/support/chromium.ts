// The Debian Chromium (/usr/bin/chromium), driven by playwright-core: one browser per
// test file, a fresh context (cookie jar) per customer, English unless a test says otherwise.
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install the Debian package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/** A new customer: empty cookie jar, desktop viewport, English. */
export async function newCustomer(browser: Browser, locale = "en-US"): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP, locale });
  // A step that does not happen fails in seconds, not at the test's timeout (20 s: CI runs
  // the three projects side by side on two cores).
  context.setDefaultTimeout(20_000);
  return context;
}

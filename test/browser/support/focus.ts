// Keyboard use: Tab through a page and check that whatever takes focus shows it (an
// outline at least 2px wide, or a box shadow), which axe-core does not check.
import type { Page } from "playwright-core";

export interface FocusStop {
  element: string;
  visible: boolean;
}

/** Presses Tab `stops` times from the page's h1; returns each focused element and whether its focus shows. */
export async function tabThrough(page: Page, stops: number): Promise<FocusStop[]> {
  // A click on the heading moves the keyboard's starting point there (and off any autofocus).
  await page.locator("h1").first().click();
  const seen: FocusStop[] = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press("Tab");
    seen.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        const outline = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2;
        const shadow = style.boxShadow !== "none";
        const name = el.getAttribute("name") ?? el.getAttribute("href") ?? el.textContent?.trim() ?? "";
        return { element: `${el.tagName.toLowerCase()} ${name}`.trim(), visible: outline || shadow };
      }),
    );
  }
  return seen;
}

// A customer at the keyboard: their own browser context (cookies) and one tab.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { newCustomer } from "./chromium.js";

export interface Customer {
  context: BrowserContext;
  page: Page;
}

export async function customer(browser: Browser, locale = "en-US"): Promise<Customer> {
  const context = await newCustomer(browser, locale);
  return { context, page: await context.newPage() };
}

/** Waits until the page's h1 reads `text` (a page after a form post arrives a moment later). */
export async function expectHeading(page: Page, text: string | RegExp): Promise<void> {
  await expect
    .poll(async () => (await page.getByRole("heading", { level: 1 }).first().textContent())?.trim(), {
      timeout: 20_000,
    })
    .toMatch(typeof text === "string" ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : text);
}

/** Signs in on the sign-in page the browser is on. */
export async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

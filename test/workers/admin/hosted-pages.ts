// A tenant's hosted sign-in page as a customer's browser sees it, to prove that what the
// management API changes shows on the pages at once (the appearance cache is dropped).
import { expect } from "vitest";
import { Browser } from "../flows/browser";
import { authorizePath, codeRequest, createClient } from "../flows/fixtures";

/** A first-party app of the tenant, whose authorization requests show the sign-in page. */
export async function pageClient(token: string, slug: string): Promise<{ client_id: string }> {
  return createClient(token, slug, { client_name: "Pages app", first_party: true });
}

/** The HTML of the sign-in page, in the language the browser asks for (none: the tenant's default). */
export async function signInPage(
  slug: string,
  client: { client_id: string },
  acceptLanguage?: string,
): Promise<string> {
  const browser = new Browser();
  if (acceptLanguage) browser.extraHeaders["Accept-Language"] = acceptLanguage;
  const page = await browser.navigate(authorizePath(slug, codeRequest(client)));
  const html = await page.text();
  expect(page.status, html.slice(0, 500)).toBe(200);
  return html;
}

// The OpenID client a customer signs in to, played inside the browser: requests to the
// app's origin are answered by a stub page and recorded, and openid-client builds the
// authorization request and redeems the code, proving the whole flow.
import * as oidc from "openid-client";
import type { BrowserContext } from "playwright-core";
import { freshChecks, REDIRECT } from "../../node/oidc/support.js";

export const APP_ORIGIN = new URL(REDIRECT).origin;

export interface Callback {
  url: string;
  method: string;
  body: string | null;
}

/** What reached the app in one browser context, in order. */
export class AppInbox {
  readonly arrived: Callback[] = [];
  private taken = 0;

  /** The next request that reached the app, waiting for it (each one is handed out once). */
  async next(timeoutMs = 10_000): Promise<Callback> {
    const deadline = Date.now() + timeoutMs;
    while (this.arrived.length <= this.taken) {
      if (Date.now() > deadline) throw new Error("the browser did not come back to the app");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.arrived[this.taken++]!;
  }
}

/**
 * Plays the app in `context`: every request to its origin is recorded, and answered by a
 * small page where Playwright can intercept it (redirects of a navigation the test started
 * with page.goto escape interception and fail to resolve, but are recorded all the same).
 */
export async function playApp(context: BrowserContext): Promise<AppInbox> {
  const inbox = new AppInbox();
  context.on("request", (request) => {
    if (new URL(request.url()).origin === APP_ORIGIN)
      inbox.arrived.push({ url: request.url(), method: request.method(), body: request.postData() });
  });
  await context.route(`${APP_ORIGIN}/**`, (route) =>
    route.fulfill({
      status: 200,
      contentType: "text/html; charset=utf-8",
      body: '<!doctype html><html lang="en"><title>The app</title><main><h1>Back in the app</h1></main></html>',
    }),
  );
  return inbox;
}

export interface PendingAuthorization {
  url: URL;
  checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string };
}

/** An authorization request with PKCE, state and nonce, as the app would send it. */
export async function authorizationRequest(
  config: oidc.Configuration,
  extra: Record<string, string> = {},
): Promise<PendingAuthorization> {
  const fresh = await freshChecks();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    ...fresh.parameters,
    ...extra,
  });
  return { url, checks: fresh.checks };
}

/** The app redeems the code the browser brought back (query or form_post) with openid-client's checks. */
export async function redeem(config: oidc.Configuration, callback: Callback, pending: PendingAuthorization) {
  const request =
    callback.method === "POST"
      ? new Request(callback.url, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: callback.body ?? "",
        })
      : new URL(callback.url);
  return oidc.authorizationCodeGrant(config, request, pending.checks);
}

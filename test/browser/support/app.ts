// The OpenID client a customer signs in to: a tiny node:http server on a loopback port,
// registered as the client's redirect and post-logout addresses, recording every request
// the browser brings to it. openid-client builds the authorization request and redeems
// the code, proving the whole flow.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as oidc from "openid-client";
import { freshChecks } from "../../node/oidc/support.js";

export interface Callback {
  url: string;
  method: string;
  body: string | null;
}

const PAGE = '<!doctype html><html lang="en"><title>The app</title><main><h1>Back in the app</h1></main></html>';

export class AppServer {
  readonly arrived: Callback[] = [];
  private taken = 0;

  constructor(
    readonly origin: string,
    private readonly server: Server,
  ) {}

  get redirectUri(): string {
    return `${this.origin}/callback`;
  }

  get postLogoutUri(): string {
    return `${this.origin}/signed-out`;
  }

  /** Requests that arrived and no test step has taken yet. */
  get waiting(): number {
    return this.arrived.length - this.taken;
  }

  /** The next request that reached the app, waiting for it (each one is handed out once). */
  async next(timeoutMs = 20_000): Promise<Callback> {
    const deadline = Date.now() + timeoutMs;
    while (this.arrived.length <= this.taken) {
      if (Date.now() > deadline) throw new Error("the browser did not come back to the app");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.arrived[this.taken++]!;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.closeAllConnections();
      this.server.close((error) => (error ? reject(error) : resolve()));
    });
  }
}

export async function startApp(): Promise<AppServer> {
  let app: AppServer | null = null;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = chunks.length ? Buffer.concat(chunks).toString("utf8") : null;
      const url = `${app!.origin}${request.url ?? "/"}`;
      // Only what the provider sends the browser to counts (not the browser's /favicon.ico).
      const path = new URL(url).pathname;
      if (path === "/callback" || path === "/signed-out")
        app!.arrived.push({ url, method: request.method ?? "GET", body });
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      response.end(PAGE);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  app = new AppServer(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
  return app;
}

export interface PendingAuthorization {
  url: URL;
  checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string };
}

/** An authorization request with PKCE, state and nonce, as the app would send it. */
export async function authorizationRequest(
  config: oidc.Configuration,
  app: AppServer,
  extra: Record<string, string> = {},
): Promise<PendingAuthorization> {
  const fresh = await freshChecks();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: app.redirectUri,
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

// Shared support for the OpenID provider interop suites (test/node/oidc/*.test.ts): a
// browser playing the user over loopback HTTP (cookie jar, redirects followed within the
// issuer's origin, the hosted forms submitted), management API fixtures (tenant, users,
// clients), a local HTTP server for a client's jwks_uri, and helpers to catch the errors
// the client libraries throw.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as oidc from "openid-client";
import { startWorker, TEST_SECRETS } from "../worker-harness.mjs";

export type Worker = { baseUrl: string; close: () => Promise<void> };

export { startWorker, TEST_SECRETS };

/** Where authorization responses are sent: never fetched, the browser stops before leaving the issuer's origin. */
export const REDIRECT = "https://app.example.com/callback";
export const OTHER_REDIRECT = "https://app.example.com/other-callback";
export const POST_LOGOUT = "https://app.example.com/signed-out";
export const PASSWORD = "correct horse battery staple";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------
// Errors

/** The error a promise rejects with; fails when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/**
 * The OAuth error code and HTTP status a library error carries, whichever way the
 * library surfaced it: a JSON error body (ResponseBodyError), an authorization error
 * response (AuthorizationResponseError), or a 401 with a WWW-Authenticate challenge whose
 * JSON body names the error (WWWAuthenticateChallengeError).
 */
export async function oauthError(error: unknown): Promise<{ kind: string; error: string; status?: number }> {
  if (error instanceof oidc.ResponseBodyError)
    return { kind: "ResponseBodyError", error: error.error, status: error.status };
  if (error instanceof oidc.AuthorizationResponseError)
    return { kind: "AuthorizationResponseError", error: error.error };
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    const body = (await error.response.json()) as { error?: string };
    return { kind: "WWWAuthenticateChallengeError", error: body.error ?? "", status: error.status };
  }
  throw new Error(`not an OAuth error: ${String(error)}`, { cause: error });
}

// ---------------------------------------------------------------------------------------
// HTML

export function unescapeHtml(value: string): string {
  return value
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

export interface HtmlForm {
  action: string;
  method: string;
  fields: Record<string, string>;
}

/** Every form of a page, with its hidden fields. */
export function formsOf(page: string): HtmlForm[] {
  return [...page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((match) => {
    const attributes = match[1]!;
    const action = unescapeHtml(/\baction="([^"]*)"/.exec(attributes)?.[1] ?? "");
    const method = (/\bmethod="([^"]*)"/.exec(attributes)?.[1] ?? "get").toLowerCase();
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b[^>]*>/g)) {
      if (!/\btype="hidden"/.test(input[0])) continue;
      const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
      if (name) fields[unescapeHtml(name)] = unescapeHtml(/\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? "");
    }
    return { action, method, fields };
  });
}

// ---------------------------------------------------------------------------------------
// Browser

interface StoredCookie {
  value: string;
  path: string;
  expires: number;
}

/**
 * A cookie jar honouring Path, Max-Age, Expires and deletion, for one origin (the
 * issuer's): cookies are told apart by name and path, as browsers do.
 */
export class CookieJar {
  private cookies = new Map<string, StoredCookie & { name: string }>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";").map((part) => part.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = "/";
      let expires = Number.POSITIVE_INFINITY;
      let maxAge: number | null = null;
      for (const attribute of attributes) {
        const at = attribute.indexOf("=");
        const key = (at < 0 ? attribute : attribute.slice(0, at)).toLowerCase();
        const raw = at < 0 ? "" : attribute.slice(at + 1);
        if (key === "path") path = raw || "/";
        if (key === "max-age") maxAge = Number(raw);
        if (key === "expires") expires = Date.parse(raw);
      }
      // Max-Age wins over Expires (RFC 6265 5.3 step 3).
      if (maxAge !== null) expires = Date.now() + maxAge * 1000;
      const key = `${name};${path}`;
      if (expires <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path, expires });
    }
  }

  private live(): (StoredCookie & { name: string })[] {
    const now = Date.now();
    return [...this.cookies.values()].filter((c) => c.expires > now);
  }

  header(url: URL): string {
    const matches = (path: string) => url.pathname === path || url.pathname.startsWith(path.replace(/\/?$/, "/"));
    return this.live()
      .filter((c) => matches(c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  /** The value of a cookie of that name (any path). */
  get(name: string): string | undefined {
    return this.live().find((c) => c.name === name)?.value;
  }

  names(): string[] {
    return [...new Set(this.live().map((c) => c.name))];
  }
}

export interface Answers {
  email?: string;
  password?: string;
  consent?: "allow" | "deny";
  account?: "current" | "other";
}

/** Where a browser ended up after an authorization request. */
export type Outcome =
  /** A 303 leaving the issuer: the authorization response (response_mode=query) or logout return. */
  | { kind: "redirect"; url: URL; steps: string[] }
  /** The auto-submitting form of response_mode=form_post. */
  | { kind: "form_post"; action: string; fields: Record<string, string>; steps: string[] }
  /** A page the user is left on (an error the client is never told about). */
  | { kind: "page"; status: number; html: string; steps: string[] };

/** What a browser does with a form_post page: POST its fields to the client's redirect_uri. */
export function formPostRequest(outcome: Outcome): Request {
  if (outcome.kind !== "form_post") throw new Error(`expected a form_post response, got ${outcome.kind}`);
  return new Request(outcome.action, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(outcome.fields).toString(),
  });
}

/** The callback URL of a redirect outcome (what a client would receive). */
export function callbackUrl(outcome: Outcome): URL {
  if (outcome.kind !== "redirect")
    throw new Error(
      `expected a redirect to the client, got ${outcome.kind}: ${outcome.kind === "page" ? outcome.html.slice(0, 1500) : JSON.stringify(outcome)}`,
    );
  return outcome.url;
}

export class Browser {
  readonly jar = new CookieJar();
  readonly origin: string;
  userAgent = "Mozilla/5.0 (latchkey-interop-test)";

  constructor(baseUrl: string) {
    this.origin = new URL(baseUrl).origin;
  }

  async fetch(target: string | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(target, this.origin);
    const headers = new Headers(init.headers);
    const cookie = this.jar.header(url);
    if (cookie) headers.set("Cookie", cookie);
    headers.set("User-Agent", this.userAgent);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.jar.store(response);
    return response;
  }

  /** Follows 3xx within the issuer's origin; returns the first response that is not one of ours redirecting. */
  async navigate(target: string | URL, init: RequestInit = {}): Promise<Response> {
    let response = await this.fetch(target, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const location = new URL(response.headers.get("Location")!, this.origin);
      if (location.origin !== this.origin) return response;
      await response.body?.cancel();
      response = await this.fetch(location);
    }
    return response;
  }

  /** Posts a form of ours as a browser would (same-origin Origin header). */
  post(form: HtmlForm, values: Record<string, string>): Promise<Response> {
    return this.navigate(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: this.origin },
      body: new URLSearchParams({ ...form.fields, ...values }).toString(),
    });
  }

  /**
   * Goes to `url` (an authorization or logout request) and plays the user until the
   * browser leaves the issuer: signs in with `answers.email`/`password` when asked,
   * chooses the account, consents (or denies). `steps` lists the pages answered.
   */
  async authorize(url: string | URL, answers: Answers = {}): Promise<Outcome> {
    const steps: string[] = [];
    let response = await this.navigate(url);
    for (let pages = 0; pages < 8; pages++) {
      if (response.status >= 300 && response.status < 400)
        return { kind: "redirect", url: new URL(response.headers.get("Location")!), steps };
      const html = await response.text();
      const forms = formsOf(html);
      const ours = (part: string) =>
        forms.find((f) => f.method === "post" && new URL(f.action, this.origin).pathname.endsWith(part));
      const login = ours("/login");
      const account = ours("/select-account");
      const consent = ours("/consent");
      if (login) {
        if (answers.email === undefined || answers.password === undefined)
          throw new Error("the provider asked the user to sign in, but the test gave no credentials");
        if (steps.includes("login")) return { kind: "page", status: response.status, html, steps };
        steps.push("login");
        response = await this.post(login, { email: answers.email, password: answers.password });
      } else if (account) {
        steps.push("select_account");
        response = await this.post(account, { choice: answers.account ?? "current" });
      } else if (consent) {
        steps.push("consent");
        response = await this.post(consent, { decision: answers.consent ?? "allow" });
      } else {
        const outbound = forms.find(
          (f) => f.method === "post" && URL.canParse(f.action) && new URL(f.action).origin !== this.origin,
        );
        if (response.status === 200 && outbound)
          return { kind: "form_post", action: outbound.action, fields: outbound.fields, steps };
        return { kind: "page", status: response.status, html, steps };
      }
    }
    throw new Error(`the interaction did not end: ${steps.join(" -> ")}`);
  }
}

// ---------------------------------------------------------------------------------------
// Management API fixtures

export interface ClientMetadata {
  client_id?: string;
  client_name?: string;
  first_party?: boolean;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: "client_secret_basic" | "client_secret_post" | "private_key_jwt" | "none";
  scope?: string;
  jwks_uri?: string | null;
  jwks?: { keys: Record<string, unknown>[] } | null;
  id_token_signed_response_alg?: "ES256" | "RS256";
  require_pushed_authorization_requests?: boolean;
}

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method: string;
  redirect_uris: string[];
}

export interface CreatedUser {
  id: string;
  email: string;
  password: string;
}

/** The management API, called with a token of the bootstrap operator. */
export class Management {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async connect(baseUrl: string): Promise<Management> {
    const response = await fetch(`${baseUrl}/t/system/token`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`${TEST_SECRETS.ADMIN_CLIENT_ID}:${TEST_SECRETS.ADMIN_CLIENT_SECRET}`)}`,
      },
      body: new URLSearchParams({ grant_type: "client_credentials" }).toString(),
    });
    if (response.status !== 200) throw new Error(`operator token: ${response.status} ${await response.text()}`);
    return new Management(baseUrl, ((await response.json()) as { access_token: string }).access_token);
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}/admin/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  private async created<T>(method: string, path: string, body: unknown): Promise<T> {
    const result = await this.call<T>(method, path, body);
    if (result.status !== 201) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** Creates a tenant; returns its issuer. */
  async createTenant(slug: string, settings: Record<string, unknown> = {}): Promise<string> {
    const tenant = await this.created<{ issuer: string }>("POST", "/tenants", {
      slug,
      display_name: `Interop ${slug}`,
      ...settings,
    });
    return tenant.issuer;
  }

  async createUser(slug: string, email: string, profile: Record<string, unknown> = {}): Promise<CreatedUser> {
    const user = await this.created<{ id: string }>("POST", `/tenants/${slug}/users`, {
      email,
      password: PASSWORD,
      email_verified: true,
      ...profile,
    });
    return { id: user.id, email, password: PASSWORD };
  }

  /** Registers a client; defaults: first-party web app with the code and refresh grants at REDIRECT. */
  async createClient(slug: string, metadata: ClientMetadata = {}): Promise<RegisteredClient> {
    return this.created<RegisteredClient>("POST", `/tenants/${slug}/clients`, {
      first_party: true,
      redirect_uris: [REDIRECT],
      post_logout_redirect_uris: [POST_LOGOUT],
      grant_types: ["authorization_code", "refresh_token"],
      ...metadata,
    });
  }

  async auditEvents(slug: string, type: string): Promise<Record<string, unknown>[]> {
    const result = await this.call<{ data: Record<string, unknown>[] }>(
      "GET",
      `/tenants/${slug}/audit-events?type=${encodeURIComponent(type)}`,
    );
    if (result.status !== 200) throw new Error(`audit events: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body.data;
  }
}

// ---------------------------------------------------------------------------------------
// openid-client

/** openid-client's Configuration for a registered client, discovered from the issuer over loopback http. */
export function discover(
  issuer: string,
  client: RegisteredClient,
  auth?: oidc.ClientAuth,
  metadata: Partial<oidc.ClientMetadata> = {},
): Promise<oidc.Configuration> {
  const authentication =
    auth ??
    (client.token_endpoint_auth_method === "none"
      ? oidc.None()
      : client.token_endpoint_auth_method === "client_secret_post"
        ? oidc.ClientSecretPost(client.client_secret)
        : oidc.ClientSecretBasic(client.client_secret));
  return oidc.discovery(
    new URL(issuer),
    client.client_id,
    { ...metadata },
    authentication,
    // Loopback http: the library insists on https unless told otherwise.
    { execute: [oidc.allowInsecureRequests] },
  );
}

/** PKCE, state and nonce for one authorization request, with the checks to hand the library. */
export async function freshChecks(): Promise<{
  parameters: Record<string, string>;
  checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string };
}> {
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const expectedState = oidc.randomState();
  const expectedNonce = oidc.randomNonce();
  return {
    parameters: {
      code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: "S256",
      state: expectedState,
      nonce: expectedNonce,
    },
    checks: { pkceCodeVerifier, expectedState, expectedNonce },
  };
}

/** OIDC Core 3.1.3.6 at_hash of an ES256/RS256-signed ID token: left half of SHA-256, base64url. */
export async function atHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken)));
  return Buffer.from(digest.slice(0, digest.length / 2)).toString("base64url");
}

// ---------------------------------------------------------------------------------------
// A client's jwks_uri

export interface JwksServer {
  url: string;
  /** How many times the provider fetched the key set. */
  hits: () => number;
  close: () => Promise<void>;
}

/** Serves `jwks` at http://127.0.0.1:<port>/jwks, as a client hosting its own keys would. */
export async function serveJwks(jwks: { keys: Record<string, unknown>[] }): Promise<JwksServer> {
  let hits = 0;
  const server: Server = createServer((request, response) => {
    if (request.method === "GET" && request.url === "/jwks") {
      hits++;
      response.writeHead(200, { "Content-Type": "application/jwk-set+json", "Cache-Control": "no-store" });
      response.end(JSON.stringify(jwks));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * One authorization code flow through openid-client: builds the request (PKCE, state,
 * nonce), lets `browser` play the user, and redeems the code with the library's checks.
 */
export async function signIn(
  config: oidc.Configuration,
  browser: Browser,
  answers: Answers,
  extra: Record<string, string> = {},
  checks: { maxAge?: number } = {},
) {
  const fresh = await freshChecks();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    ...fresh.parameters,
    ...extra,
  });
  const outcome = await browser.authorize(url, answers);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    outcome.kind === "form_post" ? formPostRequest(outcome) : callbackUrl(outcome),
    { ...fresh.checks, ...checks },
  );
  return { tokens, outcome, checks: fresh.checks };
}

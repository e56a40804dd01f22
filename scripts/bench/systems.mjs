// The systems under test, each started fresh and configured for the same job: a tenant
// (or issuer) with an API resource, a confidential client allowed client_credentials,
// authorization_code and refresh_token (client_secret_post, one redirect URI), and users
// signed in once so that codes can then be minted through single sign-on.
import { createHash } from "node:crypto";
import { build } from "esbuild";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TEST_SECRETS } from "../../test/test-secrets.mjs";
import { BUILD_DIR, buildWorker } from "../build-check.mjs";
import { Browser } from "./browser.mjs";
import { pool } from "./load.mjs";
import { freePort, startOidcProvider, startWorkerd } from "./servers.mjs";

/** @typedef {import("./types.js").System} System */
/** @typedef {import("./types.js").UserFlowSystem} UserFlowSystem */
/** @typedef {import("./types.js").LatchkeySystem} LatchkeySystem */

const ROOT = resolve(import.meta.dirname, "../..");
export const API = "https://api.bench.example";
export const SCOPE = "read:orders";
export const REDIRECT = "https://app.example.com/callback";
export const USER_PASSWORD = "bench password 0123456789";
// One PKCE pair for every code (RFC 7636 S256): each exchange still hashes the verifier.
export const VERIFIER = "bench-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
export const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");
const MINT_CONCURRENCY = 16;

/** @param {Record<string, string>} values */
const form = (values) => new URLSearchParams(values).toString();

/** @param {Response} response */
function codeFrom(response) {
  void response.body?.cancel();
  const location = response.headers.get("Location");
  const code = location ? new URL(location).searchParams.get("code") : null;
  if (!code) throw new Error(`no code in the redirect (HTTP ${response.status}, Location ${location})`);
  return code;
}

/**
 * @param {Response} response
 * @param {string} what
 * @returns {Promise<any>}
 */
async function expectOk(response, what) {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/** @param {string} path @returns {number} the newest modification time below `path` */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/**
 * Latchkey's production bundle (scripts/build-check.mjs), rebuilt when src/, wrangler.toml
 * or the lockfile is newer than it (as test/node/global-setup.mjs does).
 * @returns {boolean} whether it was rebuilt
 */
export function ensureFreshBundle() {
  const bundle = join(ROOT, BUILD_DIR, "index.js");
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const sources = Math.max(
    newest(join(ROOT, "src")),
    newest(join(ROOT, "wrangler.toml")),
    newest(join(ROOT, "package-lock.json")),
  );
  if (sources <= built) return false;
  buildWorker();
  return true;
}

/** This run's temp dirs (persistence, bundles), under one root. */
let tempRoot = "";
/** @param {string} prefix */
function tempDir(prefix) {
  tempRoot ||= mkdtempSync(join(tmpdir(), "lk-bench-"));
  return mkdtempSync(join(tempRoot, prefix));
}

/** Removes this run's temp dirs; call once its servers are closed. */
export function removeTempDirs() {
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = "";
}

/**
 * Reads wrangler.toml's compatibility date, so every workerd target runs with the same one.
 * @returns {Promise<string>}
 */
export async function latchkeyCompatibilityDate() {
  const { unstable_readConfig } = await import("wrangler");
  return unstable_readConfig({ config: join(ROOT, "wrangler.toml") }, { hideWarnings: true }).compatibility_date;
}

/**
 * Bundles a benchmark worker (OpenAuth's issuer, the ceiling) with esbuild into a temp dir.
 * @param {"openauth" | "ceiling"} name
 */
export async function bundleWorker(name) {
  const outdir = tempDir(`${name}-`);
  await build({
    entryPoints: [resolve(import.meta.dirname, "workers", `${name}.mjs`)],
    outfile: join(outdir, "index.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser", "import"],
    external: ["node:*", "cloudflare:*"],
    minify: true,
    logLevel: "error",
  });
  return join(outdir, "index.js");
}

// ---------------------------------------------------------------------------- Latchkey

/**
 * Latchkey's production bundle (.build/worker) in workerd, seeded through the management API.
 * @param {{ scriptPath: string, users: number, serverTiming?: boolean, inspectorPort?: number }} options
 * @returns {Promise<LatchkeySystem>}
 */
export async function startLatchkey({ scriptPath, users, serverTiming = false, inspectorPort }) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await startWorkerd({
    target: "latchkey",
    port,
    persistDir: tempDir("latchkey-"),
    scriptPath,
    vars: { ...TEST_SECRETS, PUBLIC_BASE_URL: origin, ...(serverTiming ? { SERVER_TIMING: "on" } : {}) },
    ...(inspectorPort ? { inspectorPort } : {}),
  });
  const slug = "bench";
  const issuer = `${origin}/t/${slug}`;

  const operator = await expectOk(
    await fetch(`${origin}/t/system/token`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`${TEST_SECRETS.ADMIN_CLIENT_ID}:${TEST_SECRETS.ADMIN_CLIENT_SECRET}`)}`,
      },
      body: form({ grant_type: "client_credentials" }),
    }),
    "operator token",
  );
  /** @param {string} path @param {object} body */
  const admin = async (path, body) =>
    expectOk(
      await fetch(`${origin}/admin/v1${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${operator.access_token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }),
      `POST /admin/v1${path}`,
    );
  await admin("/tenants", { slug, display_name: "Benchmark" });
  await admin(`/tenants/${slug}/resources`, { identifier: API, name: "Bench API", scopes: [{ value: SCOPE }] });
  const client = await admin(`/tenants/${slug}/clients`, {
    client_name: "Bench app",
    first_party: true,
    redirect_uris: [REDIRECT],
    grant_types: ["client_credentials", "authorization_code", "refresh_token"],
    token_endpoint_auth_method: "client_secret_post",
    scope: SCOPE,
  });
  const credentials = { client_id: client.client_id, client_secret: client.client_secret };

  const authorizePath = `/t/${slug}/authorize?${form({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    scope: `openid ${SCOPE}`,
    resource: API,
    state: "bench",
    code_challenge: CHALLENGE,
    code_challenge_method: "S256",
  })}`;
  // Each user signs in once on the hosted page; their session cookie then gives codes at once (SSO).
  /** @type {string[]} */
  const sessions = [];
  for (let i = 0; i < users; i++) {
    const email = `user${i}@bench.example`;
    await admin(`/tenants/${slug}/users`, { email, password: USER_PASSWORD, email_verified: true });
    const browser = new Browser(origin);
    const page = await browser.navigate(authorizePath);
    const done = await browser.submit(await page.text(), "/login", { email, password: USER_PASSWORD });
    codeFrom(done);
    const cookie = browser.cookieHeader(new URL(authorizePath, origin));
    if (!cookie.includes(`lk-session-${slug}=`)) throw new Error("Latchkey sign-in left no session cookie");
    sessions.push(cookie);
  }

  /** @param {number} i */
  const authorize = (i) =>
    fetch(origin + authorizePath, { headers: { Cookie: sessions[i % sessions.length] ?? "" }, redirect: "manual" });
  return {
    key: "latchkey",
    label: "Latchkey",
    server,
    url: origin,
    ops: {
      cc: {
        path: `/t/${slug}/token`,
        body: form({ grant_type: "client_credentials", ...credentials, scope: SCOPE, resource: API }),
      },
      discovery: { path: `/t/${slug}/.well-known/openid-configuration` },
      jwks: { path: `/t/${slug}/jwks` },
      code: { path: `/t/${slug}/token` },
      refresh: { path: `/t/${slug}/token` },
    },
    issuer,
    authorize,
    mintCodes: (n) => pool(n, MINT_CONCURRENCY, async (i) => codeFrom(await authorize(i))),
    exchangeBody: (code) =>
      form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER, ...credentials }),
    refreshBody: (token) => form({ grant_type: "refresh_token", refresh_token: token, ...credentials }),
  };
}

// ---------------------------------------------------------------------------- oidc-provider

/**
 * @param {{ users: number }} options
 * @returns {Promise<UserFlowSystem>}
 */
export async function startOidcProviderSystem({ users }) {
  const port = await freePort();
  const credentials = { client_id: "bench-app", client_secret: "bench-app-secret-0123456789abcdef0123456789" };
  const server = await startOidcProvider({
    port,
    client: { ...credentials, redirect_uri: REDIRECT },
    api: API,
    scope: SCOPE,
  });
  const origin = server.url;
  /** @type {string[]} */
  const sessions = [];
  const authorizePath = `/auth?${form({
    response_type: "code",
    client_id: credentials.client_id,
    redirect_uri: REDIRECT,
    scope: `openid ${SCOPE}`,
    resource: API,
    state: "bench",
    code_challenge: CHALLENGE,
    code_challenge_method: "S256",
  })}`;
  for (let i = 0; i < users; i++) {
    const browser = new Browser(origin);
    browser.setCookie("bench_user", `user-${i}`);
    codeFrom(await browser.navigate(authorizePath));
    sessions.push(browser.cookieHeader(new URL(authorizePath, origin)));
  }
  return {
    key: "oidc-provider",
    label: "oidc-provider",
    server,
    url: origin,
    ops: {
      cc: {
        path: "/token",
        body: form({ grant_type: "client_credentials", ...credentials, scope: SCOPE, resource: API }),
      },
      discovery: { path: "/.well-known/openid-configuration" },
      jwks: { path: "/jwks" },
      code: { path: "/token" },
      refresh: { path: "/token" },
    },
    mintCodes: (n) =>
      pool(n, MINT_CONCURRENCY, async (i) =>
        codeFrom(
          await fetch(origin + authorizePath, {
            headers: { Cookie: sessions[i % sessions.length] ?? "" },
            redirect: "manual",
          }),
        ),
      ),
    exchangeBody: (code) =>
      form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER, ...credentials }),
    refreshBody: (token) => form({ grant_type: "refresh_token", refresh_token: token, ...credentials }),
  };
}

// ---------------------------------------------------------------------------- OpenAuth

/**
 * @param {{ scriptPath: string, compatibilityDate: string, storage: "kv" | "memory", users: number }} options
 * @returns {Promise<UserFlowSystem>}
 */
export async function startOpenAuth({ scriptPath, compatibilityDate, storage, users }) {
  const port = await freePort();
  const credentials = { client_id: "bench-app", client_secret: "bench-app-secret-0123456789abcdef0123456789" };
  const server = await startWorkerd({
    target: "openauth",
    port,
    persistDir: tempDir("openauth-"),
    scriptPath,
    compatibilityDate,
    compatibilityFlags: ["nodejs_compat"],
    kv: "KV",
    vars: {
      STORAGE: storage,
      CLIENT: JSON.stringify({
        client_id: credentials.client_id,
        secret_sha256: createHash("sha256").update(credentials.client_secret).digest("hex"),
        redirect_uri: REDIRECT,
      }),
    },
  });
  const origin = server.url;
  const authorizePath = `/authorize?${form({
    provider: "bench",
    response_type: "code",
    client_id: credentials.client_id,
    redirect_uri: REDIRECT,
    state: "bench",
    code_challenge: CHALLENGE,
    code_challenge_method: "S256",
  })}`;
  return {
    key: "openauth",
    label: "OpenAuth",
    server,
    url: origin,
    ops: {
      // OpenAuth's client_credentials: client_secret_post only, and a `provider` naming whose `client` hook checks it.
      cc: {
        path: "/token",
        body: form({ grant_type: "client_credentials", provider: "bench", ...credentials, scope: SCOPE }),
      },
      discovery: { path: "/.well-known/oauth-authorization-server" },
      jwks: { path: "/.well-known/jwks.json" },
      code: { path: "/token" },
      refresh: { path: "/token" },
    },
    // Two requests per code: /authorize (state in an encrypted cookie), then the provider's /authorize.
    mintCodes: (n) =>
      pool(n, MINT_CONCURRENCY, async (i) => {
        const browser = new Browser(origin);
        browser.setCookie("bench_user", `user-${i % users}`);
        return codeFrom(await browser.navigate(authorizePath));
      }),
    exchangeBody: (code) =>
      form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER, ...credentials }),
    refreshBody: (token) => form({ grant_type: "refresh_token", refresh_token: token, ...credentials }),
  };
}

// ---------------------------------------------------------------------------- ceiling

/**
 * @param {{ scriptPath: string, compatibilityDate: string, mode: "memory" | "d1" | "d1-read" }} options
 * @returns {Promise<System>}
 */
export async function startCeiling({ scriptPath, compatibilityDate, mode }) {
  const port = await freePort();
  const credentials = { client_id: "bench-app", client_secret: "bench-app-secret-0123456789abcdef0123456789" };
  const secretHash = createHash("sha256").update(credentials.client_secret).digest("hex");
  const server = await startWorkerd({
    target: `ceiling-${mode}`,
    port,
    persistDir: tempDir("ceiling-"),
    scriptPath,
    compatibilityDate,
    vars: {
      MODE: mode,
      CLIENT: JSON.stringify({ client_id: credentials.client_id, secret_sha256: secretHash, api: API, scope: SCOPE }),
    },
    ...(mode !== "memory"
      ? {
          d1Setup: [
            "CREATE TABLE clients (client_id TEXT PRIMARY KEY, secret_sha256 TEXT NOT NULL)",
            "CREATE TABLE audit_events (id TEXT PRIMARY KEY, client_id TEXT, type TEXT NOT NULL, created_at INTEGER NOT NULL)",
            `INSERT INTO clients VALUES ('${credentials.client_id}', '${secretHash}')`,
          ],
        }
      : {}),
  });
  return {
    key: mode === "memory" ? "ceiling" : `ceiling-${mode}`,
    label: {
      memory: "Hono minimal (ceiling)",
      d1: "Hono minimal + D1 read + audit write",
      "d1-read": "Hono minimal + D1 read",
    }[mode],
    server,
    url: server.url,
    ops: { cc: { path: "/token", body: form({ grant_type: "client_credentials", ...credentials, scope: SCOPE }) } },
  };
}

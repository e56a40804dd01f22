// @openauthjs/openauth's issuer on workerd, configured as close to the benchmark's
// Latchkey tenant as it allows (bundled by run.mjs with esbuild; vars set by run.mjs):
// - storage: CloudflareStorage on a KV namespace (its documented Workers setup), with the
//   TTL clamp of openauth PR #219 (unreleased in 0.4.3: KV refuses the 59-second TTLs it
//   computes for codes, issue #302), or MemoryStorage when STORAGE=memory;
// - one client (id, SHA-256 of its secret, one redirect URI); `allow` accepts exactly that
//   pair, as a registered client's redirect URI check;
// - a provider "bench" standing in for single sign-on: its /authorize signs in, at once,
//   the user named by the `bench_user` cookie; its `client` hook is what OpenAuth's
//   client_credentials grant calls: it checks the client secret (SHA-256, constant time);
// - ES256 signing keys (OpenAuth's only choice), generated on first use and kept in storage.
import { issuer } from "@openauthjs/openauth";
import { CloudflareStorage } from "@openauthjs/openauth/storage/cloudflare";
import { MemoryStorage } from "@openauthjs/openauth/storage/memory";

/**
 * @typedef {{ client_id: string, secret_sha256: string, redirect_uri: string }} BenchClient
 * @typedef {{ CLIENT: string, STORAGE?: string, KV: any }} Env
 * @typedef {import("@openauthjs/openauth/storage/storage").StorageAdapter} StorageAdapter
 */

const encoder = new TextEncoder();
/** A subject schema accepting anything (the issuer never validates subjects; its clients do). */
const anything = /** @type {any} */ ({
  "~standard": { version: 1, vendor: "bench", validate: (/** @type {unknown} */ value) => ({ value }) },
});

/** @param {string} text */
async function sha256(text) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** @param {string} hex */
function fromHex(hex) {
  return Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

/** Constant-time comparison of equal-length digests. @param {Uint8Array} a @param {Uint8Array} b */
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= /** @type {number} */ (a[i]) ^ /** @type {number} */ (b[i]);
  return difference === 0;
}

/** @param {Request} request @param {string} name */
function cookie(request, name) {
  for (const part of (request.headers.get("Cookie") ?? "").split(/;\s*/)) {
    const eq = part.indexOf("=");
    if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
  }
  return undefined;
}

/**
 * openauth PR #219: never ask KV for a TTL under its 60-second minimum.
 * @param {StorageAdapter} adapter
 * @returns {StorageAdapter}
 */
function withKvTtlClamp(adapter) {
  return {
    ...adapter,
    set: (key, value, expiry) =>
      adapter.set(key, value, expiry && new Date(Math.max(expiry.getTime(), Date.now() + 61_000))),
  };
}

/**
 * @param {BenchClient} client
 * @returns {import("@openauthjs/openauth/provider/provider").Provider<any>}
 */
function benchProvider(client) {
  const secretHash = fromHex(client.secret_sha256);
  return {
    type: "bench",
    init(route, options) {
      route.get("/authorize", (c) =>
        options.success(c, { kind: "user", userID: cookie(c.req.raw, "bench_user") ?? "user-1" }),
      );
    },
    async client({ clientID, clientSecret }) {
      const presented = await sha256(clientSecret);
      if (clientID !== client.client_id || !sameBytes(presented, secretHash)) throw new Error("invalid client");
      return { kind: "client", clientID };
    },
  };
}

/** @param {Env} env */
function build(env) {
  const client = /** @type {BenchClient} */ (JSON.parse(env.CLIENT));
  return issuer({
    storage: env.STORAGE === "memory" ? MemoryStorage() : withKvTtlClamp(CloudflareStorage({ namespace: env.KV })),
    subjects: { user: anything, client: anything },
    providers: { bench: benchProvider(client) },
    allow: async ({ clientID, redirectURI }) => clientID === client.client_id && redirectURI === client.redirect_uri,
    ttl: { access: 3600, refresh: 30 * 24 * 3600 },
    success: async (/** @type {any} */ ctx, /** @type {any} */ value) =>
      value.kind === "client"
        ? ctx.subject("client", { clientID: value.clientID })
        : ctx.subject("user", { userID: value.userID }),
  });
}

/** @type {ReturnType<typeof build> | undefined} */
let app;
export default {
  /** @param {Request} request @param {Env} env @param {any} ctx */
  fetch(request, env, ctx) {
    app ??= build(env);
    return app.fetch(request, env, ctx);
  },
};

// oidc-provider (the certified Node.js OpenID provider) configured as the benchmark's
// Latchkey tenant is: one confidential client (client_credentials, authorization_code,
// refresh_token, client_secret_post), one API resource whose access tokens are ES256 JWTs
// (resource indicators), ES256 ID tokens, refresh tokens bound to the session and rotated
// on every use, state in memory. Sign-in is an interaction this server
// completes at once for the account named in the `bench_user` cookie (the benchmark signs
// each user in once, then authorizes through single sign-on).
//
// Run by run.mjs in a process of its own (IPC): argv[2] is JSON { port, client, api, scope };
// sends { ready: true, url, pid }.
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import Provider from "oidc-provider";

/** @typedef {import("node:http").IncomingMessage} IncomingMessage */
/** @typedef {import("node:http").ServerResponse} ServerResponse */

const spec = /** @type {import("./types.js").OidcProviderSpec} */ (JSON.parse(process.argv[2] ?? "{}"));
const issuer = `http://127.0.0.1:${spec.port}`;

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "bench-es256", alg: "ES256", use: "sig" };

/**
 * oidc-provider's adapter contract over plain Maps. Its bundled development adapter is the
 * same idea over an LRU capped at 1000 entries, which evicts live codes and refresh tokens
 * under this load (and rescans a grant's whole member list on every write).
 */
/** @type {Map<string, { payload: Record<string, any>, expiresAt: number }>} */
const entries = new Map();
/** @type {Map<string, Set<string>>} */
const grantMembers = new Map();
/** @type {Map<string, string>} */
const secondary = new Map();
const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
]);
class MapAdapter {
  /** @param {string} model */
  constructor(model) {
    this.model = model;
  }
  /** @param {string | undefined} id */
  key(id) {
    return `${this.model}:${id}`;
  }
  /** @param {string} id @param {Record<string, any>} payload @param {number | undefined} expiresIn */
  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    entries.set(key, { payload, expiresAt: typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Infinity });
    if (this.model === "Session") secondary.set(`sessionUid:${payload.uid}`, id);
    if (payload.userCode) secondary.set(`userCode:${payload.userCode}`, id);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      let members = grantMembers.get(payload.grantId);
      if (!members) grantMembers.set(payload.grantId, (members = new Set()));
      members.add(key);
    }
  }
  /** @param {string | undefined} id */
  async find(id) {
    const entry = entries.get(this.key(id));
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(this.key(id));
      return undefined;
    }
    return entry.payload;
  }
  /** @param {string} uid */
  async findByUid(uid) {
    return this.find(secondary.get(`sessionUid:${uid}`));
  }
  /** @param {string} userCode */
  async findByUserCode(userCode) {
    return this.find(secondary.get(`userCode:${userCode}`));
  }
  /** @param {string} id */
  async consume(id) {
    const entry = entries.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  /** @param {string} id */
  async destroy(id) {
    const key = this.key(id);
    const entry = entries.get(key);
    entries.delete(key);
    if (entry?.payload.grantId) grantMembers.get(entry.payload.grantId)?.delete(key);
  }
  /** @param {string} grantId */
  async revokeByGrantId(grantId) {
    for (const key of grantMembers.get(grantId) ?? []) entries.delete(key);
    grantMembers.delete(grantId);
  }
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [
    {
      client_id: spec.client.client_id,
      client_secret: spec.client.client_secret,
      grant_types: ["client_credentials", "authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: [spec.client.redirect_uri],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "ES256",
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ["bench-cookie-key-0123456789abcdef"] },
  findAccount: async (/** @type {unknown} */ _ctx, /** @type {string} */ id) => ({
    accountId: id,
    claims: async () => ({ sub: id }),
  }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => spec.api,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (/** @type {unknown} */ _ctx, /** @type {string} */ resource) => {
        if (resource !== spec.api) throw new Provider.errors.InvalidTarget();
        return {
          scope: spec.scope,
          audience: spec.api,
          accessTokenTTL: 3600,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        };
      },
    },
  },
  // As Latchkey: a refresh token for every client allowed the grant (session-bound unless
  // offline_access, oidc-provider's default expiresWithSession), rotated on every use.
  issueRefreshToken: async (/** @type {unknown} */ _ctx, /** @type {any} */ client) =>
    client.grantTypeAllowed("refresh_token"),
  rotateRefreshToken: () => true,
  ttl: { AccessToken: 3600, ClientCredentials: 3600, IdToken: 3600, AuthorizationCode: 60 },
});
provider.on("server_error", (/** @type {unknown} */ _ctx, /** @type {unknown} */ error) =>
  console.error("oidc-provider server_error", error),
);

/** @param {IncomingMessage} req @param {string} name */
function cookie(req, name) {
  for (const part of (req.headers.cookie ?? "").split(/;\s*/)) {
    const eq = part.indexOf("=");
    if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
  }
  return undefined;
}

/**
 * Completes an interaction: the user named by the cookie signs in and grants what was asked.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
async function finishInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const accountId = cookie(req, "bench_user") ?? "user-1";
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope("openid");
  grant.addResourceScope(spec.api, spec.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

/** @type {(req: IncomingMessage, res: ServerResponse) => void} */
const callback = provider.callback();
const server = createServer((req, res) => {
  if (req.url?.startsWith("/interaction/")) {
    finishInteraction(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  callback(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(spec.port, "127.0.0.1", () => process.send?.({ ready: true, url: issuer, pid: process.pid }));
process.on("disconnect", () => process.exit(0));
process.on("message", (message) => {
  if (message === "close") server.close(() => process.exit(0));
});

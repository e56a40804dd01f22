// The ceiling reference: a minimal Hono worker that does only the client_credentials
// grant: form parsing, client_secret_post checked against the SHA-256 of the client's
// secret (constant time), an RFC 9068 access token signed ES256 with a key generated once
// per isolate. No scope or resource rules.
// - MODE=memory: the client is in a var; nothing is stored. What any Worker doing this
//   operation on workerd can reach on this machine.
// - MODE=d1: Latchkey's storage pattern for this grant and nothing else: the client is
//   read from D1 (one query), and an audit row is inserted after the response
//   (waitUntil). Tells how much of a gap is local D1 rather than Worker code.
// - MODE=d1-read: the D1 read only, no audit write.
import { Hono } from "hono";

/** @typedef {{ CLIENT: string, MODE?: string, DB: any }} Env */

const encoder = new TextEncoder();

/** @param {Uint8Array} bytes */
function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
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

/** @type {Promise<{ key: CryptoKey, kid: string }> | undefined} */
let signing;
async function signingKey() {
  signing ??= crypto.subtle
    .generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"])
    .then((pair) => ({ key: pair.privateKey, kid: crypto.randomUUID() }));
  return signing;
}

/** @type {Hono<{ Bindings: Env }>} */
const app = new Hono();
/** @typedef {{ client_id: string, secret_sha256: string, api: string, scope: string }} Configured */
/** @type {Configured | undefined} */
let parsed;
app.post("/token", async (c) => {
  const configured = (parsed ??= /** @type {Configured} */ (JSON.parse(c.env.CLIENT)));
  const form = await c.req.parseBody();
  if (form.grant_type !== "client_credentials") return c.json({ error: "unsupported_grant_type" }, 400);
  const client =
    c.env.MODE === "d1" || c.env.MODE === "d1-read"
      ? await c.env.DB.prepare("SELECT client_id, secret_sha256 FROM clients WHERE client_id = ?")
          .bind(String(form.client_id))
          .first()
      : configured;
  const presented = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(String(form.client_secret))));
  if (!client || form.client_id !== client.client_id || !sameBytes(presented, fromHex(client.secret_sha256)))
    return c.json({ error: "invalid_client" }, 401);
  const jti = crypto.randomUUID();
  if (c.env.MODE === "d1")
    c.executionCtx.waitUntil(
      c.env.DB.prepare("INSERT INTO audit_events (id, client_id, type, created_at) VALUES (?, ?, ?, ?)")
        .bind(jti, client.client_id, "token.issued", Date.now())
        .run(),
    );
  const { key, kid } = await signingKey();
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(encoder.encode(JSON.stringify({ alg: "ES256", typ: "at+jwt", kid })));
  const payload = base64url(
    encoder.encode(
      JSON.stringify({
        iss: new URL(c.req.url).origin,
        sub: client.client_id,
        aud: configured.api,
        client_id: client.client_id,
        scope: configured.scope,
        iat: now,
        exp: now + 3600,
        jti,
      }),
    ),
  );
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    encoder.encode(`${header}.${payload}`),
  );
  return c.json(
    {
      access_token: `${header}.${payload}.${base64url(new Uint8Array(signature))}`,
      token_type: "Bearer",
      expires_in: 3600,
      scope: configured.scope,
    },
    200,
    { "Cache-Control": "no-store" },
  );
});

export default app;

// private_key_jwt (RFC 7523, OIDC Core 9) with openid-client v6: the client's public keys
// are served from a local HTTP server registered as its jwks_uri; the library signs its
// assertions. Hand-built assertions check what must be refused: `alg: none`, HS256 keyed
// with the public key, a replayed jti, a key the client did not register.
import { exportJWK, generateKeyPair, SignJWT, base64url, type CryptoKey, type JWK } from "jose";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Browser,
  discover,
  Management,
  oauthError,
  rejection,
  serveJwks,
  signIn,
  startWorker,
  type CreatedUser,
  type JwksServer,
  type RegisteredClient,
  type Worker,
} from "./support.js";

const SLUG = "interop-pkjwt";
let worker: Worker;
let jwksServer: JwksServer;
let admin: Management;
let issuer: string;
let ana: CreatedUser;
let client: RegisteredClient;
let privateKey: CryptoKey;
let publicJwk: JWK;
const KID = "client-key-1";

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "RS256", use: "sig" };
  [worker, jwksServer] = await Promise.all([
    startWorker(),
    serveJwks({ keys: [publicJwk as Record<string, unknown>] }),
  ]);
  admin = await Management.connect(worker.baseUrl);
  issuer = await admin.createTenant(SLUG);
  ana = await admin.createUser(SLUG, "ana@example.com");
  client = await admin.createClient(SLUG, {
    client_name: "Key-holding app",
    token_endpoint_auth_method: "private_key_jwt",
    jwks_uri: jwksServer.url,
  });
});

afterAll(async () => {
  await Promise.all([worker?.close(), jwksServer?.close()]);
});

function libraryAuth() {
  return oidc.PrivateKeyJwt({ key: privateKey, kid: KID });
}

/** A ClientAuth that sends `assertion` as it is: how hand-built assertions go through the library. */
function presenting(assertion: string): oidc.ClientAuth {
  return (_as, c, body) => {
    body.set("client_id", c.client_id);
    body.set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    body.set("client_assertion", assertion);
  };
}

function claims(extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: client.client_id,
    sub: client.client_id,
    aud: issuer,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 60,
    ...extra,
  };
}

function unsignedJwt(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode(header)}.${encode(payload)}.`;
}

async function hs256(payload: Record<string, unknown>, secret: Uint8Array<ArrayBuffer>): Promise<string> {
  const header = base64url.encode(JSON.stringify({ alg: "HS256", typ: "JWT", kid: KID }));
  const body = base64url.encode(JSON.stringify(payload));
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${header}.${body}`)),
  );
  return `${header}.${body}.${base64url.encode(signature)}`;
}

/** A token request that gets past client authentication fails on the (bogus) refresh token instead. */
async function tokenEndpointVerdict(auth: oidc.ClientAuth): Promise<string> {
  const config = await discover(issuer, client, auth);
  return (await oauthError(await rejection(oidc.refreshTokenGrant(config, "lkr.usr_x.fam.secret")))).error;
}

describe("private_key_jwt with a jwks_uri served over loopback", () => {
  it("signs in, refreshes, introspects and revokes with assertions the library signs", async () => {
    const config = await discover(issuer, client, libraryAuth());
    const { tokens, checks } = await signIn(config, new Browser(worker.baseUrl), ana);
    expect(tokens.claims()).toMatchObject({ sub: ana.id, aud: client.client_id, nonce: checks.expectedNonce });
    // The provider fetched the client's keys from its jwks_uri.
    expect(jwksServer.hits()).toBeGreaterThan(0);

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(await oidc.tokenIntrospection(config, refreshed.access_token)).toMatchObject({
      active: true,
      client_id: client.client_id,
    });
    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    expect(await oidc.tokenIntrospection(config, refreshed.refresh_token!)).toEqual({ active: false });
  });

  it("a hand-built RS256 assertion with the registered key passes (the baseline for the refusals below)", async () => {
    const assertion = await new SignJWT(claims())
      .setProtectedHeader({ alg: "RS256", kid: KID, typ: "JWT" })
      .sign(privateKey);
    // Past authentication: the refresh token itself is what fails.
    expect(await tokenEndpointVerdict(presenting(assertion))).toBe("invalid_grant");
  });

  it("the token endpoint as audience is accepted too (RFC 7523)", async () => {
    const assertion = await new SignJWT(claims({ aud: `${issuer}/token` }))
      .setProtectedHeader({ alg: "RS256", kid: KID })
      .sign(privateKey);
    expect(await tokenEndpointVerdict(presenting(assertion))).toBe("invalid_grant");
  });

  it("refuses an assertion with alg none", async () => {
    const assertion = unsignedJwt({ alg: "none", typ: "JWT" }, claims());
    expect(await tokenEndpointVerdict(presenting(assertion))).toBe("invalid_client");
  });

  it("refuses HS256 keyed with the client's public key (algorithm confusion)", async () => {
    const assertions = await Promise.all([
      // The public key as its JWK JSON, and as its raw modulus: the usual confusion attempts.
      hs256(claims(), new TextEncoder().encode(JSON.stringify(publicJwk))),
      hs256(claims(), new Uint8Array(base64url.decode(publicJwk.n!))),
    ]);
    for (const assertion of assertions)
      expect(await tokenEndpointVerdict(presenting(assertion))).toBe("invalid_client");
  });

  it("refuses a replayed assertion (jti used once)", async () => {
    const assertion = await new SignJWT(claims()).setProtectedHeader({ alg: "RS256", kid: KID }).sign(privateKey);
    expect(await tokenEndpointVerdict(presenting(assertion))).toBe("invalid_grant");
    expect(await tokenEndpointVerdict(presenting(assertion))).toBe("invalid_client");
  });

  it("refuses an assertion signed with a key the client did not register, or for another audience", async () => {
    const stranger = await generateKeyPair("RS256");
    const wrongKey = await new SignJWT(claims())
      .setProtectedHeader({ alg: "RS256", kid: KID })
      .sign(stranger.privateKey);
    expect(await tokenEndpointVerdict(presenting(wrongKey))).toBe("invalid_client");
    const wrongAudience = await new SignJWT(claims({ aud: "https://elsewhere.example" }))
      .setProtectedHeader({ alg: "RS256", kid: KID })
      .sign(privateKey);
    expect(await tokenEndpointVerdict(presenting(wrongAudience))).toBe("invalid_client");
  });

  it("refuses the client authenticating with a method it did not register", async () => {
    expect(await tokenEndpointVerdict(oidc.ClientSecretBasic("guess"))).toBe("invalid_client");
    expect(await tokenEndpointVerdict(oidc.None())).toBe("invalid_client");
  });
});

// The token endpoint with the client_credentials grant: RFC 6749 4.4 and 5.2, RFC 8707
// resource indicators, RFC 9068 access tokens.
import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { basic, call, createTenant, json, operatorToken, send, tokenRequest, usage, BASE } from "../helpers";

const API = "https://api.acme.test";
let admin: string;
let app: { client_id: string; client_secret: string };

async function register(body: Record<string, unknown>) {
  const response = await call("POST", "/admin/v1/tenants/acme/clients", { token: admin, body });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<{ client_id: string; client_secret: string }>(response);
}

beforeEach(async () => {
  admin = await operatorToken();
  await createTenant(admin, "acme");
  const resource = await call("POST", "/admin/v1/tenants/acme/resources", {
    token: admin,
    body: {
      identifier: API,
      name: "Acme API",
      scopes: [{ value: "read:orders" }, { value: "write:orders" }, { value: "admin:orders" }],
    },
  });
  expect(resource.status).toBe(201);
  app = await register({ grant_types: ["client_credentials"], scope: "read:orders write:orders" });
});

const asApp = () => ({ Authorization: basic(app.client_id, app.client_secret) });

describe("client_credentials: success", () => {
  it("issues an RFC 9068 access token with client_secret_basic", async () => {
    const response = await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp());
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Pragma")).toBe("no-cache");
    const body = await json(response);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "read:orders write:orders" });

    expect(decodeProtectedHeader(body.access_token)).toMatchObject({ typ: "at+jwt", alg: "ES256" });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      iss: `${BASE}/t/acme`,
      sub: app.client_id,
      aud: API,
      client_id: app.client_id,
      scope: "read:orders write:orders",
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const jwks = await json<JSONWebKeySet>(await call("GET", "/t/acme/jwks"));
    await expect(
      jwtVerify(body.access_token, createLocalJWKSet(jwks), { issuer: `${BASE}/t/acme`, audience: API, typ: "at+jwt" }),
    ).resolves.toBeTruthy();
  });

  it("accepts client_secret_post for a client registered for it", async () => {
    const postApp = await register({
      grant_types: ["client_credentials"],
      scope: "read:orders",
      token_endpoint_auth_method: "client_secret_post",
    });
    const response = await tokenRequest("acme", {
      grant_type: "client_credentials",
      resource: API,
      client_id: postApp.client_id,
      client_secret: postApp.client_secret,
    });
    expect(response.status).toBe(200);
    expect((await json(response)).scope).toBe("read:orders");
  });

  it("grants the requested subset of scopes, and every allowed scope when none is asked", async () => {
    const some = await json(
      await tokenRequest("acme", { grant_type: "client_credentials", resource: API, scope: "write:orders" }, asApp()),
    );
    expect(some.scope).toBe("write:orders");
    expect(decodeJwt(some.access_token).scope).toBe("write:orders");
    const all = await json(await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp()));
    expect(all.scope).toBe("read:orders write:orders");
  });

  it("uses the tenant's default resource when the request names none", async () => {
    const missing = await tokenRequest("acme", { grant_type: "client_credentials" }, asApp());
    expect(missing.status).toBe(400);
    expect(await json(missing)).toMatchObject({ error: "invalid_target" });

    expect(
      (await call("PATCH", "/admin/v1/tenants/acme", { token: admin, body: { default_resource: API } })).status,
    ).toBe(200);
    const response = await tokenRequest("acme", { grant_type: "client_credentials" }, asApp());
    expect(response.status).toBe(200);
    expect(decodeJwt((await json(response)).access_token).aud).toBe(API);
  });

  it("takes the lifetime from the client, else the resource, else the tenant", async () => {
    const ttl = async () =>
      (await json(await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp()))).expires_in;
    expect(await ttl()).toBe(3600);
    const resources = await json(await call("GET", "/admin/v1/tenants/acme/resources", { token: admin }));
    await call("PATCH", `/admin/v1/tenants/acme/resources/${resources.data[0].id}`, {
      token: admin,
      body: { access_token_ttl: 600 },
    });
    expect(await ttl()).toBe(600);
    await call("PATCH", `/admin/v1/tenants/acme/clients/${app.client_id}`, {
      token: admin,
      body: { access_token_ttl: 120 },
    });
    expect(await ttl()).toBe(120);
  });

  it("caps management tokens at 15 minutes, whatever the client's lifetime", async () => {
    const manager = await register({
      grant_types: ["client_credentials"],
      scope: "users:read",
      access_token_ttl: 86_400,
    });
    const response = await tokenRequest(
      "acme",
      { grant_type: "client_credentials", resource: "urn:latchkey:management" },
      { Authorization: basic(manager.client_id, manager.client_secret) },
    );
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.expires_in).toBe(900);
    expect(body.scope).toBe("users:read");
    const claims = decodeJwt(body.access_token);
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it("signs with RS256 for a resource that asks for it, generating and publishing the RS256 key", async () => {
    expect((await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp())).status).toBe(200);
    const before = await json<JSONWebKeySet>(await call("GET", "/t/acme/jwks"));
    expect(new Set(before.keys.map((k) => k.alg))).toEqual(new Set(["ES256"]));
    await call("POST", "/admin/v1/tenants/acme/resources", {
      token: admin,
      body: {
        identifier: "https://legacy.acme.test",
        name: "Legacy",
        scopes: [{ value: "read:orders" }],
        signing_alg: "RS256",
      },
    });
    const response = await tokenRequest(
      "acme",
      { grant_type: "client_credentials", resource: "https://legacy.acme.test" },
      asApp(),
    );
    expect(response.status).toBe(200);
    const token = (await json(response)).access_token;
    expect(decodeProtectedHeader(token).alg).toBe("RS256");
    expect(decodeJwt(token).scope).toBe("read:orders");
    const jwks = await json<JSONWebKeySet>(await call("GET", "/t/acme/jwks"));
    expect(new Set(jwks.keys.map((k) => k.alg))).toEqual(new Set(["ES256", "RS256"]));
    await expect(jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ["RS256"] })).resolves.toBeTruthy();
  });

  it("records the issue in the audit trail, without the token", async () => {
    const response = await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp());
    const { access_token } = await json(response);
    const events = await json(
      await call("GET", "/admin/v1/tenants/acme/audit-events?type=token.issued", { token: admin }),
    );
    expect(events.data).toHaveLength(1);
    expect(events.data[0]).toMatchObject({
      type: "token.issued",
      client_id: app.client_id,
      details: { grant_type: "client_credentials", audience: API, jti: decodeJwt(access_token).jti },
    });
    expect(JSON.stringify(events.data[0])).not.toContain(access_token);
    expect(JSON.stringify(events.data[0])).not.toContain(app.client_secret);
  });
});

describe("client_credentials: errors (RFC 6749 5.2)", () => {
  async function expectError(response: Response, status: number, error: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await json(response);
    expect(body.error).toBe(error);
    expect(typeof body.error_description).toBe("string");
    return body;
  }

  it("invalid_client (401 with a Basic challenge) for a wrong secret, an unknown client or no authentication", async () => {
    const attempts: Record<string, string>[] = [
      { Authorization: basic(app.client_id, "wrong") },
      { Authorization: basic("nobody", app.client_secret) },
      {},
    ];
    for (const headers of attempts) {
      const response = await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, headers);
      expect(response.headers.get("WWW-Authenticate")).toMatch(/^Basic realm=/);
      await expectError(response, 401, "invalid_client");
    }
  });

  it("gives the same answer for an unknown client and a wrong secret", async () => {
    const wrong = await json(
      await tokenRequest("acme", { grant_type: "client_credentials" }, { Authorization: basic(app.client_id, "x") }),
    );
    const unknown = await json(
      await tokenRequest("acme", { grant_type: "client_credentials" }, { Authorization: basic("ghost", "x") }),
    );
    expect(unknown).toEqual(wrong);
  });

  it("invalid_client for a malformed Basic header and for client assertions", async () => {
    await expectError(
      await tokenRequest("acme", { grant_type: "client_credentials" }, { Authorization: "Basic !!!" }),
      401,
      "invalid_client",
    );
    await expectError(
      await tokenRequest("acme", { grant_type: "client_credentials" }, { Authorization: `Basic ${btoa("no-colon")}` }),
      401,
      "invalid_client",
    );
    await expectError(
      await tokenRequest("acme", {
        grant_type: "client_credentials",
        client_id: app.client_id,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: "a.b.c",
      }),
      401,
      "invalid_client",
    );
  });

  it("invalid_client when the client uses another method than it registered, said only in the audit trail", async () => {
    const body = await expectError(
      await tokenRequest("acme", {
        grant_type: "client_credentials",
        client_id: app.client_id,
        client_secret: app.client_secret,
      }),
      401,
      "invalid_client",
    );
    // The caller learns nothing a stranger would not: same words as for an unknown client.
    expect(body.error_description).toBe("client authentication failed");
    await expectError(
      await tokenRequest(
        "acme",
        { grant_type: "client_credentials" },
        { Authorization: basic(app.client_id, "wrong") },
      ),
      401,
      "invalid_client",
    );
    const events = await json(
      await call("GET", "/admin/v1/tenants/acme/audit-events?type=client.authentication_failed", { token: admin }),
    );
    expect(events.data.map((e: { details: { reason: string } }) => e.details.reason)).toEqual([
      "wrong_method",
      "wrong_secret",
    ]);
    expect(events.data[0].client_id).toBe(app.client_id);
    expect(JSON.stringify(events.data)).not.toContain(app.client_secret);
  });

  it("invalid_request for two authentication methods, a mismatched client_id or a repeated parameter", async () => {
    await expectError(
      await tokenRequest("acme", { grant_type: "client_credentials", client_secret: app.client_secret }, asApp()),
      400,
      "invalid_request",
    );
    await expectError(
      await tokenRequest("acme", { grant_type: "client_credentials", client_id: "someone-else" }, asApp()),
      400,
      "invalid_request",
    );
    const repeated = await expectError(
      await tokenRequest("acme", { grant_type: "client_credentials", scope: ["read:orders", "write:orders"] }, asApp()),
      400,
      "invalid_request",
    );
    expect(repeated.error_description).toContain("scope");
  });

  it("invalid_request for an oversized body sent without Content-Length", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        const piece = new TextEncoder().encode(`grant_type=client_credentials&scope=${"x".repeat(4000)}`);
        for (let i = 0; i < 8; i++) controller.enqueue(piece);
        controller.close();
      },
    });
    const response = await send(
      new Request(`${BASE}/t/acme/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...asApp() },
        body: chunks,
      }),
    );
    await expectError(response, 400, "invalid_request");
  });

  it("invalid_request without grant_type, for a JSON body, an oversized body, and for GET", async () => {
    await expectError(await tokenRequest("acme", {}, asApp()), 400, "invalid_request");
    await expectError(
      await send(
        new Request(`${BASE}/t/acme/token`, {
          method: "POST",
          headers: { "Content-Type": "application/json", ...asApp() },
          body: JSON.stringify({ grant_type: "client_credentials" }),
        }),
      ),
      400,
      "invalid_request",
    );
    await expectError(
      await tokenRequest("acme", { grant_type: "client_credentials", scope: "x".repeat(20_000) }, asApp()),
      400,
      "invalid_request",
    );
    const get = await send(new Request(`${BASE}/t/acme/token?grant_type=client_credentials`, { headers: asApp() }));
    await expectError(get, 405, "invalid_request");
    expect(get.headers.get("Allow")).toContain("POST");
  });

  it("unsupported_grant_type for grants this server does not offer", async () => {
    for (const grant of [
      "password",
      "implicit",
      "urn:ietf:params:oauth:grant-type:device_code",
      "urn:ietf:params:oauth:grant-type:jwt-bearer",
    ]) {
      await expectError(await tokenRequest("acme", { grant_type: grant }, asApp()), 400, "unsupported_grant_type");
    }
  });

  it("unauthorized_client for grants the client is not registered for", async () => {
    for (const grant of ["authorization_code", "refresh_token"]) {
      await expectError(await tokenRequest("acme", { grant_type: grant }, asApp()), 400, "unauthorized_client");
    }
  });

  it("unauthorized_client for a client not registered for client_credentials", async () => {
    const web = await register({ redirect_uris: ["https://app.acme.test/callback"], scope: "read:orders" });
    await expectError(
      await tokenRequest(
        "acme",
        { grant_type: "client_credentials", resource: API },
        { Authorization: basic(web.client_id, web.client_secret) },
      ),
      400,
      "unauthorized_client",
    );
  });

  it("unauthorized_client for a public client", async () => {
    const spa = await register({ redirect_uris: ["https://spa.acme.test/"], token_endpoint_auth_method: "none" });
    expect(spa.client_secret).toBeUndefined();
    await expectError(
      await tokenRequest("acme", { grant_type: "client_credentials", resource: API, client_id: spa.client_id }),
      400,
      "unauthorized_client",
    );
  });

  it("invalid_scope for scopes the client may not have or that are malformed", async () => {
    const body = await expectError(
      await tokenRequest(
        "acme",
        { grant_type: "client_credentials", resource: API, scope: "read:orders admin:orders" },
        asApp(),
      ),
      400,
      "invalid_scope",
    );
    expect(body.error_description).toContain("admin:orders");
    expect(body.error_description).not.toContain("read:orders ");
    await expectError(
      await tokenRequest("acme", { grant_type: "client_credentials", resource: API, scope: 'read"orders' }, asApp()),
      400,
      "invalid_scope",
    );
  });

  it("invalid_target for unknown, relative, fragment-carrying or several resources", async () => {
    for (const resource of [
      "https://unknown.acme.test",
      "/relative",
      `${API}#part`,
      [API, "https://other.acme.test"],
    ]) {
      await expectError(
        await tokenRequest("acme", { grant_type: "client_credentials", resource }, asApp()),
        400,
        "invalid_target",
      );
    }
  });

  it("a client of one tenant does not exist in another", async () => {
    await createTenant(admin, "globex");
    await expectError(
      await tokenRequest("globex", { grant_type: "client_credentials", resource: API }, asApp()),
      401,
      "invalid_client",
    );
  });

  it("404 for an unknown tenant, never a 500", async () => {
    const response = await tokenRequest("nope", { grant_type: "client_credentials" }, asApp());
    expect(response.status).toBe(404);
  });
});

describe("CORS and caching", () => {
  it("answers preflight on the token endpoint and discovery without credentials", async () => {
    const preflight = await send(
      new Request(`${BASE}/t/acme/token`, {
        method: "OPTIONS",
        headers: {
          Origin: "https://spa.example",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization",
        },
      }),
    );
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(preflight.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    const discovery = await send(
      new Request(`${BASE}/t/acme/.well-known/openid-configuration`, { headers: { Origin: "https://spa.example" } }),
    );
    expect(discovery.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});

describe("hot path cost", () => {
  it("a warm token request touches no storage; discovery and JWKS neither", async () => {
    await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp());
    const token = await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp());
    expect(token.status).toBe(200);
    expect(usage(token)).toEqual({ d1RoundTrips: 0, d1Statements: 0, kvReads: 0, durableObjectCalls: 0 });

    await call("GET", "/t/acme/jwks");
    for (const path of ["/t/acme/.well-known/openid-configuration", "/t/acme/jwks"]) {
      const response = await call("GET", path);
      expect(response.status).toBe(200);
      expect(usage(response)).toEqual({ d1RoundTrips: 0, d1Statements: 0, kvReads: 0, durableObjectCalls: 0 });
      expect(response.headers.get("Cache-Control")).toContain("max-age");
    }
  });

  it("a cold isolate reads tenant, keys and resources from KV, and only the client from D1", async () => {
    await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp());
    const { clearMemoryCache } = await import("../../../src/storage/cache");
    clearMemoryCache();
    const token = await tokenRequest("acme", { grant_type: "client_credentials", resource: API }, asApp());
    expect(token.status).toBe(200);
    expect(usage(token)).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 3, durableObjectCalls: 0 });
  });

  it("a change to a cached client reaches the token endpoint at once", async () => {
    const request = (secret = app.client_secret) =>
      tokenRequest(
        "acme",
        { grant_type: "client_credentials", resource: API },
        {
          Authorization: basic(app.client_id, secret),
        },
      );
    expect((await request()).status).toBe(200);
    expect(usage(await request()).d1RoundTrips).toBe(0); // served from the cache

    // Rotation with the old secret revoked at once: the old one fails, the new one works.
    const rotated = await call("POST", `/admin/v1/tenants/acme/clients/${app.client_id}/secrets`, {
      token: admin,
      body: { previous_secret_expires_in: 0 },
    });
    expect(rotated.status).toBe(201);
    const { client_secret: newSecret } = await json<{ client_secret: string }>(rotated);
    expect((await request()).status).toBe(401);
    expect((await request(newSecret)).status).toBe(200);

    // Grant types taken away: refused at once.
    const updated = await call("PATCH", `/admin/v1/tenants/acme/clients/${app.client_id}`, {
      token: admin,
      body: {
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: ["https://app.acme.test/cb"],
      },
    });
    expect(updated.status, await updated.clone().text()).toBe(200);
    expect(await json(await request(newSecret))).toMatchObject({ error: "unauthorized_client" });

    // Deleted: unknown at once.
    expect((await call("DELETE", `/admin/v1/tenants/acme/clients/${app.client_id}`, { token: admin })).status).toBe(
      204,
    );
    const deleted = await request(newSecret);
    expect(deleted.status).toBe(401);
    expect(await json(deleted)).toMatchObject({ error: "invalid_client" });
  });
});

describe("discovery", () => {
  it("advertises exactly the implemented endpoints and methods", async () => {
    const document = await json(await call("GET", "/t/acme/.well-known/openid-configuration"));
    const issuer = `${BASE}/t/acme`;
    expect(document).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      pushed_authorization_request_endpoint: `${issuer}/par`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      end_session_endpoint: `${issuer}/logout`,
      response_types_supported: ["code"],
      response_modes_supported: ["query", "form_post"],
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
      code_challenge_methods_supported: ["S256"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256", "RS256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
      authorization_response_iss_parameter_supported: true,
      require_pushed_authorization_requests: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    });
    expect(document.token_endpoint_auth_signing_alg_values_supported).not.toContain("none");
    expect(document.token_endpoint_auth_signing_alg_values_supported).not.toContain("HS256");
    // The RFC 8414 location serves the same document.
    const rfc8414 = await json(await call("GET", "/.well-known/oauth-authorization-server/t/acme"));
    expect(rfc8414).toEqual(document);
    expect(env.PUBLIC_BASE_URL).toBe(BASE);
  });

  it("is 404 for a tenant that does not exist", async () => {
    expect((await call("GET", "/t/ghost/.well-known/openid-configuration")).status).toBe(404);
    expect((await call("GET", "/t/ghost/jwks")).status).toBe(404);
  });
});

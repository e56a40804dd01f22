// End to end from Node over loopback HTTP, against the production bundle: a certified
// client library (openid-client v6) discovers the `system` issuer, gets a management
// token with client_credentials, and manages tenants with it; jose verifies the token
// against the published JWKS.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, TEST_SECRETS } from "./worker-harness.mjs";

const MANAGEMENT = "urn:latchkey:management";

let worker: { baseUrl: string; close: () => Promise<void> };

beforeAll(async () => {
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.close();
});

async function discoverSystem(auth: oidc.ClientAuth) {
  return oidc.discovery(
    new URL(`${worker.baseUrl}/t/system`),
    TEST_SECRETS.ADMIN_CLIENT_ID,
    undefined,
    auth,
    // Loopback http: the library insists on https unless told otherwise.
    { execute: [oidc.allowInsecureRequests] },
  );
}

describe("management API through openid-client", () => {
  it("discovers the system issuer, gets a token with client_secret_basic and manages tenants", async () => {
    const config = await discoverSystem(oidc.ClientSecretBasic(TEST_SECRETS.ADMIN_CLIENT_SECRET));
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(`${worker.baseUrl}/t/system`);
    expect(metadata.grant_types_supported).toContain("client_credentials");

    const tokens = await oidc.clientCredentialsGrant(config, {
      resource: MANAGEMENT,
      scope: "tenants:read tenants:write",
    });
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.scope).toBe("tenants:read tenants:write");
    expect(tokens.expires_in).toBeGreaterThan(0);

    // The token verifies against the JWKS the issuer publishes.
    const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: metadata.issuer,
      audience: MANAGEMENT,
      typ: "at+jwt",
      algorithms: ["ES256"],
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload.client_id).toBe(TEST_SECRETS.ADMIN_CLIENT_ID);
    expect(payload.sub).toBe(TEST_SECRETS.ADMIN_CLIENT_ID);
    expect(typeof payload.jti).toBe("string");

    const created = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${worker.baseUrl}/admin/v1/tenants`),
      "POST",
      JSON.stringify({ slug: "e2e-shop", display_name: "E2E Shop" }),
      new Headers({ "Content-Type": "application/json" }),
    );
    expect(created.status).toBe(201);
    const tenant = (await created.json()) as { slug: string; issuer: string };
    expect(tenant.issuer).toBe(`${worker.baseUrl}/t/e2e-shop`);

    const listed = await oidc.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${worker.baseUrl}/admin/v1/tenants`),
      "GET",
    );
    const slugs = ((await listed.json()) as { data: { slug: string }[] }).data.map((t) => t.slug);
    expect(slugs).toEqual(expect.arrayContaining(["system", "e2e-shop"]));

    // The new tenant is an issuer of its own.
    const tenantConfig = await oidc.discovery(new URL(tenant.issuer), "unused", undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    expect(tenantConfig.serverMetadata().issuer).toBe(tenant.issuer);
  });

  it("authenticates with client_secret_post too, and a token lacking a scope is refused", async () => {
    const config = await discoverSystem(oidc.ClientSecretPost(TEST_SECRETS.ADMIN_CLIENT_SECRET));
    const tokens = await oidc.clientCredentialsGrant(config, { resource: MANAGEMENT, scope: "users:read" });
    expect(tokens.scope).toBe("users:read");
    // openid-client surfaces an RFC 6750 challenge as an error carrying the parsed header.
    const refusal = await oidc
      .fetchProtectedResource(config, tokens.access_token, new URL(`${worker.baseUrl}/admin/v1/tenants`), "GET")
      .then(
        () => null,
        (error: unknown) => error as oidc.WWWAuthenticateChallengeError,
      );
    expect(refusal?.status).toBe(403);
    expect(refusal?.cause[0]).toMatchObject({
      scheme: "bearer",
      parameters: { error: "insufficient_scope", scope: "tenants:read" },
    });
    expect(refusal?.response.headers.get("content-type")).toContain("application/problem+json");
  });

  it("refuses a wrong secret with invalid_client, as openid-client reports it", async () => {
    const config = await discoverSystem(oidc.ClientSecretBasic("not-the-secret"));
    const refusal = await oidc.clientCredentialsGrant(config, { resource: MANAGEMENT }).then(
      () => null,
      (error: unknown) => error as oidc.WWWAuthenticateChallengeError,
    );
    expect(refusal?.status).toBe(401);
    expect(refusal?.cause[0]?.scheme).toBe("basic");
    expect(await refusal?.response.json()).toMatchObject({ error: "invalid_client" });
  });

  it("keeps verifying old tokens after a key rotation while new tokens use the new key", async () => {
    const config = await discoverSystem(oidc.ClientSecretBasic(TEST_SECRETS.ADMIN_CLIENT_SECRET));
    const before = await oidc.clientCredentialsGrant(config, { resource: MANAGEMENT });
    const rotated = await oidc.fetchProtectedResource(
      config,
      before.access_token,
      new URL(`${worker.baseUrl}/admin/v1/tenants/system/keys/rotate`),
      "POST",
      JSON.stringify({ force: true }),
      new Headers({ "Content-Type": "application/json" }),
    );
    expect(rotated.status).toBe(200);
    const after = await oidc.clientCredentialsGrant(config, { resource: MANAGEMENT });
    expect(decodeProtectedHeader(after.access_token).kid).not.toBe(decodeProtectedHeader(before.access_token).kid);

    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    for (const token of [before.access_token, after.access_token]) {
      await expect(jwtVerify(token, jwks, { audience: MANAGEMENT })).resolves.toBeTruthy();
    }
    // The old token still works on the management API until it expires.
    const stillValid = await oidc.fetchProtectedResource(
      config,
      before.access_token,
      new URL(`${worker.baseUrl}/admin/v1/tenants`),
      "GET",
    );
    expect(stillValid.status).toBe(200);
  });
});

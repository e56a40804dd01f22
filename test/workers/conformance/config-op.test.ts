// The Config OP plan (oidcc-config-certification-test-plan): one module, discovery.
import { beforeEach, describe, expect, it } from "vitest";
import { call, json } from "../helpers";
import { ISSUER, setUpOp } from "./fixture";

beforeEach(async () => {
  await setUpOp();
});

describe("oidcc-config-certification-test-plan", () => {
  it("oidcc-discovery-endpoint-verification", async () => {
    const response = await call("GET", "/t/oidc-op/.well-known/openid-configuration");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    const document = await json(response);
    expect(document.issuer).toBe(ISSUER);
    for (const endpoint of ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"]) {
      expect(document[endpoint], endpoint).toMatch(/^https:\/\//);
    }
    expect(document.response_types_supported).toContain("code");
    expect(document.subject_types_supported).toEqual(["public"]);
    expect(document.id_token_signing_alg_values_supported).toContain("RS256");
    expect(document.grant_types_supported).toContain("authorization_code");
    expect(document.scopes_supported).toContain("openid");
    expect(document.claims_supported).toEqual(expect.arrayContaining(["sub", "iss", "auth_time", "email", "name"]));
    // The published JWKS holds only public, asymmetric keys.
    const jwks = await json(await call("GET", new URL(document.jwks_uri).pathname));
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(["EC", "RSA"]).toContain(key.kty);
      for (const secret of ["d", "p", "q", "dp", "dq", "qi", "k"]) expect(key).not.toHaveProperty(secret);
    }
  });
});

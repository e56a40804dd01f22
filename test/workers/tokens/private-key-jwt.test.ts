// private_key_jwt client authentication (RFC 7523 2.2 and 3, OIDC Core 9): a client with
// inline public keys signs short assertions; everything an attacker could bend about an
// assertion is refused, at the token endpoint and at PAR, revocation and introspection.
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, createTenant, form, json, send } from "../helpers";
import {
  API,
  ASSERTION_TYPE,
  auditEvents,
  authorize,
  Browser,
  clientAssertion,
  clientKeys,
  expectOAuthError,
  issuerOf,
  now,
  registerClient,
  setupTenant,
  REDIRECT,
  type AssertionOptions,
  type TestClient,
  type World,
} from "./fixtures";

let world: World;
let client: TestClient;

beforeEach(async () => {
  world = await setupTenant();
  client = await registerClient(world, "private_key_jwt", {
    grant_types: ["authorization_code", "refresh_token", "client_credentials"],
  });
});

function post(endpoint: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  return send(
    new Request(`${BASE}/t/acme/${endpoint}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: form(params),
    }),
  );
}

const withAssertion = (assertion: string, extra: Record<string, string> = {}) => ({
  client_assertion_type: ASSERTION_TYPE,
  client_assertion: assertion,
  ...extra,
});

/** A client_credentials request authenticated by `assertion`. */
const tokenWith = (assertion: string, extra: Record<string, string> = {}) =>
  post("token", withAssertion(assertion, { grant_type: "client_credentials", resource: API, ...extra }));

async function expectRefused(response: Response) {
  await expectOAuthError(response, "invalid_client", 401);
  expect(response.headers.get("WWW-Authenticate")).toContain("Basic realm=");
}

const assertion = (options: AssertionOptions = {}) => clientAssertion(client, options);

describe("private_key_jwt: accepted assertions", () => {
  it("authenticates with aud = the token endpoint URL", async () => {
    const response = await tokenWith(await assertion({ aud: `${issuerOf("acme")}/token` }));
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await json(response)).scope).toBe("read:orders write:orders");
  });

  it("authenticates with aud = the issuer, alone or as a one-element array; refuses an array naming others too", async () => {
    expect((await tokenWith(await assertion({ aud: issuerOf("acme") }))).status).toBe(200);
    expect((await tokenWith(await assertion({ aud: [issuerOf("acme")] }))).status).toBe(200);
    // An assertion meant for several servers could be replayed here by any of them.
    await expectRefused(await tokenWith(await assertion({ aud: ["https://elsewhere.example", issuerOf("acme")] })));
  });

  it("accepts RSA and EdDSA keys registered in jwks", async () => {
    for (const alg of ["RS256", "EdDSA"] as const) {
      const keys = await clientKeys(alg);
      const other = await registerClient(world, "private_key_jwt", {
        grant_types: ["client_credentials"],
        scope: "read:orders",
        jwks: { keys: [keys.publicJwk] },
      });
      const signed = await clientAssertion(
        { ...other, privateKey: keys.privateKey, kid: keys.kid },
        { alg: alg === "EdDSA" ? "EdDSA" : "RS256" },
      );
      const response = await tokenWith(signed);
      expect(response.status, `${alg}: ${await response.clone().text()}`).toBe(200);
    }
  });

  it("authenticates an authorization_code exchange, with client_id in the body matching", async () => {
    const authorized = await authorize(new Browser(), client);
    const response = await post(
      "token",
      withAssertion(await assertion(), {
        grant_type: "authorization_code",
        code: authorized.code,
        redirect_uri: REDIRECT,
        code_verifier: authorized.verifier!,
        client_id: client.client_id,
      }),
    );
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("accepts an assertion lifetime of exactly the one-hour limit", async () => {
    const issued = now();
    expect((await tokenWith(await assertion({ iat: issued, exp: issued + 3600 }))).status).toBe(200);
  });
});

describe("private_key_jwt: refused assertions", () => {
  it("refuses a replayed jti, and audits the replay", async () => {
    const once = await assertion();
    expect((await tokenWith(once)).status).toBe(200);
    await expectRefused(await tokenWith(once));
    // A fresh assertion with the same jti is a replay too.
    const jti = crypto.randomUUID();
    expect((await tokenWith(await assertion({ jti }))).status).toBe(200);
    await expectRefused(await tokenWith(await assertion({ jti })));
    const failures = await auditEvents(world, "client.authentication_failed");
    expect(failures.filter((e) => e.details.reason === "replayed_assertion")).toHaveLength(2);
    expect(failures[0]).toMatchObject({ client_id: client.client_id, details: { method: "private_key_jwt" } });
  });

  it("refuses an expired assertion", async () => {
    const issued = now() - 600;
    await expectRefused(await tokenWith(await assertion({ iat: issued, exp: issued + 60 })));
    const failures = await auditEvents(world, "client.authentication_failed");
    expect(failures.at(-1)!.details.reason).toBe("bad_assertion");
  });

  it("refuses an assertion that lives longer than an hour", async () => {
    const issued = now();
    await expectRefused(await tokenWith(await assertion({ iat: issued, exp: issued + 3700 })));
    await expectRefused(await tokenWith(await assertion({ iat: issued - 7200, exp: issued + 3601 + 60 })));
  });

  it("refuses alg none", async () => {
    const encode = (value: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(value)));
    const t = now();
    const payload = {
      iss: client.client_id,
      sub: client.client_id,
      aud: `${issuerOf("acme")}/token`,
      jti: crypto.randomUUID(),
      iat: t,
      exp: t + 60,
    };
    await expectRefused(await tokenWith(`${encode({ alg: "none" })}.${encode(payload)}.`));
    await expectRefused(await tokenWith(`${encode({ alg: "none", kid: client.kid })}.${encode(payload)}.`));
  });

  it("refuses HS256 keyed with the client's public key (algorithm confusion)", async () => {
    const t = now();
    const claims = () =>
      new SignJWT({})
        .setIssuer(client.client_id)
        .setSubject(client.client_id)
        .setAudience(`${issuerOf("acme")}/token`)
        .setJti(crypto.randomUUID())
        .setIssuedAt(t)
        .setExpirationTime(t + 60);
    const keys = await clientKeys("ES256");
    const spki = await exportSPKI(keys.publicKey);
    for (const secret of [
      new TextEncoder().encode(spki),
      new TextEncoder().encode(JSON.stringify(client.publicJwk)),
      new TextEncoder().encode(JSON.stringify(await exportJWK(keys.publicKey))),
    ]) {
      const forged = await claims().setProtectedHeader({ alg: "HS256", kid: client.kid! }).sign(secret);
      await expectRefused(await tokenWith(forged));
    }
  });

  it("refuses an assertion signed by a key the client did not register, even under its kid", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    await expectRefused(await tokenWith(await assertion({ key: privateKey })));
    await expectRefused(await tokenWith(await assertion({ key: privateKey, kid: "unknown" })));
  });

  it("refuses an assertion whose iss or sub is not the client", async () => {
    await expectRefused(await tokenWith(await assertion({ iss: "someone-else" })));
    // sub names the client looked up: another client's keys do not verify our signature.
    const other = await registerClient(world, "private_key_jwt", { grant_types: ["client_credentials"] });
    await expectRefused(await tokenWith(await assertion({ sub: other.client_id })));
    await expectRefused(await tokenWith(await assertion({ sub: "no-such-client" })));
    // And an assertion signed by the other client, for itself but claiming our iss.
    await expectRefused(await tokenWith(await clientAssertion(other, { iss: client.client_id })));
  });

  it("refuses an audience that is not this tenant", async () => {
    await createTenant(world.admin, "globex");
    await expectRefused(await tokenWith(await assertion({ aud: `${issuerOf("globex")}/token` })));
    await expectRefused(await tokenWith(await assertion({ aud: "https://latchkey.test/t/acme/userinfo" })));
    await expectRefused(await tokenWith(await assertion({ aud: BASE })));
  });

  it("refuses an assertion without jti or exp", async () => {
    const t = now();
    const base = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: "ES256", kid: client.kid! })
        .setIssuer(client.client_id)
        .setSubject(client.client_id)
        .setAudience(`${issuerOf("acme")}/token`)
        .setIssuedAt(t);
    await expectRefused(
      await tokenWith(
        await base()
          .setExpirationTime(t + 60)
          .sign(client.privateKey!),
      ),
    );
    await expectRefused(await tokenWith(await base().setJti(crypto.randomUUID()).sign(client.privateKey!)));
  });

  it("refuses a wrong client_assertion_type, mixed methods, and a client_id naming someone else", async () => {
    await expectRefused(
      await post("token", {
        grant_type: "client_credentials",
        resource: API,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
        client_assertion: await assertion(),
      }),
    );
    await expectOAuthError(
      await tokenWith(await assertion(), { client_secret: "x", client_id: client.client_id }),
      "invalid_request",
    );
    await expectOAuthError(await tokenWith(await assertion(), { client_id: "another" }), "invalid_request");
  });

  it("refuses a client registered for private_key_jwt that presents a secret", async () => {
    const response = await post("token", {
      grant_type: "client_credentials",
      resource: API,
      client_id: client.client_id,
      client_secret: "lksec_guess",
    });
    await expectRefused(response);
  });
});

describe("private_key_jwt at the other back-channel endpoints", () => {
  it("pushes an authorization request (RFC 9126), with aud = the issuer or the token endpoint", async () => {
    for (const aud of [`${issuerOf("acme")}/token`, issuerOf("acme")]) {
      const response = await post(
        "par",
        withAssertion(await assertion({ aud }), {
          response_type: "code",
          redirect_uri: REDIRECT,
          scope: "openid",
          code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
          code_challenge_method: "S256",
        }),
      );
      expect(response.status, await response.clone().text()).toBe(201);
      expect((await json(response)).request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    }
    // Audiences naming other URLs (even our PAR endpoint) are refused: the audience-confusion
    // attack on private_key_jwt (draft-ietf-oauth-rfc7523bis) replays such assertions.
    const refused = await post(
      "par",
      withAssertion(await assertion({ aud: `${issuerOf("acme")}/par` }), {
        response_type: "code",
        redirect_uri: REDIRECT,
        scope: "openid",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method: "S256",
      }),
    );
    await expectRefused(refused);
  });

  it("shares the replay memory between endpoints: an assertion used at PAR is refused at the token endpoint", async () => {
    const once = await assertion({ aud: issuerOf("acme") });
    const pushed = await post(
      "par",
      withAssertion(once, {
        response_type: "code",
        redirect_uri: REDIRECT,
        scope: "openid",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method: "S256",
      }),
    );
    expect(pushed.status).toBe(201);
    await expectRefused(await tokenWith(once));
  });

  it("revokes and introspects with assertions, and refuses bad ones there", async () => {
    const issued = await json(await tokenWith(await assertion()));
    const active = await post(
      "introspect",
      withAssertion(await assertion({ aud: issuerOf("acme") }), { token: issued.access_token }),
    );
    expect(active.status).toBe(200);
    expect(await json(active)).toMatchObject({ active: true, client_id: client.client_id });

    const { privateKey } = await generateKeyPair("ES256");
    await expectRefused(
      await post("introspect", withAssertion(await assertion({ key: privateKey }), { token: issued.access_token })),
    );
    await expectRefused(
      await post("revoke", withAssertion(await assertion({ key: privateKey }), { token: issued.access_token })),
    );

    const revoked = await post(
      "revoke",
      withAssertion(await assertion({ aud: `${issuerOf("acme")}/token` }), { token: issued.access_token }),
    );
    expect(revoked.status).toBe(200);
    const after = await post("introspect", withAssertion(await assertion(), { token: issued.access_token }));
    expect(await json(after)).toEqual({ active: false });
  });
});

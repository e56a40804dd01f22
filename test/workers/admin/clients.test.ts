import { describe, expect, it, vi } from "vitest";
import { nowSeconds } from "../../../src/config";
import { OPERATOR, operatorToken, tokenRequest } from "../helpers";
import {
  accessToken,
  api,
  clientCredentials,
  expectProblem,
  expectStatus,
  newClient,
  newResource,
  newTenant,
} from "./fixtures";

const PUBLIC_EC_JWK = {
  kty: "EC",
  crv: "P-256",
  x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
  y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
};

/** Sets up a tenant with an API resource, the usual home of a machine client. */
async function tenantWithApi(token: string, slug = "acme") {
  await newTenant(token, slug);
  return newResource(token, slug, {
    identifier: "https://api.acme.test",
    scopes: [{ value: "read" }, { value: "write" }],
  });
}

const RESOURCE = { resource: "https://api.acme.test" };

async function tokenStatus(clientId: string, secret: string, method: "basic" | "post" = "basic"): Promise<number> {
  const response =
    method === "basic"
      ? await clientCredentials("acme", clientId, secret, RESOURCE)
      : await tokenRequest("acme", {
          grant_type: "client_credentials",
          client_id: clientId,
          client_secret: secret,
          ...RESOURCE,
        });
  return response.status;
}

describe("clients", () => {
  it("registers a confidential client: the secret is shown once and works", async () => {
    const token = await operatorToken();
    await tenantWithApi(token);
    const created = await api(
      "createClient",
      { tenant: "acme" },
      {
        token,
        body: {
          client_name: "Backend",
          grant_types: ["client_credentials"],
          scope: "read write",
          access_token_ttl: 300,
        },
      },
    );
    expectStatus(created, 201);
    const client = created.body;
    expect(client.client_secret).toMatch(/^lksec_/);
    expect(client.client_secret_expires_at).toBe(0);
    expect(client).toMatchObject({
      client_name: "Backend",
      grant_types: ["client_credentials"],
      response_types: [],
      token_endpoint_auth_method: "client_secret_basic",
      scope: "read write",
      access_token_ttl: 300,
      application_type: "web",
      first_party: false,
    });
    expect(Math.abs(client.client_id_issued_at - nowSeconds())).toBeLessThan(60);
    expect(created.headers.get("Location")).toBe(
      `/admin/v1/tenants/acme/clients/${encodeURIComponent(client.client_id)}`,
    );

    const fetched = await api("getClient", { tenant: "acme", client_id: client.client_id }, { token });
    expectStatus(fetched, 200);
    expect(fetched.body.client_secret).toBeUndefined();
    expect(fetched.text).not.toContain(client.client_secret);
    const { client_secret: _s, client_secret_expires_at: _e, ...withoutSecret } = client;
    expect(fetched.body).toEqual(withoutSecret);

    const secrets = await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token });
    expectStatus(secrets, 200);
    expect(secrets.body.data).toHaveLength(1);
    expect(secrets.body.data[0].hint).toBe(client.client_secret.slice(-4));
    expect(secrets.body.data[0].expires_at).toBeNull();
    expect(secrets.text).not.toContain(client.client_secret);

    const issued = await accessToken("acme", client.client_id, client.client_secret, RESOURCE);
    expect(issued.expires_in).toBe(300);
    expect(issued.scope).toBe("read write");
    expect(await tokenStatus(client.client_id, `${client.client_secret}x`)).toBe(401);
  });

  it("applies the RFC 7591 defaults to a browser-facing client", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const client = await newClient(token, "acme", { redirect_uris: ["https://app.example.com/callback"] });
    expect(client).toMatchObject({
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      application_type: "web",
      id_token_signed_response_alg: "ES256",
      redirect_uris: ["https://app.example.com/callback"],
      require_pushed_authorization_requests: false,
      client_name: null,
      scope: "",
    });
    expect(client.client_secret).toMatch(/^lksec_/);
  });

  it("registers a public client without any secret", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const created = await api(
      "createClient",
      { tenant: "acme" },
      {
        token,
        body: {
          application_type: "native",
          token_endpoint_auth_method: "none",
          redirect_uris: ["com.example.app:/oauth/callback", "http://127.0.0.1/callback"],
        },
      },
    );
    expectStatus(created, 201);
    expect(created.body.client_secret).toBeUndefined();
    expect(created.body.client_secret_expires_at).toBeUndefined();
    expect(created.body.token_endpoint_auth_method).toBe("none");
    const secrets = await api("listClientSecrets", { tenant: "acme", client_id: created.body.client_id }, { token });
    expect(secrets.body.data).toEqual([]);
    const rotate = await api("rotateClientSecret", { tenant: "acme", client_id: created.body.client_id }, { token });
    expectProblem(rotate, "conflict");
    expect(
      (await api("listClientSecrets", { tenant: "acme", client_id: created.body.client_id }, { token })).body.data,
    ).toEqual([]);
  });

  it("takes a chosen client_id and refuses a duplicate with 409", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    await newTenant(token, "globex");
    const chosen = await newClient(token, "acme", { client_id: "my.app~1_x-y", grant_types: ["client_credentials"] });
    expect(chosen.client_id).toBe("my.app~1_x-y");
    expectStatus(await api("getClient", { tenant: "acme", client_id: "my.app~1_x-y" }, { token }), 200);
    const duplicate = await api(
      "createClient",
      { tenant: "acme" },
      { token, body: { client_id: "my.app~1_x-y", grant_types: ["client_credentials"] } },
    );
    expectProblem(duplicate, "conflict", { pointer: "#/client_id" });
    // The bootstrap operator's id is taken in the system tenant, but free elsewhere.
    const operatorId = await api(
      "createClient",
      { tenant: "system" },
      { token, body: { client_id: OPERATOR.id, grant_types: ["client_credentials"] } },
    );
    expectProblem(operatorId, "conflict", { pointer: "#/client_id" });
    await newClient(token, "globex", { client_id: "my.app~1_x-y", grant_types: ["client_credentials"] });
    await newClient(token, "globex", { client_id: OPERATOR.id, grant_types: ["client_credentials"] });
    for (const bad of ["ab", "has space", "slash/id", "x".repeat(129), "é-id"]) {
      const result = await api(
        "createClient",
        { tenant: "acme" },
        { token, body: { client_id: bad, grant_types: ["client_credentials"] } },
      );
      expectProblem(result, "validation-failed", { pointer: "#/client_id" });
    }
  });

  it("lists clients a page at a time", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    for (const id of ["app-c", "app-a", "app-e", "app-b", "app-d"])
      await newClient(token, "acme", { client_id: id, grant_types: ["client_credentials"] });
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await api(
        "listClients",
        { tenant: "acme" },
        { token, query: { limit: 2, ...(cursor ? { cursor } : {}) } },
      );
      expectStatus(page, 200);
      pages.push(page.body.data.map((c: { client_id: string }) => c.client_id));
      expect(page.text).not.toContain("lksec_");
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor && pages.length < 10);
    expect(pages).toEqual([["app-a", "app-b"], ["app-c", "app-d"], ["app-e"]]);
  });

  it("updates metadata, checking the result as a whole", async () => {
    const token = await operatorToken();
    await tenantWithApi(token);
    const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
    const updated = await api(
      "updateClient",
      { tenant: "acme", client_id: client.client_id },
      {
        token,
        body: {
          client_name: "Renamed",
          scope: "read write",
          contacts: ["ops@example.com"],
          logo_uri: "https://example.com/logo.png",
        },
      },
    );
    expectStatus(updated, 200);
    expect(updated.body).toMatchObject({
      client_id: client.client_id,
      client_name: "Renamed",
      scope: "read write",
      contacts: ["ops@example.com"],
      logo_uri: "https://example.com/logo.png",
      grant_types: ["client_credentials"],
    });
    expect(updated.body.client_secret).toBeUndefined();
    expect((await accessToken("acme", client.client_id, client.client_secret, RESOURCE)).scope).toBe("read write");

    // Adding authorization_code without a redirect URI makes the whole inconsistent.
    const inconsistent = await api(
      "updateClient",
      { tenant: "acme", client_id: client.client_id },
      {
        token,
        body: { grant_types: ["authorization_code", "client_credentials"], response_types: ["code"] },
      },
    );
    expectProblem(inconsistent, "validation-failed", { pointer: "#/redirect_uris" });
    const idChange = await api(
      "updateClient",
      { tenant: "acme", client_id: client.client_id },
      { token, body: { client_id: "new-id" } },
    );
    expectProblem(idChange, "validation-failed", { pointer: "#/client_id" });
    const unchanged = await api("getClient", { tenant: "acme", client_id: client.client_id }, { token });
    expect(unchanged.body.grant_types).toEqual(["client_credentials"]);
    expectProblem(
      await api("updateClient", { tenant: "acme", client_id: "nope" }, { token, body: { client_name: "x" } }),
      "not-found",
    );
  });

  it("switching the authentication method adds or removes secrets", async () => {
    const token = await operatorToken();
    await tenantWithApi(token);
    const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
    const id = client.client_id;
    const first = client.client_secret;
    const secretsOf = async () =>
      (await api("listClientSecrets", { tenant: "acme", client_id: id }, { token })).body.data;
    const [original] = await secretsOf();

    // Between secret methods: the secret stays, and none is shown.
    const toPost = await api(
      "updateClient",
      { tenant: "acme", client_id: id },
      { token, body: { token_endpoint_auth_method: "client_secret_post" } },
    );
    expectStatus(toPost, 200);
    expect(toPost.body.client_secret).toBeUndefined();
    expect(await secretsOf()).toEqual([original]);
    expect(await tokenStatus(id, first, "post")).toBe(200);
    expect(await tokenStatus(id, first, "basic")).toBe(401);

    // To a public client: every secret is deleted.
    const toPublic = await api(
      "updateClient",
      { tenant: "acme", client_id: id },
      {
        token,
        body: {
          token_endpoint_auth_method: "none",
          grant_types: ["authorization_code"],
          response_types: ["code"],
          redirect_uris: ["https://app.example.com/cb"],
        },
      },
    );
    expectStatus(toPublic, 200);
    expect(toPublic.body.client_secret).toBeUndefined();
    expect(await secretsOf()).toEqual([]);
    expect(await tokenStatus(id, first, "post")).toBe(401);
    expectProblem(await api("rotateClientSecret", { tenant: "acme", client_id: id }, { token }), "conflict");

    // Back to a secret method: a new secret, shown in this response only.
    const back = await api(
      "updateClient",
      { tenant: "acme", client_id: id },
      {
        token,
        body: {
          token_endpoint_auth_method: "client_secret_basic",
          grant_types: ["client_credentials"],
          response_types: [],
          redirect_uris: [],
        },
      },
    );
    expectStatus(back, 200);
    expect(back.body.client_secret).toMatch(/^lksec_/);
    expect(back.body.client_secret).not.toBe(first);
    expect(back.body.client_secret_expires_at).toBe(0);
    const secrets = await secretsOf();
    expect(secrets).toHaveLength(1);
    expect(secrets[0].hint).toBe(back.body.client_secret.slice(-4));
    expect(await tokenStatus(id, back.body.client_secret)).toBe(200);
    expect(await tokenStatus(id, first)).toBe(401);
    expect((await api("getClient", { tenant: "acme", client_id: id }, { token })).body.client_secret).toBeUndefined();
  });

  it("gives a public client a secret when it becomes confidential", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const client = await newClient(token, "acme", {
      token_endpoint_auth_method: "none",
      redirect_uris: ["https://app.example.com/cb"],
    });
    expect(client.client_secret).toBeUndefined();
    const confidential = await api(
      "updateClient",
      { tenant: "acme", client_id: client.client_id },
      {
        token,
        body: { token_endpoint_auth_method: "client_secret_post" },
      },
    );
    expectStatus(confidential, 200);
    expect(confidential.body.client_secret).toMatch(/^lksec_/);
    // The secret authenticates: the token endpoint gets past client authentication and
    // refuses the grant instead (the client is registered for authorization_code only).
    const response = await tokenRequest("acme", {
      grant_type: "client_credentials",
      client_id: client.client_id,
      client_secret: confidential.body.client_secret,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("unauthorized_client");
  });

  it("deletes a client: its secret stops working at once", async () => {
    const token = await operatorToken();
    await tenantWithApi(token);
    const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
    expect(await tokenStatus(client.client_id, client.client_secret)).toBe(200);
    expectStatus(await api("deleteClient", { tenant: "acme", client_id: client.client_id }, { token }), 204);
    expect(await tokenStatus(client.client_id, client.client_secret)).toBe(401);
    expectProblem(await api("getClient", { tenant: "acme", client_id: client.client_id }, { token }), "not-found");
    expectProblem(
      await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token }),
      "not-found",
    );
    expectProblem(await api("deleteClient", { tenant: "acme", client_id: client.client_id }, { token }), "not-found");
  });

  describe("secrets", () => {
    it("rotation keeps the previous secret working during the overlap", async () => {
      const token = await operatorToken();
      await tenantWithApi(token);
      const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
      const rotated = await api("rotateClientSecret", { tenant: "acme", client_id: client.client_id }, { token });
      expectStatus(rotated, 201);
      expect(rotated.body.client_secret).toMatch(/^lksec_/);
      expect(rotated.body.client_secret).not.toBe(client.client_secret);
      expect(rotated.body.hint).toBe(rotated.body.client_secret.slice(-4));
      expect(rotated.body.expires_at).toBeNull();

      expect(await tokenStatus(client.client_id, client.client_secret)).toBe(200);
      expect(await tokenStatus(client.client_id, rotated.body.client_secret)).toBe(200);

      const secrets = await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token });
      expect(secrets.body.data).toHaveLength(2);
      const previous = secrets.body.data.find((s: { id: string }) => s.id !== rotated.body.id);
      const current = secrets.body.data.find((s: { id: string }) => s.id === rotated.body.id);
      expect(previous.hint).toBe(client.client_secret.slice(-4));
      expect(current.expires_at).toBeNull();
      // Default overlap: one day.
      expect(Math.abs(Date.parse(previous.expires_at) / 1000 - (nowSeconds() + 86_400))).toBeLessThan(60);
    });

    it("a chosen overlap sets the previous secret's expiry; 0 cuts it off at once", async () => {
      const token = await operatorToken();
      await tenantWithApi(token);
      const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
      const second = await api(
        "rotateClientSecret",
        { tenant: "acme", client_id: client.client_id },
        {
          token,
          body: { previous_secret_expires_in: 3600 },
        },
      );
      expectStatus(second, 201);
      const listed = (await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token })).body
        .data;
      const previous = listed.find((s: { id: string }) => s.id !== second.body.id);
      expect(Math.abs(Date.parse(previous.expires_at) / 1000 - (nowSeconds() + 3600))).toBeLessThan(60);

      const third = await api(
        "rotateClientSecret",
        { tenant: "acme", client_id: client.client_id },
        {
          token,
          body: { previous_secret_expires_in: 0 },
        },
      );
      expectStatus(third, 201);
      expect(await tokenStatus(client.client_id, client.client_secret)).toBe(401);
      expect(await tokenStatus(client.client_id, second.body.client_secret)).toBe(401);
      expect(await tokenStatus(client.client_id, third.body.client_secret)).toBe(200);
      const remaining = await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token });
      expect(remaining.body.data.map((s: { id: string }) => s.id)).toEqual([third.body.id]);
    });

    it("the previous secret stops working when the overlap ends", async () => {
      const token = await operatorToken();
      await tenantWithApi(token);
      const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
      const rotated = await api(
        "rotateClientSecret",
        { tenant: "acme", client_id: client.client_id },
        {
          token,
          body: { previous_secret_expires_in: 60 },
        },
      );
      expectStatus(rotated, 201);
      expect(await tokenStatus(client.client_id, client.client_secret)).toBe(200);
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        vi.setSystemTime(Date.now() + 120_000);
        expect(await tokenStatus(client.client_id, client.client_secret)).toBe(401);
        expect(await tokenStatus(client.client_id, rotated.body.client_secret)).toBe(200);
        const listed = await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token });
        expect(listed.body.data.map((s: { id: string }) => s.id)).toEqual([rotated.body.id]);
      } finally {
        vi.useRealTimers();
      }
    });

    it("a later rotation never extends an earlier overlap", async () => {
      const token = await operatorToken();
      await newTenant(token, "acme");
      const client = await newClient(token, "acme", { grant_types: ["client_credentials"] });
      const [first] = (await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token })).body
        .data;
      await api(
        "rotateClientSecret",
        { tenant: "acme", client_id: client.client_id },
        { token, body: { previous_secret_expires_in: 600 } },
      );
      await api(
        "rotateClientSecret",
        { tenant: "acme", client_id: client.client_id },
        { token, body: { previous_secret_expires_in: 86_400 } },
      );
      const listed = (await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token })).body
        .data;
      expect(listed).toHaveLength(3);
      const firstNow = listed.find((s: { id: string }) => s.id === first.id);
      expect(Math.abs(Date.parse(firstNow.expires_at) / 1000 - (nowSeconds() + 600))).toBeLessThan(60);
    });

    it("revokes one secret", async () => {
      const token = await operatorToken();
      await tenantWithApi(token);
      const client = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
      const rotated = await api("rotateClientSecret", { tenant: "acme", client_id: client.client_id }, { token });
      const revoked = await api(
        "revokeClientSecret",
        {
          tenant: "acme",
          client_id: client.client_id,
          secret_id: rotated.body.id,
        },
        { token },
      );
      expectStatus(revoked, 204);
      expect(await tokenStatus(client.client_id, rotated.body.client_secret)).toBe(401);
      expect(await tokenStatus(client.client_id, client.client_secret)).toBe(200);
      const again = await api(
        "revokeClientSecret",
        { tenant: "acme", client_id: client.client_id, secret_id: rotated.body.id },
        { token },
      );
      expectProblem(again, "not-found");
      expectProblem(
        await api(
          "revokeClientSecret",
          { tenant: "acme", client_id: client.client_id, secret_id: "sec_nope" },
          { token },
        ),
        "not-found",
      );
      const remaining = await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token });
      expect(remaining.body.data).toHaveLength(1);
    });

    it("cannot revoke another client's secret through this client", async () => {
      const token = await operatorToken();
      await tenantWithApi(token);
      const mine = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
      const theirs = await newClient(token, "acme", { grant_types: ["client_credentials"], scope: "read" });
      const [theirSecret] = (await api("listClientSecrets", { tenant: "acme", client_id: theirs.client_id }, { token }))
        .body.data;
      const attempt = await api(
        "revokeClientSecret",
        { tenant: "acme", client_id: mine.client_id, secret_id: theirSecret.id },
        { token },
      );
      expectProblem(attempt, "not-found");
      expect(await tokenStatus(theirs.client_id, theirs.client_secret)).toBe(200);
    });

    it("refuses an invalid overlap", async () => {
      const token = await operatorToken();
      await newTenant(token, "acme");
      const client = await newClient(token, "acme", { grant_types: ["client_credentials"] });
      for (const value of [-1, 30 * 86400 + 1, 1.5, "60", null]) {
        const result = await api(
          "rotateClientSecret",
          { tenant: "acme", client_id: client.client_id },
          {
            token,
            body: { previous_secret_expires_in: value },
          },
        );
        expectProblem(result, "validation-failed", { pointer: "#/previous_secret_expires_in" });
      }
      const unknown = await api(
        "rotateClientSecret",
        { tenant: "acme", client_id: client.client_id },
        { token, body: { expires_in: 5 } },
      );
      expectProblem(unknown, "validation-failed", { pointer: "#/expires_in" });
      expect(
        (await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token })).body.data,
      ).toHaveLength(1);
    });
  });

  describe("redirect URIs", () => {
    const refusedForWeb = [
      "http://app.example.com/callback", // http, not loopback
      "http://localhost.evil.example/callback",
      "https://app.example.com/callback#fragment",
      "https://*.example.com/callback",
      "https://app.example.com/*",
      "/callback",
      "app.example.com/callback",
      "javascript:alert(1)",
      "data:text/html,hi",
      "com.example.app:/callback", // private-use scheme, web app
      "myapp://callback",
      "https://user:pass@app.example.com/callback",
      "https://app.example.com/call back",
    ];

    it("refuses unsafe redirect URIs for a web application, naming the entry", async () => {
      const token = await operatorToken();
      await newTenant(token, "acme");
      for (const uri of refusedForWeb) {
        const result = await api(
          "createClient",
          { tenant: "acme" },
          {
            token,
            body: { redirect_uris: ["https://app.example.com/ok", uri] },
          },
        );
        expectProblem(result, "validation-failed", { pointer: "#/redirect_uris/1" });
        const logout = await api(
          "createClient",
          { tenant: "acme" },
          {
            token,
            body: { redirect_uris: ["https://app.example.com/ok"], post_logout_redirect_uris: [uri] },
          },
        );
        expectProblem(logout, "validation-failed", { pointer: "#/post_logout_redirect_uris/0" });
      }
      expect((await api("listClients", { tenant: "acme" }, { token })).body.data).toEqual([]);
    });

    it("accepts https, loopback http, and reverse-domain schemes for native apps only", async () => {
      const token = await operatorToken();
      await newTenant(token, "acme");
      const web = await newClient(token, "acme", {
        redirect_uris: [
          "https://app.example.com/callback",
          "http://localhost:8080/cb",
          "http://127.0.0.1/cb",
          "http://[::1]:3000/cb",
        ],
      });
      expect(web.redirect_uris).toHaveLength(4);
      const native = await newClient(token, "acme", {
        application_type: "native",
        token_endpoint_auth_method: "none",
        redirect_uris: ["com.example.app:/oauth2redirect", "http://127.0.0.1:51000/cb"],
      });
      expect(native.redirect_uris).toEqual(["com.example.app:/oauth2redirect", "http://127.0.0.1:51000/cb"]);
      for (const uri of ["myapp:/callback", "javascript:alert(1)", "com.example.app:/cb#x", "http://example.com/cb"]) {
        const result = await api(
          "createClient",
          { tenant: "acme" },
          {
            token,
            body: { application_type: "native", token_endpoint_auth_method: "none", redirect_uris: [uri] },
          },
        );
        expectProblem(result, "validation-failed", { pointer: "#/redirect_uris/0" });
      }
      // A native client cannot keep its private-use scheme when it becomes a web app.
      const toWeb = await api(
        "updateClient",
        { tenant: "acme", client_id: native.client_id },
        { token, body: { application_type: "web" } },
      );
      expectProblem(toWeb, "validation-failed", { pointer: "#/redirect_uris/0" });
    });
  });

  it("refuses inconsistent or invalid metadata, naming each field", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const cb = { redirect_uris: ["https://app.example.com/cb"] };
    const cases: [Record<string, unknown>, string][] = [
      [{ grant_types: ["authorization_code"] }, "#/redirect_uris"],
      [{ grant_types: ["refresh_token", "client_credentials"] }, "#/grant_types"],
      [{ grant_types: ["client_credentials"], token_endpoint_auth_method: "none" }, "#/grant_types"],
      [{ ...cb, response_types: [] }, "#/response_types"],
      [{ ...cb, grant_types: ["password"] }, "#/grant_types/0"],
      [{ ...cb, grant_types: [] }, "#/grant_types"],
      [{ ...cb, grant_types: "authorization_code" }, "#/grant_types"],
      [{ ...cb, response_types: ["token"] }, "#/response_types/0"],
      [{ ...cb, token_endpoint_auth_method: "client_secret_jwt" }, "#/token_endpoint_auth_method"],
      [{ ...cb, token_endpoint_auth_method: "private_key_jwt" }, "#/jwks_uri"],
      [{ ...cb, jwks: { keys: [PUBLIC_EC_JWK] }, jwks_uri: "https://app.example.com/jwks" }, "#/jwks"],
      [{ ...cb, jwks: { keys: [{ ...PUBLIC_EC_JWK, d: "private" }] } }, "#/jwks/keys/0/d"],
      [{ ...cb, jwks: { keys: [{ crv: "P-256" }] } }, "#/jwks/keys/0/kty"],
      [{ ...cb, application_type: "spa" }, "#/application_type"],
      [{ ...cb, first_party: "true" }, "#/first_party"],
      [{ ...cb, scope: 'read "write"' }, "#/scope"],
      [{ ...cb, scope: 42 }, "#/scope"],
      [{ ...cb, access_token_ttl: 30 }, "#/access_token_ttl"],
      [{ ...cb, access_token_ttl: 86_401 }, "#/access_token_ttl"],
      [{ ...cb, logo_uri: "http://example.com/logo.png" }, "#/logo_uri"],
      [{ ...cb, jwks_uri: "not a url" }, "#/jwks_uri"],
      [{ ...cb, contacts: ["not-an-email"] }, "#/contacts/0"],
      [{ ...cb, id_token_signed_response_alg: "none" }, "#/id_token_signed_response_alg"],
      [{ ...cb, client_name: "" }, "#/client_name"],
      [{ ...cb, redirect_uris: "https://app.example.com/cb" }, "#/redirect_uris"],
      [{ ...cb, client_secret: "chosen-secret" }, "#/client_secret"],
      [{ ...cb, software_statement: "x" }, "#/software_statement"],
    ];
    for (const [body, pointer] of cases) {
      const result = await api("createClient", { tenant: "acme" }, { token, body });
      expectProblem(result, "validation-failed", { pointer });
    }
    expect((await api("listClients", { tenant: "acme" }, { token })).body.data).toEqual([]);
  });

  it("lists each secret of a client without revealing it", async () => {
    const token = await operatorToken();
    await newTenant(token, "acme");
    const client = await newClient(token, "acme", { grant_types: ["client_credentials"] });
    const second = await api("rotateClientSecret", { tenant: "acme", client_id: client.client_id }, { token });
    const listed = await api("listClientSecrets", { tenant: "acme", client_id: client.client_id }, { token });
    expect(listed.body.data.map((s: { hint: string }) => s.hint).sort()).toEqual(
      [client.client_secret.slice(-4), second.body.client_secret.slice(-4)].sort(),
    );
    expect(listed.text).not.toContain(client.client_secret);
    expect(listed.text).not.toContain(second.body.client_secret);
  });
});

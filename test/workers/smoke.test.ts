import { describe, expect, it } from "vitest";
import { basic, call, createTenant, json, operatorToken, tokenRequest, usage } from "./helpers";

describe("smoke", () => {
  it("serves discovery, issues an operator token and lists tenants", async () => {
    const discovery = await call("GET", "/t/system/.well-known/openid-configuration");
    expect(discovery.status).toBe(200);
    const token = await operatorToken();
    const tenants = await call("GET", "/admin/v1/tenants", { token });
    expect(tenants.status, await tenants.clone().text()).toBe(200);
    const body = await json(tenants);
    expect(body.data.map((t: { slug: string }) => t.slug)).toEqual(["system"]);
  });

  it("creates a tenant, a user, a resource and a client, and issues the client a token", async () => {
    const token = await operatorToken();
    await createTenant(token, "acme");
    const user = await call("POST", "/admin/v1/tenants/acme/users", {
      token,
      body: { email: "Ana@Example.com", password: "correct horse battery", given_name: "Ana" },
    });
    expect(user.status, await user.clone().text()).toBe(201);
    const resource = await call("POST", "/admin/v1/tenants/acme/resources", {
      token,
      body: { identifier: "https://api.acme.test", name: "Acme API", scopes: [{ value: "read:orders" }] },
    });
    expect(resource.status, await resource.clone().text()).toBe(201);
    const client = await call("POST", "/admin/v1/tenants/acme/clients", {
      token,
      body: { client_name: "Backend", grant_types: ["client_credentials"], scope: "read:orders" },
    });
    expect(client.status, await client.clone().text()).toBe(201);
    const { client_id, client_secret } = await json(client);
    const issued = await tokenRequest(
      "acme",
      { grant_type: "client_credentials", resource: "https://api.acme.test" },
      { Authorization: basic(client_id, client_secret) },
    );
    expect(issued.status, await issued.clone().text()).toBe(200);
    const again = await tokenRequest(
      "acme",
      { grant_type: "client_credentials", resource: "https://api.acme.test" },
      { Authorization: basic(client_id, client_secret) },
    );
    console.log(usage(again));
    const docs = await call("GET", "/admin/v1/docs");
    expect(docs.status).toBe(200);
    const openapi = await call("GET", "/admin/v1/openapi.json");
    expect(openapi.status).toBe(200);
  });
});

import { describe, expect, it } from "vitest";
import { call, json, operatorToken } from "./helpers";

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
});

// What the management API costs per call once caches are warm: token verification and
// tenant resolution come from memory, so a read is one D1 round trip.
import { describe, expect, it } from "vitest";
import { call, createTenant, json, operatorToken, usage } from "./helpers";

describe("management API cost", () => {
  it("reads a user in one D1 round trip and lists users in one", async () => {
    const token = await operatorToken();
    await createTenant(token, "acme");
    const created = await json(
      await call("POST", "/admin/v1/tenants/acme/users", { token, body: { email: "ana@example.com" } }),
    );
    await call("GET", `/admin/v1/tenants/acme/users/${created.id}`, { token });

    const read = await call("GET", `/admin/v1/tenants/acme/users/${created.id}`, { token });
    expect(read.status).toBe(200);
    expect(usage(read)).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 0, durableObjectCalls: 0 });

    const list = await call("GET", "/admin/v1/tenants/acme/users?email=ANA@example.com", { token });
    expect((await json(list)).data).toHaveLength(1);
    expect(usage(list)).toEqual({ d1RoundTrips: 1, d1Statements: 1, kvReads: 0, durableObjectCalls: 0 });
  });

  it("writes a user, its password and its audit record in one batch", async () => {
    const token = await operatorToken();
    await createTenant(token, "acme");
    await call("GET", "/admin/v1/tenants/acme/users", { token }); // warms the tenant cache
    const created = await call("POST", "/admin/v1/tenants/acme/users", {
      token,
      body: { email: "bo@example.com", password: "a long enough password" },
    });
    expect(created.status).toBe(201);
    expect(usage(created)).toEqual({ d1RoundTrips: 1, d1Statements: 3, kvReads: 0, durableObjectCalls: 0 });
  });
});

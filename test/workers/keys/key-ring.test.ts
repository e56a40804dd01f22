// Signing keys end to end inside workerd: generation on first need (once, even under
// concurrency), encryption at rest, rotation by API and by the Cron Trigger, and what
// that means for tokens already issued.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { openDirectory, openTenantRegistry } from "../../../src/directory";
import worker from "../../../src/index";
import { openPrivateKey } from "../../../src/keys/envelope";
import { basic, call, createTenant, json, operatorToken, tokenRequest } from "../helpers";

const API = "https://api.shop.test";
let admin: string;
let app: { client_id: string; client_secret: string };

async function tenantId(slug: string) {
  return (await openTenantRegistry(env).findBySlug(slug))!.id;
}

async function storedKeys(slug: string) {
  return openDirectory(env, { id: await tenantId(slug) }).signingKeys.all();
}

async function appToken() {
  const response = await tokenRequest(
    "shop",
    { grant_type: "client_credentials", resource: API },
    { Authorization: basic(app.client_id, app.client_secret) },
  );
  expect(response.status).toBe(200);
  return (await json(response)).access_token as string;
}

async function jwks(slug = "shop") {
  return json<JSONWebKeySet>(await call("GET", `/t/${slug}/jwks`));
}

async function runCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

beforeEach(async () => {
  admin = await operatorToken();
  await createTenant(admin, "shop");
  await call("POST", "/admin/v1/tenants/shop/resources", {
    token: admin,
    body: { identifier: API, name: "Shop API", scopes: [{ value: "read" }] },
  });
  const created = await call("POST", "/admin/v1/tenants/shop/clients", {
    token: admin,
    body: { grant_types: ["client_credentials"], scope: "read" },
  });
  app = await json(created);
});

describe("first use", () => {
  it("creates no key until one is needed, then a current and a next ES256 key", async () => {
    expect(await storedKeys("shop")).toHaveLength(0);
    const token = await appToken();
    const keys = await storedKeys("shop");
    expect(keys.map((k) => [k.alg, k.status]).sort()).toEqual([
      ["ES256", "current"],
      ["ES256", "next"],
    ]);
    expect(decodeProtectedHeader(token).kid).toBe(keys.find((k) => k.status === "current")!.kid);
    // Both are published: relying parties learn the next key before it signs.
    expect((await jwks()).keys.map((k) => k.kid).sort()).toEqual(keys.map((k) => k.kid).sort());
  });

  it("creates exactly one key set when many requests need it at once", async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, () => appToken()));
    const keys = await storedKeys("shop");
    expect(keys).toHaveLength(2);
    const current = keys.find((k) => k.status === "current")!;
    expect(new Set(tokens.map((t) => decodeProtectedHeader(t).kid))).toEqual(new Set([current.kid]));
  });

  it("stores private keys only encrypted, bound to their tenant and kid", async () => {
    await appToken();
    const [key] = await storedKeys("shop");
    expect(key!.privateJwkEncrypted).toMatch(/^v1\./);
    expect(key!.privateJwkEncrypted).not.toContain('"d"');
    const id = await tenantId("shop");
    const opened = await openPrivateKey(env.SIGNING_KEY_ENCRYPTION_KEY, key!.privateJwkEncrypted, {
      tenantId: id,
      kid: key!.kid,
    });
    expect(typeof opened.d).toBe("string");
    // The same ciphertext does not open for another tenant or another kid, nor under another key.
    await expect(
      openPrivateKey(env.SIGNING_KEY_ENCRYPTION_KEY, key!.privateJwkEncrypted, {
        tenantId: "ten_other",
        kid: key!.kid,
      }),
    ).rejects.toThrow();
    await expect(
      openPrivateKey(env.SIGNING_KEY_ENCRYPTION_KEY, key!.privateJwkEncrypted, { tenantId: id, kid: "other" }),
    ).rejects.toThrow();
    const otherKek = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    await expect(openPrivateKey(otherKek, key!.privateJwkEncrypted, { tenantId: id, kid: key!.kid })).rejects.toThrow();
  });

  it("never shares keys between tenants", async () => {
    await appToken();
    await createTenant(admin, "other");
    const otherJwks = await jwks("other");
    const shopKids = new Set((await jwks()).keys.map((k) => k.kid));
    expect(otherJwks.keys.length).toBeGreaterThan(0);
    expect(otherJwks.keys.some((k) => shopKids.has(k.kid))).toBe(false);
  });
});

describe("rotation through the management API", () => {
  it("signs new tokens with the former next key; old tokens keep verifying until they expire", async () => {
    const before = await appToken();
    const oldKeys = await storedKeys("shop");
    const formerNext = oldKeys.find((k) => k.status === "next")!;

    // Right after first use the next key is brand new: rotating needs `force`.
    const early = await call("POST", "/admin/v1/tenants/shop/keys/rotate", { token: admin });
    expect(early.status).toBe(409);
    expect((await json(early)).errors[0].pointer).toBe("#/force");
    const rotated = await call("POST", "/admin/v1/tenants/shop/keys/rotate", { token: admin, body: { force: true } });
    expect(rotated.status).toBe(200);
    const listed = (await json(rotated)).data as { kid: string; status: string; expires_at: string | null }[];
    expect(listed.find((k) => k.kid === formerNext.kid)?.status).toBe("current");
    const retired = listed.find((k) => k.status === "retired")!;
    expect(Date.parse(retired.expires_at!)).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);

    const after = await appToken();
    expect(decodeProtectedHeader(after).kid).toBe(formerNext.kid);
    const published = createLocalJWKSet(await jwks());
    for (const token of [before, after])
      await expect(jwtVerify(token, published, { audience: API })).resolves.toBeTruthy();
    expect((await jwks()).keys).toHaveLength(3);

    const events = await json(
      await call("GET", "/admin/v1/tenants/shop/audit-events?type=signing_keys.rotated", { token: admin }),
    );
    expect(events.data).toHaveLength(1);
    expect(events.data[0].actor_id).toBe(env.ADMIN_CLIENT_ID);
  });

  it("with revoke_previous, tokens of the old key stop verifying at once", async () => {
    // A management token of the tenant itself, signed by the key about to be revoked.
    const manager = await call("POST", "/admin/v1/tenants/shop/clients", {
      token: admin,
      body: { grant_types: ["client_credentials"], scope: "keys:read keys:write" },
    }).then((r) => json(r));
    const managerToken = (
      await json(
        await tokenRequest(
          "shop",
          { grant_type: "client_credentials", resource: "urn:latchkey:management" },
          { Authorization: basic(manager.client_id, manager.client_secret) },
        ),
      )
    ).access_token as string;
    expect((await call("GET", "/admin/v1/tenants/shop/keys", { token: managerToken })).status).toBe(200);

    const response = await call("POST", "/admin/v1/tenants/shop/keys/rotate", {
      token: admin,
      body: { revoke_previous: true, force: true },
    });
    expect(response.status).toBe(200);
    const kids = new Set((await jwks()).keys.map((k) => k.kid));
    expect(kids.has(decodeProtectedHeader(managerToken).kid!)).toBe(false);
    const refused = await call("GET", "/admin/v1/tenants/shop/keys", { token: managerToken });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("rotates only the algorithm asked for", async () => {
    await appToken();
    await call("POST", "/admin/v1/tenants/shop/resources", {
      token: admin,
      body: { identifier: "https://rsa.shop.test", name: "RSA", scopes: [{ value: "read" }], signing_alg: "RS256" },
    });
    await tokenRequest(
      "shop",
      { grant_type: "client_credentials", resource: "https://rsa.shop.test" },
      { Authorization: basic(app.client_id, app.client_secret) },
    );
    const rsaCurrent = (await storedKeys("shop")).find((k) => k.alg === "RS256" && k.status === "current")!.kid;
    await call("POST", "/admin/v1/tenants/shop/keys/rotate", { token: admin, body: { alg: "ES256", force: true } });
    const after = await storedKeys("shop");
    expect(after.find((k) => k.alg === "RS256" && k.status === "current")!.kid).toBe(rsaCurrent);
    expect(after.filter((k) => k.alg === "ES256" && k.status === "retired")).toHaveLength(1);
  });
});

describe("revoking a retired key", () => {
  it("unpublishes it so its tokens stop verifying; current and unknown keys are refused", async () => {
    const before = await appToken();
    const oldKid = decodeProtectedHeader(before).kid!;
    expect((await call("DELETE", `/admin/v1/tenants/shop/keys/${oldKid}`, { token: admin })).status).toBe(409);
    await call("POST", "/admin/v1/tenants/shop/keys/rotate", { token: admin, body: { force: true } });
    await expect(jwtVerify(before, createLocalJWKSet(await jwks()), { audience: API })).resolves.toBeTruthy();

    const revoked = await call("DELETE", `/admin/v1/tenants/shop/keys/${oldKid}`, { token: admin });
    expect(revoked.status).toBe(204);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(oldKid);
    await expect(jwtVerify(before, createLocalJWKSet(await jwks()), { audience: API })).rejects.toThrow();
    expect((await call("DELETE", `/admin/v1/tenants/shop/keys/${oldKid}`, { token: admin })).status).toBe(404);

    const events = await json(
      await call("GET", "/admin/v1/tenants/shop/audit-events?type=signing_keys.revoked", { token: admin }),
    );
    expect(events.data).toHaveLength(1);
    expect(events.data[0].details.kid).toBe(oldKid);
  });
});

describe("the Cron Trigger", () => {
  it("republishes keys whose KV copy was lost (a publish KV refused)", async () => {
    await appToken();
    const id = await tenantId("shop");
    await env.CACHE.delete(`keys:jwks:${id}`);
    await env.CACHE.delete(`keys:signing:${id}`);
    await runCron();
    const jwksCopy = await env.CACHE.get<{ keys: { kid: string }[] }>(`keys:jwks:${id}`, "json");
    expect(jwksCopy?.keys.map((k) => k.kid).sort()).toEqual((await storedKeys("shop")).map((k) => k.kid).sort());
    expect(await env.CACHE.get(`keys:signing:${id}`)).not.toBeNull();
  });

  it("rotates keys older than the rotation period and drops retired keys whose tokens have expired", async () => {
    await appToken();
    const id = await tenantId("shop");
    const past = Math.floor(Date.now() / 1000) - 100 * 86_400;
    // Age the stored keys instead of the clock.
    await env.DB.prepare(
      "UPDATE signing_keys SET created_at = ?, activated_at = CASE WHEN status = 'current' THEN ? END WHERE tenant_id = ?",
    )
      .bind(past, past, id)
      .run();
    const [current] = (await storedKeys("shop")).filter((k) => k.status === "current");
    await runCron();
    const rotated = await storedKeys("shop");
    expect(rotated.find((k) => k.kid === current!.kid)?.status).toBe("retired");
    expect(rotated.filter((k) => k.status === "current")).toHaveLength(1);
    expect(rotated.filter((k) => k.status === "next")).toHaveLength(1);
    // The cache follows: new tokens are signed by the new current key.
    expect(decodeProtectedHeader(await appToken()).kid).toBe(rotated.find((k) => k.status === "current")!.kid);

    await env.DB.prepare("UPDATE signing_keys SET expires_at = ? WHERE tenant_id = ? AND status = 'retired'")
      .bind(past, id)
      .run();
    await runCron();
    const cleaned = await storedKeys("shop");
    expect(cleaned.some((k) => k.kid === current!.kid)).toBe(false);
    expect((await jwks()).keys.some((k) => k.kid === current!.kid)).toBe(false);
  });

  it("leaves fresh keys alone and gives no keys to tenants that never signed", async () => {
    await appToken();
    const before = await storedKeys("shop");
    await createTenant(admin, "idle");
    await runCron();
    expect((await storedKeys("shop")).map((k) => [k.kid, k.status])).toEqual(before.map((k) => [k.kid, k.status]));
    expect(await storedKeys("idle")).toHaveLength(0);
  });

  it("removes client secrets whose overlap has ended", async () => {
    const rotated = await call("POST", `/admin/v1/tenants/shop/clients/${app.client_id}/secrets`, {
      token: admin,
      body: { previous_secret_expires_in: 0 },
    });
    expect(rotated.status).toBe(201);
    const id = await tenantId("shop");
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM client_secrets WHERE tenant_id = ?")
        .bind(id)
        .first<{ n: number }>())!.n;
    expect(await count()).toBe(2);
    await runCron();
    expect(await count()).toBe(1);
  });
});

// Every error the management API answers, driven by the route registry where it can be:
// problem+json of the right type, naming the field or parameter at fault, never a 5xx.
import { generateKeyPair, SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";
import { managementRoutes, MAX_ADMIN_BODY_BYTES } from "../../../src/admin/index";
import { MANAGEMENT_SCOPES } from "../../../src/admin/management-resource";
import { toJsonSchema } from "../../../src/admin/openapi";
import type { AnyRoute } from "../../../src/admin/route";
import { BASE, call, operatorToken } from "../helpers";
import {
  ADMIN,
  api,
  decodeJwt,
  expectProblem,
  fillParams,
  managementClient,
  MANAGEMENT_AUDIENCE,
  newClient,
  newResource,
  newTenant,
  parseChallenge,
  pathOf,
  pathParamsOf,
  populate,
  raw,
  SAMPLE_BODIES,
  sampleBody,
  plausibleParam,
} from "./fixtures";

const bodyRoutes = managementRoutes.filter((r) => r.body);
const tenantRoutes = managementRoutes.filter((r) => r.path.includes("{tenant}"));
const pagedRoutes = managementRoutes.filter(
  (r) => r.query && "limit" in ((toJsonSchema(r.query, "input").properties as object) ?? {}),
);

/** A value of a JSON type the field's schema does not allow. */
function wrongValueFor(schema: Record<string, any>): unknown {
  const variants: Record<string, any>[] = schema.anyOf ?? schema.oneOf ?? [schema];
  const types = new Set(variants.map((v) => v.type).filter(Boolean));
  if (variants.some((v) => Array.isArray(v.enum) && v.enum.every((e: unknown) => typeof e === "string")))
    types.add("string");
  if (types.size === 0) return undefined; // any JSON value is accepted
  return types.has("string") ? 12345 : "not-the-right-type";
}

async function world() {
  const token = await operatorToken();
  await newTenant(token, "acme");
  const acme = await populate(token, "acme");
  return { token, params: acme.params };
}

describe("registry coverage", () => {
  it("has a sample body, accepted by its schema, for every route that takes one", () => {
    expect(bodyRoutes.length).toBeGreaterThan(0);
    for (const route of bodyRoutes) {
      expect(SAMPLE_BODIES, `add a sample body for ${route.operationId} to fixtures.ts`).toHaveProperty(
        route.operationId,
      );
      const parsed = z.safeParse(route.body!, SAMPLE_BODIES[route.operationId]);
      expect(parsed.success, `${route.operationId}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it("declares unique operationIds and one route per method and path", () => {
    const ids = managementRoutes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = managementRoutes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of managementRoutes) {
      expect(Object.keys(MANAGEMENT_SCOPES)).toContain(route.scope);
      expect(route.path.startsWith("/tenants")).toBe(true);
    }
  });
});

describe("request bodies", () => {
  it("refuses malformed JSON with 400 malformed-body, on every route with a body", async () => {
    const { token, params } = await world();
    for (const route of bodyRoutes) {
      const path = pathOf(route, fillParams(route, params));
      for (const body of ['{"name": ', "{'name': 'x'}", '{"a": 1,}', "undefined", "{", "NaN"]) {
        const result = await raw(route.method.toUpperCase(), path, { token, body });
        expectProblem(result, "malformed-body");
      }
      if (!route.bodyOptional) {
        expectProblem(await raw(route.method.toUpperCase(), path, { token, body: "   " }), "malformed-body");
      }
    }
  });

  it("refuses other media types with 415, on every route with a body", async () => {
    const { token, params } = await world();
    for (const route of bodyRoutes) {
      const path = pathOf(route, fillParams(route, params));
      const body = JSON.stringify(sampleBody(route));
      for (const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/json",
        "application/jsonp",
        "",
      ]) {
        const result = await raw(route.method.toUpperCase(), path, { token, body, headers: { "Content-Type": type } });
        expectProblem(result, "unsupported-media-type");
      }
    }
  });

  it("accepts JSON media types with parameters or a +json suffix", async () => {
    const { token, params } = await world();
    for (const type of ["application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"]) {
      const result = await raw("PATCH", `${ADMIN}/tenants/acme/users/${params.user_id}`, {
        token,
        body: JSON.stringify({ nickname: type }),
        headers: { "Content-Type": type },
      });
      expect(result.status, result.text).toBe(200);
      expect(result.body.nickname).toBe(type);
    }
  });

  it(`refuses bodies over ${MAX_ADMIN_BODY_BYTES} bytes with 413, on every route with a body`, async () => {
    const { token, params } = await world();
    const filler = "x".repeat(MAX_ADMIN_BODY_BYTES);
    for (const route of bodyRoutes) {
      const path = pathOf(route, fillParams(route, params));
      const result = await raw(route.method.toUpperCase(), path, {
        token,
        body: JSON.stringify({ ...(sampleBody(route) as object), filler }),
      });
      expectProblem(result, "body-too-large");
    }
    // Just under the limit is read (and then judged on its content).
    const near = JSON.stringify({
      email: "x@example.com",
      nickname: "n",
      padding: "p".repeat(MAX_ADMIN_BODY_BYTES - 100),
    });
    expect(near.length).toBeLessThanOrEqual(MAX_ADMIN_BODY_BYTES);
    expectProblem(await raw("POST", `${ADMIN}/tenants/acme/users`, { token, body: near }), "validation-failed", {
      pointer: "#/padding",
    });
  });

  it("refuses a body that is not a JSON object with 422 pointing at the root", async () => {
    const { token, params } = await world();
    for (const route of bodyRoutes) {
      const path = pathOf(route, fillParams(route, params));
      for (const body of ["[]", '"text"', "42", "true", "null", "[{}]"]) {
        expectProblem(await raw(route.method.toUpperCase(), path, { token, body }), "validation-failed", {
          pointer: "#",
        });
      }
    }
  });

  it("refuses unknown fields with 422 naming each, on every route with a body", async () => {
    const { token, params } = await world();
    for (const route of bodyRoutes) {
      const result = await api(route.operationId, fillParams(route, params), {
        token,
        body: { ...(sampleBody(route) as object), surprise_field: 1, "odd/name~x": true },
      });
      expectProblem(result, "validation-failed", { pointer: "#/surprise_field" });
      expectProblem(result, "validation-failed", { pointer: "#/odd~1name~0x" });
    }
  });

  it("refuses a wrongly typed value for every field of every body, naming the field", async () => {
    const { token, params } = await world();
    let checked = 0;
    for (const route of bodyRoutes) {
      const schema = toJsonSchema(route.body!, "input") as { properties?: Record<string, Record<string, unknown>> };
      for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
        const wrong = wrongValueFor(fieldSchema);
        if (wrong === undefined) continue;
        const result = await api(route.operationId, fillParams(route, params), {
          token,
          body: { ...(sampleBody(route) as object), [field]: wrong },
        });
        expect(result.status, `${route.operationId} with ${field}=${JSON.stringify(wrong)}: ${result.text}`).toBe(422);
        expectProblem(result, "validation-failed", { pointer: `#/${field}` });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("answers deeply nested JSON with a validation problem, not a crash", async () => {
    const { token, params } = await world();
    // About 10 KB: far below the body limit and the 16 KiB custom_attributes limit.
    const depth = 5000;
    const body = `{"custom_attributes":{"deep":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
    expect(body.length).toBeLessThan(16 * 1024);
    const result = await raw("PATCH", `${ADMIN}/tenants/acme/users/${params.user_id}`, { token, body });
    expectProblem(result, "validation-failed", { pointer: "#/custom_attributes" });
  });
});

describe("query parameters", () => {
  it("refuses bad limits and cursors on every paged route, naming the parameter", async () => {
    const { token, params } = await world();
    expect(pagedRoutes.length).toBeGreaterThanOrEqual(6);
    const bogusCursor = btoa("not-a-cursor").replace(/=+$/, "");
    for (const route of pagedRoutes) {
      const p = fillParams(route, params);
      for (const limit of ["0", "-1", "101", "abc", "1.5", "", "1e9"]) {
        expectProblem(await api(route.operationId, p, { token, query: { limit } }), "validation-failed", {
          parameter: "limit",
        });
      }
      for (const cursor of ["bogus!", bogusCursor, "", "%%%"]) {
        expectProblem(await api(route.operationId, p, { token, query: { cursor } }), "validation-failed", {
          parameter: "cursor",
        });
      }
      const ok = await api(route.operationId, p, { token, query: { limit: 100 } });
      expect(ok.status, ok.text).toBe(200);
    }
  });
});

describe("unknown things", () => {
  it("answers 404 for an unknown tenant on every route that names one", async () => {
    const token = await operatorToken();
    for (const route of tenantRoutes) {
      for (const tenant of ["no-such-tenant", "Not_A_Slug", "x"]) {
        const result = await api(route.operationId, fillParams(route, { tenant }), { token, body: sampleBody(route) });
        expect(result.status, `${route.operationId}: ${result.text}`).toBe(404);
        expectProblem(result, "not-found");
      }
    }
  });

  it("answers 404 for an unknown record on every route that names one", async () => {
    const { token } = await world();
    const routes = managementRoutes.filter((r) => pathParamsOf(r).some((p) => p !== "tenant"));
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      const result = await api(route.operationId, fillParams(route, { tenant: "acme" }), {
        token,
        body: sampleBody(route),
      });
      expect(result.status, `${route.operationId}: ${result.text}`).toBe(404);
      expectProblem(result, "not-found");
    }
  });

  it("answers unknown paths under /admin/v1 with a problem", async () => {
    const token = await operatorToken();
    for (const path of [
      `${ADMIN}/nope`,
      `${ADMIN}/`,
      `${ADMIN}/tenants/system/widgets`,
      `${ADMIN}/tenants/system/users/x/y/z`,
    ]) {
      const result = await raw("GET", path, { token });
      expect(result.status, `${path}: ${result.text}`).toBe(404);
      expectProblem(result, "not-found");
    }
  });

  it("answers a method a path does not support with 405 and Allow, on every path", async () => {
    const methodsByPath = new Map<string, Set<string>>();
    for (const route of managementRoutes) {
      const methods = methodsByPath.get(route.path) ?? new Set<string>();
      methods.add(route.method.toUpperCase());
      methodsByPath.set(route.path, methods);
    }
    for (const [path, methods] of methodsByPath) {
      const concrete =
        ADMIN +
        path.replace(/\{(\w+)\}/g, (_, name: string) => (name === "tenant" ? "system" : plausibleParam(name, "1")));
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !methods.has(m))) {
        const result = await raw(method, concrete, method === "GET" || method === "DELETE" ? {} : { body: "{}" });
        expect(result.status, `${method} ${path}: ${result.text}`).toBe(405);
        expectProblem(result, "method-not-allowed");
        const allowed = (result.headers.get("Allow") ?? "").split(",").map((m) => m.trim());
        expect(new Set(allowed), `${method} ${path}`).toEqual(methods);
      }
    }
  });
});

describe("authentication", () => {
  async function expectUnauthorized(
    route: AnyRoute,
    params: Record<string, string>,
    authorization: string | undefined,
    label: string,
  ) {
    const result = await raw(route.method.toUpperCase(), pathOf(route, params), {
      ...(authorization ? { headers: { Authorization: authorization } } : {}),
      ...(route.body ? { body: sampleBody(route) as object } : {}),
    });
    expect(result.status, `${label} ${route.operationId}: ${result.text}`).toBe(401);
    expectProblem(result, "unauthorized");
    return parseChallenge(result.headers.get("WWW-Authenticate"));
  }

  it("refuses a call without a token on every route, with a Bearer challenge", async () => {
    for (const route of managementRoutes) {
      const challenge = await expectUnauthorized(route, fillParams(route, { tenant: "system" }), undefined, "no token");
      expect(challenge.scheme).toBe("Bearer");
      expect(challenge.realm).toBe("latchkey-management");
      // RFC 6750 3.1: no error code when the request carried no credentials.
      expect(challenge.error).toBeUndefined();
    }
  });

  it("refuses an invalid token on every route with error=invalid_token", async () => {
    for (const route of managementRoutes) {
      for (const token of ["not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.eyJpc3MiOjF9."]) {
        const challenge = await expectUnauthorized(
          route,
          fillParams(route, { tenant: "system" }),
          `Bearer ${token}`,
          token,
        );
        expect(challenge.error).toBe("invalid_token");
      }
    }
  });

  it("refuses an expired token", async () => {
    const current = await operatorToken(); // signing keys exist and are cached
    expect(current).toBeTruthy();
    vi.useFakeTimers({ toFake: ["Date"] });
    let expired: string;
    try {
      vi.setSystemTime(Date.now() - 2 * 3600 * 1000);
      expired = await operatorToken();
    } finally {
      vi.useRealTimers();
    }
    expect(decodeJwt(expired).payload.exp * 1000).toBeLessThan(Date.now());
    const result = await api("listTenants", {}, { token: expired });
    expectProblem(result, "unauthorized");
    const challenge = parseChallenge(result.headers.get("WWW-Authenticate"));
    expect(challenge.error).toBe("invalid_token");
    expect(challenge.error_description).toMatch(/expired/);
  });

  it("refuses a token for another audience", async () => {
    const operator = await operatorToken();
    await newTenant(operator, "acme");
    await newResource(operator, "acme", { identifier: "https://api.acme.test", scopes: [{ value: "read:users" }] });
    const client = await newClient(operator, "acme", { grant_types: ["client_credentials"], scope: "read:users" });
    const response = await call("POST", "/t/acme/token", {
      body: new URLSearchParams({ grant_type: "client_credentials", resource: "https://api.acme.test" }).toString(),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`,
      },
    });
    expect(response.status).toBe(200);
    const { access_token, scope } = (await response.json()) as { access_token: string; scope: string };
    expect(scope).toBe("read:users"); // a valid token of this tenant, for another API
    const result = await api("listUsers", { tenant: "acme" }, { token: access_token });
    expectProblem(result, "unauthorized");
    expect(parseChallenge(result.headers.get("WWW-Authenticate")).error).toBe("invalid_token");
  });

  it("refuses forged tokens: unsigned, signed by a stranger, or re-issued under another tenant", async () => {
    const operator = await operatorToken();
    const { header: realHeader, payload: realPayload } = decodeJwt(operator);
    const b64 = (value: object) =>
      btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const unsigned = `${b64({ alg: "none", typ: "at+jwt" })}.${b64(realPayload)}.`;
    const { privateKey } = await generateKeyPair("ES256");
    const stranger = await new SignJWT(realPayload)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: realHeader.kid })
      .sign(privateKey);
    await newTenant(operator, "acme");
    const manager = await managementClient(operator, "acme", "users:read");
    const [h, , s] = manager.token.split(".");
    const { payload: managerPayload } = decodeJwt(manager.token);
    const reissued = `${h}.${b64({ ...managerPayload, iss: `${BASE}/t/system` })}.${s}`;
    const foreignIssuer = await new SignJWT({ ...realPayload, iss: "https://evil.example/t/system" })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt" })
      .sign(privateKey);
    for (const token of [unsigned, stranger, reissued, foreignIssuer]) {
      const result = await api("listTenants", {}, { token });
      expectProblem(result, "unauthorized");
      expect(parseChallenge(result.headers.get("WWW-Authenticate")).error).toBe("invalid_token");
    }
  });

  it("refuses an Authorization header that is not Bearer with 400 invalid_request", async () => {
    const operator = await operatorToken();
    for (const authorization of ["Basic dGVzdDp0ZXN0", `Bearer ${operator} extra`, "Token abc", "Bearer"]) {
      const result = await raw("GET", `${ADMIN}/tenants`, { headers: { Authorization: authorization } });
      expect(result.status, authorization).toBe(400);
      expectProblem(result, "invalid-request");
      expect(parseChallenge(result.headers.get("WWW-Authenticate")).error).toBe("invalid_request");
    }
  });
});

describe("authorization", () => {
  it("refuses every route to a token without its scope: 403 with an insufficient_scope challenge", async () => {
    const scopes = [...new Set(managementRoutes.map((r) => r.scope))];
    for (const scope of scopes) {
      const token = await operatorToken(scope);
      expect(decodeJwt(token).payload.scope).toBe(scope);
      for (const route of managementRoutes) {
        // A tenant that does not exist: the scope is judged first, and nothing changes.
        const params = fillParams(route, { tenant: "no-such-tenant" });
        const result = await api(route.operationId, params, {
          token,
          body: route.operationId === "createTenant" ? { slug: "scoped-tenant" } : sampleBody(route),
        });
        if (route.scope === scope) {
          expect([401, 403], `${route.operationId} with ${scope}: ${result.text}`).not.toContain(result.status);
          continue;
        }
        expect(result.status, `${route.operationId} with ${scope}: ${result.text}`).toBe(403);
        expectProblem(result, "insufficient-scope");
        const challenge = parseChallenge(result.headers.get("WWW-Authenticate"));
        expect(challenge.scheme).toBe("Bearer");
        expect(challenge.error).toBe("insufficient_scope");
        expect(challenge.scope).toBe(route.scope);
      }
    }
  });

  it("a token with no management scope at all is refused everywhere", async () => {
    const operator = await operatorToken();
    await newTenant(operator, "acme");
    await newResource(operator, "acme", { identifier: "https://api.acme.test", scopes: [{ value: "read" }] });
    const client = await newClient(operator, "acme", { grant_types: ["client_credentials"], scope: "read" });
    const response = await call("POST", "/t/acme/token", {
      body: new URLSearchParams({ grant_type: "client_credentials", resource: MANAGEMENT_AUDIENCE }).toString(),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`,
      },
    });
    expect(response.status).toBe(200);
    const { access_token, scope } = (await response.json()) as { access_token: string; scope: string };
    expect(scope).toBe("");
    for (const route of managementRoutes) {
      const result = await api(route.operationId, fillParams(route, { tenant: "acme" }), {
        token: access_token,
        body: sampleBody(route),
      });
      expectProblem(result, "insufficient-scope");
    }
  });
});

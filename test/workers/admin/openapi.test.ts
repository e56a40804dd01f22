import { describe, expect, it } from "vitest";
import { managementRoutes } from "../../../src/admin/index";
import { MANAGEMENT_AUDIENCE, MANAGEMENT_SCOPES } from "../../../src/admin/management-resource";
import { PROBLEM_TYPES } from "../../../src/admin/problem";
import { toJsonSchema } from "../../../src/admin/openapi";
import { CATALOG } from "../../../src/i18n";
import { BASE, call } from "../helpers";
import { pathParamsOf } from "./fixtures";

type Json = Record<string, any>;

async function openapi(): Promise<Json> {
  const response = await call("GET", "/admin/v1/openapi.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  return response.json();
}

/** Follows a local $ref ("#/components/schemas/Problem"). */
function resolve(document: Json, ref: string): unknown {
  expect(ref.startsWith("#/")).toBe(true);
  return ref
    .slice(2)
    .split("/")
    .reduce<any>((node, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], document);
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") found.push(child);
      else refsIn(child, found);
    }
  }
  return found;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

describe("OpenAPI document", () => {
  it("documents the self-service journey endpoints, and every text key a tenant can change", async () => {
    const document = await openapi();
    const expected: [string, string[]][] = [
      ["/tenants/{tenant}/branding", ["get", "put", "patch"]],
      ["/tenants/{tenant}/texts/{locale}", ["get", "patch"]],
      ["/tenants/{tenant}/attributes", ["get", "post"]],
      ["/tenants/{tenant}/attributes/{name}", ["get", "patch", "delete"]],
      ["/tenants/{tenant}/users/{user_id}/consent-records", ["get"]],
    ];
    for (const [path, methods] of expected)
      expect(Object.keys(document.paths[path] ?? {}).sort(), path).toEqual(methods.sort());
    const texts =
      document.paths["/tenants/{tenant}/texts/{locale}"].patch.requestBody.content["application/json"].schema;
    expect(Object.keys(texts.properties).sort()).toEqual(Object.keys(CATALOG.en).sort());
    const tenant = document.paths["/tenants/{tenant}"].patch.requestBody.content["application/json"].schema;
    for (const field of [
      "default_locale",
      "sign_up_attributes",
      "profiling_rules",
      "terms_url",
      "audit_retention_days",
    ])
      expect(tenant.properties, field).toHaveProperty(field);
    const user =
      document.paths["/tenants/{tenant}/users/{user_id}"].get.responses["200"].content["application/json"].schema;
    for (const field of ["status", "sign_in_count", "deleted_at"]) expect(user.properties, field).toHaveProperty(field);
  });

  it("is an OpenAPI 3.1 document, public and cacheable, for this server", async () => {
    const response = await call("GET", "/admin/v1/openapi.json");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    const document = (await response.json()) as Json;
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).toBeTypeOf("string");
    expect(document.info.version).toBeTypeOf("string");
    expect(document.servers).toEqual([{ url: `${BASE}/admin/v1` }]);
  });

  it("has exactly one operation per route, with its method, path, operationId, tag and scope", async () => {
    const document = await openapi();
    const operations: [string, string, Json][] = [];
    for (const [path, item] of Object.entries<Json>(document.paths)) {
      for (const [method, operation] of Object.entries<Json>(item)) {
        if (HTTP_METHODS.includes(method)) operations.push([path, method, operation]);
      }
    }
    expect(operations).toHaveLength(managementRoutes.length);
    const ids = operations.map(([, , op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const route of managementRoutes) {
      const operation = document.paths[route.path]?.[route.method];
      expect(operation, `${route.method.toUpperCase()} ${route.path} is missing`).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      expect(operation.summary).toBe(route.summary);
      expect(operation.tags).toEqual([route.tag]);
      expect(operation.security).toEqual([{ oauth2: [route.scope] }]);
    }
  });

  it("documents every path and query parameter, and a request body exactly where a route takes one", async () => {
    const document = await openapi();
    for (const route of managementRoutes) {
      const operation = document.paths[route.path][route.method];
      const parameters = operation.parameters as Json[];
      for (const name of pathParamsOf(route)) {
        const parameter = parameters.find((p) => p.name === name && p.in === "path");
        expect(parameter, `${route.operationId}: path parameter ${name}`).toBeDefined();
        expect(parameter!.required).toBe(true);
      }
      const queryNames = parameters
        .filter((p) => p.in === "query")
        .map((p) => p.name)
        .sort();
      const declared = route.query
        ? Object.keys((toJsonSchema(route.query, "input").properties as Json) ?? {}).sort()
        : [];
      expect(queryNames, route.operationId).toEqual(declared);
      if (queryNames.includes("limit")) {
        const limit = parameters.find((p) => p.name === "limit")!.schema;
        expect(limit).toMatchObject({ minimum: 1, maximum: 100, default: 50 });
      }

      if (route.body) {
        expect(operation.requestBody, `${route.operationId} takes a body`).toBeDefined();
        expect(operation.requestBody.required).toBe(!route.bodyOptional);
        const schema = operation.requestBody.content["application/json"].schema;
        expect(schema.type).toBe("object");
        // Unknown fields are refused (errors.test.ts), and the document says so.
        expect(schema.additionalProperties, route.operationId).toBe(false);
        expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
      } else {
        expect(operation.requestBody, `${route.operationId} takes no body`).toBeUndefined();
      }
    }
  });

  it("documents each declared response, and problem details for errors", async () => {
    const document = await openapi();
    for (const route of managementRoutes) {
      const responses = document.paths[route.path][route.method].responses as Json;
      for (const [status, spec] of Object.entries(route.responses)) {
        const documented = responses[status];
        expect(documented, `${route.operationId} ${status}`).toBeDefined();
        expect(documented.description).toBe(spec.description);
        if (spec.schema) expect(documented.content["application/json"].schema.type).toBe("object");
        if (Number(status) >= 400)
          expect(documented.content["application/problem+json"].schema).toEqual({
            $ref: "#/components/schemas/Problem",
          });
      }
      expect(responses["4XX"].content["application/problem+json"].schema).toEqual({
        $ref: "#/components/schemas/Problem",
      });
    }
    expect(document.components.schemas.Problem.required).toEqual(["type", "title", "status", "detail"]);
  });

  it("has no dangling $ref: every reference resolves against the document", async () => {
    const document = await openapi();
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    // In an OpenAPI document, "#/..." is resolved from the document root.
    const dangling = [...new Set(refs.filter((ref) => resolve(document, ref) === undefined))];
    expect(dangling, "references that resolve to nothing").toEqual([]);
  });

  it("describes the OAuth 2.0 client credentials security scheme with every management scope", async () => {
    const document = await openapi();
    const scheme = document.components.securitySchemes.oauth2;
    expect(scheme.type).toBe("oauth2");
    expect(scheme.flows.clientCredentials.tokenUrl).toBe(`${BASE}/t/system/token`);
    expect(scheme.flows.clientCredentials.scopes).toEqual(MANAGEMENT_SCOPES);
    expect(scheme.description).toContain(MANAGEMENT_AUDIENCE);
    const problemTypes = document["x-problem-types"] as Json;
    for (const [name, problem] of Object.entries(PROBLEM_TYPES)) {
      expect(problemTypes[`${BASE}/admin/v1/docs#problem-${name}`]).toEqual(problem);
    }
  });
});

describe("reference page", () => {
  it("lists and anchors every operation and problem type, as plain HTML", async () => {
    const response = await call("GET", "/admin/v1/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/^<!DOCTYPE html>|^<html/i);
    for (const route of managementRoutes) {
      expect(html, route.operationId).toContain(`id="operation-${route.operationId}"`);
      expect(html, route.operationId).toContain(`href="#operation-${route.operationId}"`);
      expect(html, route.operationId).toContain(`/admin/v1${route.path}`);
    }
    // Problem type URIs point here; each must land on its entry.
    for (const name of Object.keys(PROBLEM_TYPES)) expect(html).toContain(`id="problem-${name}"`);
    for (const scope of Object.keys(MANAGEMENT_SCOPES)) expect(html).toContain(`<code>${scope}</code>`);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<link\b[^>]*stylesheet/i);
  });

  it("is served with the HTML security headers", async () => {
    const response = await call("GET", "/admin/v1/docs");
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    const directives = new Map(
      csp
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .filter((parts) => parts[0])
        .map((parts) => [parts[0]!, parts.slice(1)]),
    );
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.has("script-src")).toBe(false);
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
  });
});

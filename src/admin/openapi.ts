// The OpenAPI 3.1 document of the management API, generated from the route declarations
// (src/admin/routes) and their zod schemas: what validates a request is what documents it.
import * as z from "zod/mini";
import { MANAGEMENT_AUDIENCE, MANAGEMENT_SCOPES } from "./management-resource";
import { PROBLEM_TYPES, problemTypeUri } from "./problem";
import type { AnyRoute } from "./route";

type JsonSchema = Record<string, unknown>;

export function toJsonSchema(schema: z.ZodMiniType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  delete json.$schema;
  // Embedded in OpenAPI, "#/$defs/..." would resolve from the document root: schemas
  // must stay self-contained (no recursive types such as z.json()).
  if (json.$defs) throw new Error("management API schemas must not need $defs (recursive schema?)");
  return json;
}

const problemSchema: JsonSchema = {
  type: "object",
  description: "RFC 9457 problem details",
  properties: {
    type: { type: "string", format: "uri", description: "Identifies the problem type; links to its description" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string", description: "What went wrong with this request" },
    instance: { type: "string", description: "The request path" },
    errors: {
      type: "array",
      description: "The fields at fault",
      items: {
        type: "object",
        properties: {
          pointer: { type: "string", description: "JSON pointer (as a URI fragment) into the request body" },
          parameter: { type: "string", description: "Name of the path or query parameter" },
          detail: { type: "string" },
        },
        required: ["detail"],
      },
    },
  },
  required: ["type", "title", "status", "detail"],
};

const PATH_PARAMETER_DESCRIPTIONS: Record<string, string> = {
  tenant: "Tenant slug",
  user_id: "User id",
  client_id: "client_id of the client",
  resource_id: "API resource id",
  role_id: "Role id",
  secret_id: "Secret id",
  kid: "Key id (the JWK thumbprint)",
  locale: "Language: en, de, fr or es",
  name: "Name of the custom attribute",
  factor_id: "A passkey's credential id or an authenticator app's id, as the factor list gives them",
};

function parametersOf(route: AnyRoute): JsonSchema[] {
  const parameters: JsonSchema[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    description: PATH_PARAMETER_DESCRIPTIONS[m[1]!] ?? m[1],
    schema: { type: "string" },
  }));
  if (route.query) {
    const query = toJsonSchema(route.query, "input");
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((query.properties as Record<string, JsonSchema>) ?? {})) {
      parameters.push({
        name,
        in: "query",
        required: required.has(name),
        ...(schema.description ? { description: schema.description } : {}),
        schema,
      });
    }
  }
  return parameters;
}

const problemContent = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };

function operationOf(route: AnyRoute): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const isError = Number(status) >= 400;
    responses[status] = {
      description: spec.description,
      ...(spec.schema
        ? { content: { "application/json": { schema: toJsonSchema(spec.schema, "output") } } }
        : isError
          ? { content: problemContent }
          : {}),
    };
  }
  responses["4XX"] = { description: "Problem details (see the problem types)", content: problemContent };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: [{ oauth2: [route.scope] }],
    "x-latchkey-access":
      route.access === "system" ? "system operators" : "system operators, or the tenant's own management clients",
    parameters: parametersOf(route),
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: { "application/json": { schema: toJsonSchema(route.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

const documents = new Map<string, JsonSchema>();

export function openApiDocument(baseUrl: string, routes: AnyRoute[]): JsonSchema {
  const cached = documents.get(baseUrl);
  if (cached) return cached;
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method] = operationOf(route);
  }
  const document = {
    openapi: "3.1.0",
    info: {
      title: "Latchkey management API",
      version: "1",
      description: `Manage tenants, users, clients, API resources, roles, signing keys, and the branding, texts and custom attributes of the hosted pages. Authenticate with a Bearer access token for the audience \`${MANAGEMENT_AUDIENCE}\`, obtained with the client_credentials grant from the \`system\` tenant (operators: every tenant) or from a tenant's own token endpoint (that tenant only). Errors are RFC 9457 problem details.`,
    },
    servers: [{ url: `${baseUrl}/admin/v1` }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        oauth2: {
          type: "oauth2",
          description: `Token requests must name resource=${MANAGEMENT_AUDIENCE} unless it is the tenant's default resource.`,
          flows: {
            clientCredentials: {
              tokenUrl: `${baseUrl}/t/system/token`,
              scopes: MANAGEMENT_SCOPES,
            },
          },
        },
      },
    },
    "x-problem-types": Object.fromEntries(
      Object.entries(PROBLEM_TYPES).map(([name, p]) => [
        problemTypeUri(baseUrl, name as keyof typeof PROBLEM_TYPES),
        p,
      ]),
    ),
  };
  documents.set(baseUrl, document);
  return document;
}

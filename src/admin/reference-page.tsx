/** @jsxImportSource hono/jsx */
// The human-readable management API reference, rendered from the same OpenAPI document
// served at /admin/v1/openapi.json. Plain HTML: no scripts, no external assets.
import type { FC } from "hono/jsx";
import { MANAGEMENT_AUDIENCE, MANAGEMENT_SCOPES } from "./management-resource";
import { PROBLEM_TYPES } from "./problem";

type JsonSchema = Record<string, unknown>;
type Operation = JsonSchema & {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: { oauth2: string[] }[];
  "x-latchkey-access": string;
  parameters: { name: string; in: string; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
};

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) return variants.map(typeOf).join(" | ");
  if (schema.type === "array") return `array of ${typeOf((schema.items as JsonSchema) ?? {})}`;
  if (typeof schema.type === "string") return schema.format ? `${schema.type} (${schema.format})` : schema.type;
  return "any";
}

function constraintsOf(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined && schema.minimum !== Number.MIN_SAFE_INTEGER) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && schema.maximum !== Number.MAX_SAFE_INTEGER) parts.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(", ");
}

interface Row {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

/** Flattens nested objects and arrays of objects into dotted rows: address.locality, scopes[].value. */
function rowsOf(schema: JsonSchema, prefix = ""): Row[] {
  const object = ((schema.anyOf as JsonSchema[] | undefined)?.find((s) => s.type === "object") ?? schema) as JsonSchema;
  const properties = object.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return [];
  const required = new Set((object.required as string[] | undefined) ?? []);
  const rows: Row[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const full = `${prefix}${name}`;
    rows.push({ name: full, schema: property, required: required.has(name) });
    const items = property.type === "array" ? (property.items as JsonSchema | undefined) : undefined;
    if (items) rows.push(...rowsOf(items, `${full}[].`));
    else rows.push(...rowsOf(property, `${full}.`));
  }
  return rows;
}

const FieldTable: FC<{ schema: JsonSchema }> = ({ schema }) => {
  const rows = rowsOf(schema);
  if (rows.length === 0) return <p class="muted">{typeOf(schema)}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Notes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr>
            <td>
              <code>{row.name}</code>
              {row.required ? <span class="req"> required</span> : null}
            </td>
            <td>{typeOf(row.schema)}</td>
            <td>
              {(row.schema.description as string | undefined) ?? ""}
              {constraintsOf(row.schema) ? <span class="muted"> {constraintsOf(row.schema)}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

const OperationSection: FC<{ method: string; path: string; operation: Operation }> = ({ method, path, operation }) => (
  <section id={`operation-${operation.operationId}`} class="operation">
    <h3>
      <span class={`method ${method}`}>{method.toUpperCase()}</span> <code>/admin/v1{path}</code>
    </h3>
    <p>
      <strong>{operation.summary}.</strong> {operation.description ?? ""}
    </p>
    <p class="muted">
      Scope <code>{operation.security[0]?.oauth2[0]}</code>; allowed for {operation["x-latchkey-access"]}.
    </p>
    {operation.parameters.length > 0 ? (
      <>
        <h4>Parameters</h4>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">In</th>
              <th scope="col">Type</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {operation.parameters.map((p) => (
              <tr>
                <td>
                  <code>{p.name}</code>
                  {p.required ? <span class="req"> required</span> : null}
                </td>
                <td>{p.in}</td>
                <td>{typeOf(p.schema)}</td>
                <td>
                  {p.description ?? ""} <span class="muted">{constraintsOf(p.schema)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    ) : null}
    {operation.requestBody ? (
      <>
        <h4>Request body {operation.requestBody.required ? "" : "(optional)"}</h4>
        <FieldTable schema={operation.requestBody.content["application/json"].schema} />
      </>
    ) : null}
    <h4>Responses</h4>
    <ul>
      {Object.entries(operation.responses).map(([status, response]) => (
        <li>
          <code>{status}</code> {response.description}
          {response.content?.["application/json"] ? (
            <details>
              <summary>Fields</summary>
              <FieldTable schema={response.content["application/json"].schema} />
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  </section>
);

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}
main{max-width:72rem;margin:0 auto;padding:1rem 1.25rem 4rem}
h1{font-size:1.8rem}h2{margin-top:2.5rem;border-bottom:1px solid #d0d7de}
h3{font-size:1.1rem;margin-bottom:.25rem}h4{margin:.75rem 0 .25rem}
code{font:14px ui-monospace,monospace;background:#f3f4f6;padding:0 .2em;border-radius:3px}
pre{background:#f3f4f6;padding:.75rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem;font-size:14px}
th,td{text-align:left;border-bottom:1px solid #e5e7eb;padding:.3rem .5rem;vertical-align:top}
.muted{color:#57606a}.req{color:#9a3412;font-size:12px}
.method{font:700 13px ui-monospace,monospace;padding:.1rem .4rem;border-radius:3px;color:#fff;background:#0f5132}
.method.post{background:#1d4ed8}.method.patch{background:#7c2d12}.method.delete{background:#9f1239}
.operation{border-top:1px solid #e5e7eb;padding-top:.5rem}
nav ul{columns:2}a{color:#0b57d0}
`;

export const ReferencePage: FC<{ document: JsonSchema; baseUrl: string }> = ({ document, baseUrl }) => {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  const tags = (document.tags as { name: string }[]).map((t) => t.name);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Latchkey management API reference</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <main>
          <h1>Latchkey management API</h1>
          <p>
            Base URL <code>{baseUrl}/admin/v1</code>. The machine-readable description is{" "}
            <a href="/admin/v1/openapi.json">openapi.json</a> (OpenAPI 3.1), generated from the schemas that validate
            each request. JSON bodies use snake_case; lists take <code>limit</code> and <code>cursor</code> and answer{" "}
            <code>next_cursor</code>.
          </p>
          <h2 id="authentication">Authentication</h2>
          <p>
            Every call needs a Bearer access token for the audience <code>{MANAGEMENT_AUDIENCE}</code>, from the
            client_credentials grant. Clients of the <code>system</code> tenant manage every tenant; a tenant's own
            clients, given management scopes, manage only that tenant (ask that tenant's token endpoint).
          </p>
          <pre>
            {`curl -s -u "$ADMIN_CLIENT_ID:$ADMIN_CLIENT_SECRET" \\
  -d grant_type=client_credentials -d resource=${MANAGEMENT_AUDIENCE} \\
  ${baseUrl}/t/system/token

curl -s -H "Authorization: Bearer $TOKEN" ${baseUrl}/admin/v1/tenants`}
          </pre>
          <h3>Scopes</h3>
          <table>
            <tbody>
              {Object.entries(MANAGEMENT_SCOPES).map(([scope, description]) => (
                <tr>
                  <td>
                    <code>{scope}</code>
                  </td>
                  <td>{description}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2 id="operations">Operations</h2>
          <nav aria-label="Operations">
            <ul>
              {operations.map(({ method, path, operation }) => (
                <li>
                  <a href={`#operation-${operation.operationId}`}>
                    {method.toUpperCase()} {path}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {tags.map((tag) => (
            <>
              <h2 id={`tag-${tag.replaceAll(" ", "-").toLowerCase()}`}>{tag}</h2>
              {operations
                .filter(({ operation }) => operation.tags.includes(tag))
                .map(({ method, path, operation }) => (
                  <OperationSection method={method} path={path} operation={operation} />
                ))}
            </>
          ))}
          <h2 id="problems">Problem types</h2>
          <p>
            Errors are <code>application/problem+json</code> (RFC 9457). <code>errors</code> names each field at fault,
            by JSON <code>pointer</code> into the body or by <code>parameter</code> name.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Meaning</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(PROBLEM_TYPES).map(([name, problem]) => (
                <tr id={`problem-${name}`}>
                  <td>
                    <code>{name}</code>
                  </td>
                  <td>{problem.status}</td>
                  <td>{problem.title}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </main>
      </body>
    </html>
  );
};

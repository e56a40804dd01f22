// Clients (apps) of a tenant, with RFC 7591 metadata, and their secrets.
import * as z from "zod/mini";
import { generateClientSecret } from "../../clients/secrets";
import { SYSTEM_TENANT_SLUG } from "../../config";
import { randomToken } from "../../crypto/encoding";
import type { Client } from "../../directory";
import { isManagementScope } from "../management-resource";
import { invalidField, notFound, Problem } from "../problem";
import { defineRoute, managementAudit, validate, type AdminContext } from "../route";
import {
  CLIENT_DEFAULTS,
  clientCreateSchema,
  clientSchema,
  clientUpdateSchema,
  clientWithSecretSchema,
  completeClientSchema,
  fromApiMetadata,
  newSecretSchema,
  presentClient,
  presentSecret,
  rotateSecretSchema,
  secretSchema,
  toApiMetadata,
} from "../schemas/clients";
import { listOf, page, paginationQuery } from "../schemas/common";
import { nowSeconds } from "../../config";

const tenantOnly = z.object({ tenant: z.string() });
const clientParams = z.object({ tenant: z.string(), client_id: z.string() });
const secretParams = z.extend(clientParams, { secret_id: z.string() });

const usesSecret = (method: string) => method === "client_secret_basic" || method === "client_secret_post";

async function existingClient(c: AdminContext, clientId: string): Promise<Client> {
  const client = await c.var.directory.clients.get(clientId);
  if (!client) throw notFound(`there is no client '${clientId}' in this tenant`);
  return client;
}

/**
 * Management scopes a client is newly given must be held by the caller, so that a
 * management client cannot mint a more powerful one; tenants:* only make sense in the
 * system tenant.
 */
function checkGrantableScopes(c: AdminContext, scope: string, previous = "") {
  const before = new Set(previous.split(" "));
  for (const value of scope.split(" ").filter(Boolean)) {
    if (!isManagementScope(value) || before.has(value)) continue;
    if (value.startsWith("tenants:") && c.var.target.slug !== SYSTEM_TENANT_SLUG)
      throw invalidField(["scope"], `'${value}' can only be given to clients of the system tenant`);
    if (!c.var.principal.scopes.has(value)) {
      const detail = `you cannot give '${value}': your access token does not hold it`;
      throw new Problem("insufficient-scope", detail, [{ pointer: "#/scope", detail }]);
    }
  }
}

/**
 * Changing a client (its metadata, its secrets, its existence) can hand over its
 * credentials, so a caller may only change clients whose management scopes it holds
 * itself: a clients:write token cannot take over a users:write client.
 */
function requireCallerCovers(c: AdminContext, client: Client) {
  for (const value of client.scope.split(" ").filter(isManagementScope)) {
    if (!c.var.principal.scopes.has(value))
      throw new Problem(
        "insufficient-scope",
        `this client holds '${value}', which your access token does not: you cannot change it`,
      );
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const clientRoutes = [
  defineRoute({
    method: "post",
    path: "/tenants/{tenant}/clients",
    operationId: "createClient",
    summary: "Register a client (app)",
    description:
      "Takes RFC 7591 client metadata. Confidential clients get a `client_secret`, shown in this response only. Defaults follow RFC 7591: grant_types [authorization_code], response_types [code], token_endpoint_auth_method client_secret_basic.",
    tag: "Clients",
    scope: "clients:write",
    access: "tenant",
    params: tenantOnly,
    body: clientCreateSchema,
    responses: {
      201: { description: "The client, with its secret when it has one", schema: clientWithSecretSchema },
      409: { description: "A client with this client_id exists" },
    },
    async handler(c, { body }) {
      const { client_id: chosenId, ...metadata } = body;
      const clientId = chosenId ?? randomToken(18);
      if (c.var.target.slug === SYSTEM_TENANT_SLUG && clientId === c.env.ADMIN_CLIENT_ID)
        throw new Problem("conflict", "this client_id belongs to the bootstrap operator", [
          { pointer: "#/client_id", detail: "is taken" },
        ]);
      const given = withoutUndefined(metadata);
      // RFC 7591 defaults response_types to ["code"]; a client registered without the
      // authorization_code grant plainly means none.
      given.response_types ??= (given.grant_types ?? CLIENT_DEFAULTS.grant_types).includes("authorization_code")
        ? ["code"]
        : [];
      const complete = validate(completeClientSchema, { ...CLIENT_DEFAULTS, ...given }, "body");
      checkGrantableScopes(c, complete.scope);
      const secret = usesSecret(complete.token_endpoint_auth_method) ? await generateClientSecret() : undefined;
      const client = await c.var.directory.clients.create(
        fromApiMetadata(clientId, complete),
        secret && { secretHash: secret.secretHash, hint: secret.hint },
        managementAudit(c, "client.created"),
      );
      return c.json(
        {
          ...presentClient(client),
          ...(secret ? { client_secret: secret.secret, client_secret_expires_at: 0 } : {}),
        },
        201,
        { Location: `/admin/v1/tenants/${c.var.target.slug}/clients/${encodeURIComponent(client.clientId)}` },
      );
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/clients",
    operationId: "listClients",
    summary: "List clients",
    tag: "Clients",
    scope: "clients:read",
    access: "tenant",
    params: tenantOnly,
    query: paginationQuery,
    responses: { 200: { description: "A page of clients", schema: listOf(clientSchema) } },
    async handler(c, { query }) {
      const rows = await c.var.directory.clients.list({
        limit: query.limit + 1,
        ...(query.cursor ? { after: query.cursor } : {}),
      });
      return c.json(page(rows, query.limit, (r) => r.clientId, presentClient));
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/clients/{client_id}",
    operationId: "getClient",
    summary: "Get a client",
    tag: "Clients",
    scope: "clients:read",
    access: "tenant",
    params: clientParams,
    responses: { 200: { description: "The client", schema: clientSchema } },
    async handler(c, { params }) {
      return c.json(presentClient(await existingClient(c, params.client_id)));
    },
  }),
  defineRoute({
    method: "patch",
    path: "/tenants/{tenant}/clients/{client_id}",
    operationId: "updateClient",
    summary: "Update a client",
    description:
      "Changes the given metadata; the result must be consistent as a whole. Switching to a secret-based authentication method returns a new `client_secret`; switching away deletes the client's secrets.",
    tag: "Clients",
    scope: "clients:write",
    access: "tenant",
    params: clientParams,
    body: clientUpdateSchema,
    responses: { 200: { description: "The updated client", schema: clientWithSecretSchema } },
    async handler(c, { params, body }) {
      const existing = await existingClient(c, params.client_id);
      requireCallerCovers(c, existing);
      const complete = validate(
        completeClientSchema,
        { ...toApiMetadata(existing), ...withoutUndefined(body) },
        "body",
      );
      checkGrantableScopes(c, complete.scope, existing.scope);
      const hadSecret = usesSecret(existing.tokenEndpointAuthMethod);
      const needsSecret = usesSecret(complete.token_endpoint_auth_method);
      const secret = needsSecret && !hadSecret ? await generateClientSecret() : undefined;
      const { clientId: _id, ...metadata } = fromApiMetadata(existing.clientId, complete);
      const updated = await c.var.directory.clients.update(
        existing.clientId,
        metadata,
        {
          removeAll: hadSecret && !needsSecret,
          ...(secret ? { newSecret: { secretHash: secret.secretHash, hint: secret.hint } } : {}),
        },
        managementAudit(c, "client.updated", { fields: Object.keys(body) }),
      );
      if (!updated) throw notFound(`there is no client '${params.client_id}' in this tenant`);
      return c.json({
        ...presentClient(updated),
        ...(secret ? { client_secret: secret.secret, client_secret_expires_at: 0 } : {}),
      });
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/clients/{client_id}",
    operationId: "deleteClient",
    summary: "Delete a client",
    description:
      "Its secrets stop working within 15 seconds (Worker instances cache a client that long). Access tokens already issued stay valid until they expire.",
    tag: "Clients",
    scope: "clients:write",
    access: "tenant",
    params: clientParams,
    responses: { 204: { description: "Deleted" } },
    async handler(c, { params }) {
      const client = await existingClient(c, params.client_id);
      requireCallerCovers(c, client);
      await c.var.directory.clients.delete(client.clientId, managementAudit(c, "client.deleted"));
      return c.body(null, 204);
    },
  }),
  defineRoute({
    method: "get",
    path: "/tenants/{tenant}/clients/{client_id}/secrets",
    operationId: "listClientSecrets",
    summary: "List a client's working secrets",
    description:
      "Secrets are never shown again after creation: the list gives each one's id, last characters and expiry.",
    tag: "Clients",
    scope: "clients:read",
    access: "tenant",
    params: clientParams,
    responses: { 200: { description: "The secrets", schema: z.object({ data: z.array(secretSchema) }) } },
    async handler(c, { params }) {
      const client = await existingClient(c, params.client_id);
      const secrets = await c.var.directory.clients.listSecrets(client.clientId);
      return c.json({ data: secrets.map(presentSecret) });
    },
  }),
  defineRoute({
    method: "post",
    path: "/tenants/{tenant}/clients/{client_id}/secrets",
    operationId: "rotateClientSecret",
    summary: "Rotate a client's secret",
    description:
      "Creates a new secret. The secrets in use keep working for `previous_secret_expires_in` seconds (default one day), time to deploy the new one; 0 revokes them within 15 seconds (Worker instances cache a client that long).",
    tag: "Clients",
    scope: "clients:write",
    access: "tenant",
    params: clientParams,
    body: rotateSecretSchema,
    bodyOptional: true,
    responses: {
      201: { description: "The new secret, shown once", schema: newSecretSchema },
      409: { description: "The client does not authenticate with a secret" },
    },
    async handler(c, { params, body }) {
      const client = await existingClient(c, params.client_id);
      requireCallerCovers(c, client);
      if (!usesSecret(client.tokenEndpointAuthMethod))
        throw new Problem("conflict", `this client authenticates with ${client.tokenEndpointAuthMethod}, not a secret`);
      const secret = await generateClientSecret();
      const previousExpireAt = nowSeconds() + body.previous_secret_expires_in;
      const record = await c.var.directory.clients.rotateSecret(
        client.clientId,
        { secretHash: secret.secretHash, hint: secret.hint },
        previousExpireAt,
        managementAudit(c, "client.secret_rotated", { previous_secret_expires_in: body.previous_secret_expires_in }),
      );
      return c.json({ ...presentSecret(record), client_secret: secret.secret }, 201);
    },
  }),
  defineRoute({
    method: "delete",
    path: "/tenants/{tenant}/clients/{client_id}/secrets/{secret_id}",
    operationId: "revokeClientSecret",
    summary: "Revoke one secret",
    description: "The secret stops working within 15 seconds (Worker instances cache a client that long).",
    tag: "Clients",
    scope: "clients:write",
    access: "tenant",
    params: secretParams,
    responses: { 204: { description: "Revoked" } },
    async handler(c, { params }) {
      const client = await existingClient(c, params.client_id);
      requireCallerCovers(c, client);
      const secrets = await c.var.directory.clients.listSecrets(client.clientId);
      if (!secrets.some((s) => s.id === params.secret_id))
        throw notFound(`the client has no working secret '${params.secret_id}'`);
      await c.var.directory.clients.revokeSecret(
        client.clientId,
        params.secret_id,
        managementAudit(c, "client.secret_revoked", { secret: params.secret_id }),
      );
      return c.body(null, 204);
    },
  }),
];

// Client authentication at the token, PAR, revocation and introspection endpoints
// (RFC 6749 2.3, RFC 7523, OIDC Core 9): client_secret_basic, client_secret_post,
// private_key_jwt, or none for public clients. A client must use the method it
// registered; the bootstrap operator may use either secret method.
import type { Context } from "hono";
import { assertedClientId, CLIENT_ASSERTION_TYPE, verifyClientAssertion } from "../clients/assertion";
import { bootstrapOperator } from "../clients/bootstrap-operator";
import { matchesAnySecret } from "../clients/secrets";
import { issuerFor, SYSTEM_TENANT_SLUG } from "../config";
import { sha256Base64url } from "../crypto/encoding";
import { openDirectory, type Client, type Directory, type Tenant } from "../directory";
import { ephemeralStore } from "../ephemeral";
import type { AppEnv, Env } from "../env";
import type { RequestStats } from "../storage/database";
import { clientIpOf } from "../http/client-ip";
import { InvalidClient, InvalidRequest } from "./errors";
import type { TokenParameters } from "./token/parameters";

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt" | "none";

export interface AuthenticatedClient {
  client: Client;
  method: ClientAuthMethod;
}

interface PresentedCredentials {
  clientId: string;
  secret?: string;
  assertion?: string;
  method: ClientAuthMethod;
}

function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replaceAll("+", " "));
}

/** Reads who the client says it is, refusing ambiguous or malformed combinations. */
export function presentedCredentials(
  authorization: string | undefined,
  params: TokenParameters,
  realm: string,
): PresentedCredentials {
  const bodyId = params.get("client_id");
  const bodySecret = params.get("client_secret");
  const assertionType = params.get("client_assertion_type");
  const assertion = params.get("client_assertion");

  const basic = /^basic\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (authorization !== undefined && /^basic\b/i.test(authorization) && !basic)
    throw new InvalidClient("malformed Basic authorization header", realm);
  const methods = [basic !== null, bodySecret !== undefined, assertion !== undefined || assertionType !== undefined];
  if (methods.filter(Boolean).length > 1)
    throw new InvalidRequest("the client authenticated with more than one method");

  if (basic) {
    let clientId: string;
    let secret: string;
    try {
      const userPass = atob(basic[1]!);
      const colon = userPass.indexOf(":");
      if (colon < 0) throw new Error("no colon");
      // RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
      clientId = decodeFormComponent(userPass.slice(0, colon));
      secret = decodeFormComponent(userPass.slice(colon + 1));
    } catch {
      throw new InvalidClient("malformed Basic authorization header", realm);
    }
    if (bodyId !== undefined && bodyId !== clientId)
      throw new InvalidRequest("client_id in the body does not match the authenticated client");
    return { clientId, secret, method: "client_secret_basic" };
  }
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== CLIENT_ASSERTION_TYPE)
      throw new InvalidClient(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`, realm);
    if (!assertion) throw new InvalidClient("client_assertion is required", realm);
    const asserted = assertedClientId(assertion);
    if (!asserted) throw new InvalidClient("client_assertion is not a JWT naming its client in sub", realm);
    if (bodyId !== undefined && bodyId !== asserted)
      throw new InvalidRequest("client_id does not match the client the assertion names");
    return { clientId: asserted, assertion, method: "private_key_jwt" };
  }
  if (!bodyId) throw new InvalidClient("client authentication is required", realm);
  if (bodySecret !== undefined) return { clientId: bodyId, secret: bodySecret, method: "client_secret_post" };
  return { clientId: bodyId, method: "none" };
}

/** Why a known client failed to authenticate: recorded in the audit trail, never told to the caller. */
export type ClientAuthFailure = "wrong_secret" | "wrong_method" | "bad_assertion" | "replayed_assertion";

/**
 * Every failure gets the same answer and costs the same hashing, so neither the message
 * nor the timing tells whether a client id exists. Failures of existing clients are
 * reported to `onFailure` for the audit trail.
 */
export async function authenticateClient(
  env: Env,
  directory: Directory,
  tenant: Pick<Tenant, "id" | "slug">,
  credentials: PresentedCredentials,
  realm: string,
  assertionAudiences: string[],
  onFailure: (clientId: string, reason: ClientAuthFailure, detail?: string) => void = () => {},
  stats?: RequestStats,
): Promise<AuthenticatedClient> {
  // Built only when needed: an Error captures a stack trace, which the success path need not pay for.
  const failed = () => new InvalidClient("client authentication failed", realm);
  const spendHashing = async () => {
    if (credentials.secret !== undefined) await matchesAnySecret(credentials.secret, []);
  };

  const operator = tenant.slug === SYSTEM_TENANT_SLUG ? bootstrapOperator(env, credentials.clientId) : null;
  if (operator) {
    if (credentials.secret === undefined) {
      onFailure(operator.clientId, "wrong_method");
      throw failed();
    }
    const expected = await sha256Base64url(env.ADMIN_CLIENT_SECRET!);
    if (!(await matchesAnySecret(credentials.secret, [expected]))) {
      onFailure(operator.clientId, "wrong_secret");
      throw failed();
    }
    return { client: operator, method: credentials.method };
  }

  const found = await directory.clients.getForAuthentication(credentials.clientId);
  if (!found) {
    await spendHashing();
    throw failed();
  }
  const client = found.client;
  if (client.tokenEndpointAuthMethod !== credentials.method) {
    await spendHashing();
    onFailure(client.clientId, "wrong_method");
    throw failed();
  }
  switch (credentials.method) {
    case "none":
      return { client, method: "none" };
    case "private_key_jwt": {
      const result = await verifyClientAssertion(credentials.assertion!, client, assertionAudiences);
      if (!result.ok) {
        onFailure(client.clientId, "bad_assertion", result.reason);
        throw failed();
      }
      const ttl = Math.max(60, result.expiresAt - Math.floor(Date.now() / 1000) + 60);
      const fresh = await ephemeralStore<true>(
        env,
        tenant.id,
        "assertion-jti",
        `${client.clientId}:${result.jti}`,
        stats,
      ).claim(ttl);
      if (!fresh) {
        onFailure(client.clientId, "replayed_assertion");
        throw failed();
      }
      return { client, method: "private_key_jwt" };
    }
    default: {
      const ok = await matchesAnySecret(
        credentials.secret!,
        found.secrets.map((s) => s.secretHash),
      );
      if (!ok) {
        onFailure(client.clientId, "wrong_secret");
        throw failed();
      }
      return { client, method: credentials.method };
    }
  }
}

/**
 * Authenticates the client calling one of this tenant's back-channel endpoints, recording
 * failures of known clients (after the response) in the audit trail.
 */
export function authenticateCaller(
  c: Context<AppEnv>,
  params: TokenParameters,
  endpoint: string,
): Promise<AuthenticatedClient> {
  const tenant = c.var.tenant;
  const issuer = issuerFor(c.env, tenant.slug);
  const credentials = presentedCredentials(c.req.header("Authorization"), params, issuer);
  return authenticateClient(
    c.env,
    openDirectory(c.env, tenant, c.var.stats),
    tenant,
    credentials,
    issuer,
    // The issuer (draft-ietf-oauth-rfc7523bis) or the token endpoint URL (OIDC Core 9),
    // at every endpoint, and nothing else: an assertion meant for another server cannot
    // be replayed here.
    [issuer, `${issuer}/token`],
    (clientId, reason, detail) =>
      c.executionCtx.waitUntil(
        openDirectory(c.env, tenant).audit.recordAfterResponse({
          type: "client.authentication_failed",
          actorType: "client",
          actorId: clientId,
          clientId,
          ip: clientIpOf(c.req.raw),
          userAgent: c.req.header("User-Agent") ?? null,
          details: { reason, method: credentials.method, endpoint, ...(detail ? { detail } : {}) },
        }),
      ),
    c.var.stats,
  );
}

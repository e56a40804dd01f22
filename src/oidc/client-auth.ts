// Client authentication at the token endpoint (RFC 6749 2.3, OIDC Core 9):
// client_secret_basic, client_secret_post, or none for public clients. A client must
// use the method it registered; the bootstrap operator may use either secret method.
import { bootstrapOperator } from "../clients/bootstrap-operator";
import { matchesAnySecret } from "../clients/secrets";
import { sha256Base64url } from "../crypto/encoding";
import type { Client, Directory } from "../directory";
import type { Env } from "../env";
import { InvalidClient, InvalidRequest } from "./errors";
import type { TokenParameters } from "./token/parameters";

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "none";

export interface AuthenticatedClient {
  client: Client;
  method: ClientAuthMethod;
}

interface PresentedCredentials {
  clientId: string;
  secret?: string;
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
  if (params.has("client_assertion") || params.has("client_assertion_type"))
    throw new InvalidClient("client assertions (private_key_jwt) are not supported by this server yet", realm);

  const basic = /^basic\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (authorization !== undefined && /^basic\b/i.test(authorization) && !basic)
    throw new InvalidClient("malformed Basic authorization header", realm);
  if (basic) {
    let userPass: string;
    let clientId: string;
    let secret: string;
    try {
      userPass = atob(basic[1]!);
      const colon = userPass.indexOf(":");
      if (colon < 0) throw new Error("no colon");
      // RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
      clientId = decodeFormComponent(userPass.slice(0, colon));
      secret = decodeFormComponent(userPass.slice(colon + 1));
    } catch {
      throw new InvalidClient("malformed Basic authorization header", realm);
    }
    if (bodySecret !== undefined)
      throw new InvalidRequest("the client authenticated with more than one method (Basic and client_secret)");
    if (bodyId !== undefined && bodyId !== clientId)
      throw new InvalidRequest("client_id in the body does not match the authenticated client");
    return { clientId, secret, method: "client_secret_basic" };
  }
  if (!bodyId) throw new InvalidClient("client authentication is required", realm);
  if (bodySecret !== undefined) return { clientId: bodyId, secret: bodySecret, method: "client_secret_post" };
  return { clientId: bodyId, method: "none" };
}

/** Why a known client failed to authenticate: recorded in the audit trail, never told to the caller. */
export type ClientAuthFailure = "wrong_secret" | "wrong_method";

/**
 * Every failure gets the same answer and costs the same hashing, so neither the message
 * nor the timing tells whether a client id exists. Failures of existing clients are
 * reported to `onFailure` for the audit trail.
 */
export async function authenticateClient(
  env: Env,
  directory: Directory,
  isSystemTenant: boolean,
  credentials: PresentedCredentials,
  realm: string,
  onFailure: (clientId: string, reason: ClientAuthFailure) => void = () => {},
): Promise<AuthenticatedClient> {
  const failed = new InvalidClient("client authentication failed", realm);
  const spendHashing = async () => {
    if (credentials.secret !== undefined) await matchesAnySecret(credentials.secret, []);
  };

  const operator = isSystemTenant ? bootstrapOperator(env, credentials.clientId) : null;
  if (operator) {
    if (credentials.method === "none" || credentials.secret === undefined) {
      onFailure(operator.clientId, "wrong_method");
      throw failed;
    }
    const expected = await sha256Base64url(env.ADMIN_CLIENT_SECRET!);
    if (!(await matchesAnySecret(credentials.secret, [expected]))) {
      onFailure(operator.clientId, "wrong_secret");
      throw failed;
    }
    return { client: operator, method: credentials.method };
  }

  const found = await directory.clients.getForAuthentication(credentials.clientId);
  if (!found) {
    await spendHashing();
    throw failed;
  }
  if (found.client.tokenEndpointAuthMethod !== credentials.method) {
    await spendHashing();
    onFailure(found.client.clientId, "wrong_method");
    throw failed;
  }
  if (credentials.method === "none") return { client: found.client, method: "none" };
  const ok = await matchesAnySecret(
    credentials.secret!,
    found.secrets.map((s) => s.secretHash),
  );
  if (!ok) {
    onFailure(found.client.clientId, "wrong_secret");
    throw failed;
  }
  return { client: found.client, method: credentials.method };
}

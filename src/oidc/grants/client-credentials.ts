// The client_credentials grant (RFC 6749 4.4): a confidential client gets an access token
// for itself. Scopes granted are those requested (all it may have when none are), each
// allowed by both the client's registered `scope` and the resource's scopes.
import { MANAGEMENT_AUDIENCE, MANAGEMENT_TOKEN_TTL } from "../../admin/management-resource";
import { issueAccessToken } from "../../tokens";
import { InvalidScope, UnauthorizedClient } from "../errors";
import { requestedResource } from "../resources";
import { parseScope } from "../scopes";
import type { GrantContext, GrantResult } from "./context";

export async function clientCredentialsGrant(context: GrantContext): Promise<GrantResult> {
  const { env, stats, directory, tenant, issuer, authenticated, params } = context;
  const { client } = authenticated;
  if (authenticated.method === "none")
    throw new UnauthorizedClient("public clients cannot use the client_credentials grant");
  if (!client.grantTypes.includes("client_credentials"))
    throw new UnauthorizedClient("this client is not registered for the client_credentials grant");

  const resource = await requestedResource(directory, tenant, params);
  const resourceScopes = new Set(resource.scopes.map((s) => s.value));
  const allowed = parseScope(client.scope).filter((s) => resourceScopes.has(s));
  const requested = parseScope(params.get("scope"));
  const refused = requested.filter((s) => !allowed.includes(s));
  if (refused.length > 0)
    throw new InvalidScope(`not allowed for this client on ${resource.identifier}: ${refused.join(" ")}`);
  const granted = requested.length > 0 ? requested : allowed;

  const configured = client.accessTokenTtl ?? resource.accessTokenTtl ?? tenant.accessTokenTtl;
  // Management tokens cannot be revoked before they expire: keep them short whatever the client says.
  const ttl = resource.identifier === MANAGEMENT_AUDIENCE ? Math.min(configured, MANAGEMENT_TOKEN_TTL) : configured;
  const issued = await issueAccessToken(env, stats, tenant.id, {
    issuer,
    subject: client.clientId,
    audience: resource.identifier,
    clientId: client.clientId,
    scope: granted.join(" "),
    ttlSeconds: ttl,
    alg: resource.signingAlg,
  });
  return {
    response: {
      access_token: issued.token,
      token_type: "Bearer",
      expires_in: issued.expiresIn,
      scope: granted.join(" "),
    },
    audit: { userId: null, details: { audience: resource.identifier, scope: granted.join(" "), jti: issued.jti } },
  };
}

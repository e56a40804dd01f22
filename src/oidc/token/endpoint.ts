// The token endpoint: parameters, client authentication, then the grant (RFC 6749 3.2).
// Every answer is no-store; errors are the JSON of RFC 6749 5.2; audit records are
// written after the response, off the path the client waits on.
import type { Context } from "hono";
import { issuerFor } from "../../config";
import { openDirectory, type AuditEventInput } from "../../directory";
import type { AppEnv } from "../../env";
import { clientIpOf } from "../../http/client-ip";
import { authenticateCaller } from "../client-auth";
import { InvalidRequest, UnsupportedGrantType } from "../errors";
import { authorizationCodeGrant, CodeReused } from "../grants/authorization-code";
import { clientCredentialsGrant } from "../grants/client-credentials";
import type { GrantContext, GrantResult } from "../grants/context";
import { refreshTokenGrant, RefreshReused } from "../grants/refresh-token";
import { readTokenParameters } from "./parameters";

const GRANTS: Record<string, (context: GrantContext) => Promise<GrantResult>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

export async function tokenEndpoint(c: Context<AppEnv>): Promise<Response> {
  const tenant = c.var.tenant;
  const params = await readTokenParameters(c.req.raw);
  const grantType = params.get("grant_type");
  if (!grantType) throw new InvalidRequest("the 'grant_type' parameter is required");
  const authenticated = await authenticateCaller(c, params, "token");
  const grant = GRANTS[grantType];
  if (!grant) throw new UnsupportedGrantType(`the grant type '${grantType}' is not supported`);

  const record = (event: Omit<AuditEventInput, "actorType" | "ip" | "userAgent">) =>
    c.executionCtx.waitUntil(
      openDirectory(c.env, tenant).audit.recordAfterResponse({
        actorType: "client",
        ip: clientIpOf(c.req.raw),
        userAgent: c.req.header("User-Agent") ?? null,
        ...event,
      }),
    );
  const clientId = authenticated.client.clientId;
  let result: GrantResult;
  try {
    result = await grant({
      env: c.env,
      stats: c.var.stats,
      tenant,
      issuer: issuerFor(c.env, tenant.slug),
      directory: openDirectory(c.env, tenant, c.var.stats),
      authenticated,
      params,
    });
  } catch (error) {
    if (error instanceof CodeReused || error instanceof RefreshReused)
      record({
        type: error instanceof CodeReused ? "token.code_reused" : "token.refresh_reused",
        actorId: clientId,
        clientId,
        userId: error.userId,
        details: { revoked_family: error.familyId },
      });
    throw error;
  }
  record({
    type: "token.issued",
    actorId: clientId,
    clientId,
    userId: result.audit.userId,
    details: { grant_type: grantType, ...result.audit.details },
  });
  return c.json(result.response, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}

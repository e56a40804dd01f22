// Token introspection (RFC 7662) for the tenant's confidential clients and resource
// servers: is this token active, and what does it carry?
import type { Context } from "hono";
import { issuerFor } from "../config";
import type { AppEnv } from "../env";
import { userState, type FamilyRecord } from "../sessions";
import { parseOpaque } from "../tokens";
import { verifyAccessToken } from "../tokens/verify";
import { authenticateCaller } from "./client-auth";
import { InvalidClient, InvalidRequest } from "./errors";
import { readTokenParameters } from "./token/parameters";

export async function introspectionEndpoint(c: Context<AppEnv>): Promise<Response> {
  const tenant = c.var.tenant;
  const issuer = issuerFor(c.env, tenant.slug);
  const params = await readTokenParameters(c.req.raw);
  const caller = await authenticateCaller(c, params, "introspect");
  if (caller.method === "none") throw new InvalidClient("public clients cannot introspect tokens", issuer);
  const token = params.get("token");
  if (!token) throw new InvalidRequest("token is required");
  const headers = { "Cache-Control": "no-store", Pragma: "no-cache" };

  const refresh = parseOpaque("refresh", token);
  if (refresh) {
    const family = (await userState(c.env, tenant.id, refresh.userId, c.var.stats).inspectRefresh(
      refresh.recordId,
      refresh.secret,
    )) as FamilyRecord | null;
    if (!family) return c.json({ active: false }, 200, headers);
    return c.json(
      {
        active: true,
        scope: family.scope,
        client_id: family.clientId,
        sub: refresh.userId,
        iss: issuer,
        iat: family.createdAt,
        exp: Math.min(family.expiresAt, family.lastUsedAt + family.idleTtl),
      },
      200,
      headers,
    );
  }
  const payload = await verifyAccessToken(c.env, c.var.stats, tenant.id, issuer, token);
  if (!payload) return c.json({ active: false }, 200, headers);
  return c.json(
    {
      active: true,
      token_type: "Bearer",
      scope: payload.scope,
      client_id: payload.client_id,
      sub: payload.sub,
      aud: payload.aud,
      iss: payload.iss,
      exp: payload.exp,
      iat: payload.iat,
      jti: payload.jti,
      ...(payload.auth_time !== undefined ? { auth_time: payload.auth_time } : {}),
    },
    200,
    headers,
  );
}

// Token revocation (RFC 7009): a client revokes its own refresh token (the whole family)
// or access token. Unknown or foreign tokens get the same 200 as revoked ones.
import type { Context } from "hono";
import { issuerFor } from "../config";
import { openDirectory } from "../directory";
import type { AppEnv } from "../env";
import { clientIpOf } from "../http/client-ip";
import { userState } from "../sessions";
import { parseOpaque } from "../tokens";
import { revocationSubject, verifyAccessToken } from "../tokens/verify";
import { authenticateCaller } from "./client-auth";
import { InvalidRequest } from "./errors";
import { readTokenParameters } from "./token/parameters";

export async function revocationEndpoint(c: Context<AppEnv>): Promise<Response> {
  const tenant = c.var.tenant;
  const params = await readTokenParameters(c.req.raw);
  const { client } = await authenticateCaller(c, params, "revoke");
  const token = params.get("token");
  if (!token) throw new InvalidRequest("token is required");

  let revoked: { kind: string; userId: string | null; id: string } | null = null;
  const refresh = parseOpaque("refresh", token);
  if (refresh) {
    const done = await userState(c.env, tenant.id, refresh.userId, c.var.stats).revokeFamily(
      refresh.recordId,
      client.clientId,
      refresh.secret,
    );
    if (done) revoked = { kind: "refresh_token", userId: refresh.userId, id: refresh.recordId };
  } else {
    const issuer = issuerFor(c.env, tenant.slug);
    const payload = await verifyAccessToken(c.env, c.var.stats, tenant.id, issuer, token, { checkRevocation: false });
    if (payload && payload.client_id === client.clientId) {
      await userState(c.env, tenant.id, revocationSubject(payload), c.var.stats).revokeAccessToken(
        payload.jti,
        payload.exp,
      );
      revoked = { kind: "access_token", userId: payload.sub.startsWith("usr_") ? payload.sub : null, id: payload.jti };
    }
  }
  if (revoked) {
    c.executionCtx.waitUntil(
      openDirectory(c.env, tenant).audit.recordAfterResponse({
        type: "token.revoked",
        actorType: "client",
        actorId: client.clientId,
        clientId: client.clientId,
        userId: revoked.userId,
        ip: clientIpOf(c.req.raw),
        userAgent: c.req.header("User-Agent") ?? null,
        details: { token_type: revoked.kind, id: revoked.id },
      }),
    );
  }
  return c.body(null, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}

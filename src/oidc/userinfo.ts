// The UserInfo endpoint (OIDC Core 5.3): GET or POST with a Bearer access token (header,
// or form body per RFC 6750 2.2), answering the claims its scopes and `claims` request
// released. Failures carry the RFC 6750 WWW-Authenticate challenge.
import type { Context } from "hono";
import { issuerFor } from "../config";
import { openDirectory } from "../directory";
import type { AppEnv } from "../env";
import { verifyAccessToken } from "../tokens/verify";
import { releasedClaims } from "./claims";
import { readAtMost } from "./token/parameters";
import { safeDescription } from "./errors";

function bearerError(c: Context<AppEnv>, status: 400 | 401 | 403, error: string, description: string, scope?: string) {
  const realm = issuerFor(c.env, c.var.tenant.slug);
  const parts = [`realm="${realm}"`, `error="${error}"`, `error_description="${safeDescription(description)}"`];
  if (scope) parts.push(`scope="${scope}"`);
  return c.json({ error, error_description: safeDescription(description) }, status, {
    "WWW-Authenticate": `Bearer ${parts.join(", ")}`,
    "Cache-Control": "no-store",
  });
}

async function presentedToken(c: Context<AppEnv>): Promise<string | null | "ambiguous"> {
  const header = c.req.header("Authorization");
  const fromHeader = header ? (/^bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header)?.[1] ?? null) : null;
  let fromBody: string | null = null;
  if (c.req.method === "POST" && c.req.header("Content-Type")?.startsWith("application/x-www-form-urlencoded")) {
    const body = await readAtMost(c.req.raw, 16 * 1024);
    if (body) fromBody = new URLSearchParams(new TextDecoder().decode(body)).get("access_token");
  }
  if (fromHeader && fromBody) return "ambiguous";
  return fromHeader ?? fromBody;
}

export async function userInfoEndpoint(c: Context<AppEnv>): Promise<Response> {
  const tenant = c.var.tenant;
  const issuer = issuerFor(c.env, tenant.slug);
  const token = await presentedToken(c);
  if (token === "ambiguous") return bearerError(c, 400, "invalid_request", "send the access token once");
  if (!token) {
    return c.json({ error: "invalid_token", error_description: "an access token is required" }, 401, {
      "WWW-Authenticate": `Bearer realm="${issuer}"`,
      "Cache-Control": "no-store",
    });
  }
  const payload = await verifyAccessToken(c.env, c.var.stats, tenant.id, issuer, token, {
    audience: `${issuer}/userinfo`,
  });
  if (!payload) return bearerError(c, 401, "invalid_token", "the access token is invalid, expired or revoked");
  const scopes = payload.scope.split(" ");
  if (!scopes.includes("openid"))
    return bearerError(c, 403, "insufficient_scope", "the access token lacks the openid scope", "openid");
  const user = await openDirectory(c.env, tenant, c.var.stats).users.getProfile(payload.sub);
  if (!user || user.status !== "active") return bearerError(c, 401, "invalid_token", "the account is no longer active");
  const requested = Array.isArray(payload.userinfo_claims) ? (payload.userinfo_claims as string[]) : [];
  return c.json(releasedClaims(user, scopes, requested), 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}

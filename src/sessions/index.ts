// Single sign-on sessions: the cookie names a session held in the user's UserState.
import type { AppEnv } from "../env";
import type { Context } from "hono";
import type { Tenant } from "../directory";
import type { Env } from "../env";
import { countCalls, type RequestStats } from "../storage/database";
import { formatOpaque, parseOpaque } from "../tokens/opaque";
import { clearCookie, readCookie, sessionCookie, writeCookie } from "./cookies";
import type { AuthenticationFacts, SessionRecord } from "./user-state";

export {
  UserState,
  type AuthenticationFacts,
  type SessionRecord,
  type GrantDetails,
  type FamilyRecord,
  type RedeemResult,
  type RotateResult,
} from "./user-state";

/** The UserState of a user (or, for client-credentials tokens, of a client) of a tenant. */
export function userState(env: Env, tenantId: string, subject: string, stats?: RequestStats) {
  return countCalls(env.USER_STATE.get(env.USER_STATE.idFromName(`${tenantId}:${subject}`)), stats);
}

export interface CurrentSession {
  userId: string;
  session: SessionRecord;
}

type AnyContext = Context<AppEnv>;

/** The browser's live session with this tenant, or null. */
export async function currentSession(c: AnyContext, tenant: Tenant): Promise<CurrentSession | null> {
  const parts = parseOpaque("session", readCookie(c, sessionCookie(c.env, tenant.slug)));
  if (!parts) return null;
  const session = await userState(c.env, tenant.id, parts.userId, c.var.stats).readSession(
    parts.recordId,
    parts.secret,
  );
  return session ? { userId: parts.userId, session } : null;
}

export async function startSession(
  c: AnyContext,
  tenant: Tenant,
  userId: string,
  facts: AuthenticationFacts,
  client: { ip: string | null; userAgent: string | null },
): Promise<{ sid: string }> {
  const created = await userState(c.env, tenant.id, userId, c.var.stats).createSession({
    ...facts,
    ttl: tenant.sessionTtl,
    idleTtl: tenant.sessionIdleTtl,
    ...client,
  });
  writeCookie(
    c,
    sessionCookie(c.env, tenant.slug),
    formatOpaque("session", { userId, recordId: created.sid, secret: created.secret }),
    tenant.sessionTtl,
  );
  return { sid: created.sid };
}

export function forgetSessionCookie(c: AnyContext, tenant: Tenant): void {
  clearCookie(c, sessionCookie(c.env, tenant.slug));
}

// One UserState Durable Object per user of a tenant holds everything about that user that
// must be strongly consistent: single sign-on sessions, authorization codes (single use),
// refresh token families (rotated on every use, revoked as a whole on reuse) and revoked
// access tokens. Every change that checks-then-writes runs inside blockConcurrencyWhile,
// so two concurrent redemptions of one code or one refresh token cannot both succeed.
import { DurableObject } from "cloudflare:workers";
import { base64url, timingSafeEqual } from "../crypto/encoding";
import type { Env } from "../env";
import { hashSecret, newRecordId, newSecret } from "../tokens/opaque";

export interface AuthenticationFacts {
  /** When the user last actually authenticated (OIDC auth_time). */
  authTime: number;
  amr: string[];
  acr: string;
}

export interface SessionRecord extends AuthenticationFacts {
  sid: string;
  secretHash: string;
  createdAt: number;
  lastActiveAt: number;
  expiresAt: number;
  idleTtl: number;
  /** Clients that received tokens in this session: logout ends their session-bound grants. */
  clients: string[];
  ip: string | null;
  userAgent: string | null;
}

export interface RefreshPolicy {
  ttl: number;
  idleTtl: number;
  /** offline_access: the family outlives the session that created it. */
  offline: boolean;
}

/** What a code grants, fixed when the user authorized the client. */
export interface GrantDetails extends AuthenticationFacts {
  clientId: string;
  sid: string;
  scope: string;
  resource: string | null;
  nonce: string | null;
  /** Claims of the ID token, computed from the user's profile at authorization. */
  idTokenClaims: Record<string, unknown>;
  /** Individual claims the client asked for at the UserInfo endpoint (OIDC `claims`). */
  userinfoClaims: string[];
  /** Individual claims asked for in the ID token: kept for ID tokens of later refreshes. */
  idTokenClaimNames: string[];
}

interface CodeRecord extends GrantDetails {
  codeId: string;
  secretHash: string;
  redirectUri: string;
  /** The authorization request named redirect_uri: the token request must repeat it. */
  redirectUriRequired: boolean;
  codeChallenge: string | null;
  refresh: RefreshPolicy | null;
  createdAt: number;
  expiresAt: number;
  redeemed: { at: number; familyId: string | null; accessToken: { jti: string; expiresAt: number } | null } | null;
}

export interface FamilyRecord extends AuthenticationFacts {
  fid: string;
  userinfoClaims: string[];
  idTokenClaimNames: string[];
  clientId: string;
  sid: string | null;
  offline: boolean;
  scope: string;
  resource: string | null;
  nonce: string | null;
  createdAt: number;
  expiresAt: number;
  idleTtl: number;
  lastUsedAt: number;
  generation: number;
  currentHash: string;
  /** Hashes of rotated-out tokens: presenting one is reuse, and revokes the family. */
  usedHashes: string[];
}

export type Refused = { ok: false; reason: string; revokedFamily?: string; error?: "invalid_scope" };
export type RedeemResult =
  { ok: true; grant: GrantDetails; refresh: { fid: string; secret: string; generation: number } | null } | Refused;
export type RotateResult = { ok: true; family: FamilyRecord; secret: string } | Refused;

export const CODE_TTL = 60;
/** A redeemed code is remembered this long, to recognize (and punish) a second use. */
const REDEEMED_CODE_MEMORY = 600;
const USED_HASHES_KEPT = 50;
const SESSION_TOUCH_INTERVAL = 300;
const CLEANUP_INTERVAL_MS = 10 * 60_000;
/** Entries examined per cleanup pass; the next pass follows at once while more remain. */
const CLEANUP_BATCH = 1000;
/** Sessions kept per user: a new one beyond this ends the least recently active. */
export const MAX_SESSIONS = 50;

const now = () => Math.floor(Date.now() / 1000);

function sameHash(a: string, b: string): boolean {
  return timingSafeEqual(base64url.decode(a), base64url.decode(b));
}

export class UserState extends DurableObject<Env> {
  private get storage() {
    return this.ctx.storage;
  }

  private async scheduleCleanup() {
    if ((await this.storage.getAlarm()) === null) await this.storage.setAlarm(Date.now() + CLEANUP_INTERVAL_MS);
  }

  /**
   * The session if it is still live (absolute and idle expiry); `touch` records the use,
   * since refreshing a session-bound token is activity in that session.
   */
  private async liveSession(sid: string, t: number, touch: boolean): Promise<SessionRecord | null> {
    const session = await this.storage.get<SessionRecord>(`session:${sid}`);
    if (!session) return null;
    if (session.expiresAt <= t || session.lastActiveAt + session.idleTtl <= t) {
      await this.storage.delete(`session:${sid}`);
      return null;
    }
    if (touch && t - session.lastActiveAt > SESSION_TOUCH_INTERVAL) {
      session.lastActiveAt = t;
      await this.storage.put(`session:${sid}`, session);
    }
    return session;
  }

  /** Drops expired records, a batch at a time; runs again while anything is left. */
  override async alarm() {
    const t = now();
    const expired: string[] = [];
    const cursor = (await this.storage.get<string>("cleanup:cursor")) ?? "";
    const batch = await this.storage.list<{ expiresAt: number; redeemed?: unknown }>({
      startAfter: cursor,
      limit: CLEANUP_BATCH,
    });
    for (const [key, value] of batch) {
      if (key === "cleanup:cursor") continue;
      const keepUntil =
        key.startsWith("code:") && (value as CodeRecord).redeemed
          ? value.expiresAt + REDEEMED_CODE_MEMORY
          : value.expiresAt;
      if (typeof keepUntil === "number" && keepUntil <= t) expired.push(key);
    }
    for (let i = 0; i < expired.length; i += 128) await this.storage.delete(expired.slice(i, i + 128));
    const more = batch.size === CLEANUP_BATCH;
    if (more) await this.storage.put("cleanup:cursor", [...batch.keys()].pop()!);
    else await this.storage.delete("cleanup:cursor");
    if (more) await this.storage.setAlarm(Date.now() + 1000);
    else if ((await this.storage.list({ limit: 2 })).size > 0)
      await this.storage.setAlarm(Date.now() + CLEANUP_INTERVAL_MS);
  }

  // ---- sessions

  async createSession(
    input: AuthenticationFacts & {
      ttl: number;
      idleTtl: number;
      ip: string | null;
      userAgent: string | null;
    },
  ): Promise<{ sid: string; secret: string; expiresAt: number }> {
    const sid = newRecordId();
    const secret = newSecret();
    const t = now();
    const session: SessionRecord = {
      sid,
      secretHash: await hashSecret(secret),
      authTime: input.authTime,
      amr: input.amr,
      acr: input.acr,
      createdAt: t,
      lastActiveAt: t,
      expiresAt: t + input.ttl,
      idleTtl: input.idleTtl,
      clients: [],
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 256) ?? null,
    };
    await this.storage.put(`session:${sid}`, session);
    const sessions = await this.storage.list<SessionRecord>({ prefix: "session:" });
    if (sessions.size > MAX_SESSIONS) {
      // Times are in seconds: among equally idle sessions the older goes first, and the one
      // just created never does.
      const oldest = [...sessions.values()]
        .filter((other) => other.sid !== sid)
        .sort((a, b) => a.lastActiveAt - b.lastActiveAt || a.createdAt - b.createdAt)
        .slice(0, sessions.size - MAX_SESSIONS);
      for (const stale of oldest) await this.endSessionNow(stale.sid);
    }
    await this.scheduleCleanup();
    return { sid, secret, expiresAt: session.expiresAt };
  }

  /** The live session named by the cookie, or null (wrong secret, expired, idle too long). */
  async readSession(sid: string, secret: string): Promise<SessionRecord | null> {
    const session = await this.storage.get<SessionRecord>(`session:${sid}`);
    if (!session || !sameHash(session.secretHash, await hashSecret(secret))) return null;
    const t = now();
    if (session.expiresAt <= t || session.lastActiveAt + session.idleTtl <= t) {
      await this.storage.delete(`session:${sid}`);
      return null;
    }
    if (t - session.lastActiveAt > SESSION_TOUCH_INTERVAL) {
      session.lastActiveAt = t;
      await this.storage.put(`session:${sid}`, session);
    }
    return session;
  }

  /** Records a fresh authentication in an existing session (re-authentication, step-up). */
  async reauthenticate(sid: string, facts: AuthenticationFacts): Promise<boolean> {
    const session = await this.storage.get<SessionRecord>(`session:${sid}`);
    if (!session) return false;
    await this.storage.put(`session:${sid}`, { ...session, ...facts, lastActiveAt: now() });
    return true;
  }

  async listSessions(): Promise<Omit<SessionRecord, "secretHash">[]> {
    const sessions = await this.storage.list<SessionRecord>({ prefix: "session:" });
    const t = now();
    return [...sessions.values()]
      .filter((s) => s.expiresAt > t && s.lastActiveAt + s.idleTtl > t)
      .map(({ secretHash: _hidden, ...rest }) => rest);
  }

  /** Ends a session and every refresh family bound to it; returns the clients it served. */
  async endSession(sid: string): Promise<{ ended: boolean; clients: string[] }> {
    return this.ctx.blockConcurrencyWhile(() => this.endSessionNow(sid));
  }

  private async endSessionNow(sid: string): Promise<{ ended: boolean; clients: string[] }> {
    const session = await this.storage.get<SessionRecord>(`session:${sid}`);
    const families = await this.storage.list<FamilyRecord>({ prefix: "family:" });
    const bound = [...families.values()].filter((f) => f.sid === sid && !f.offline).map((f) => `family:${f.fid}`);
    for (let i = 0; i < bound.length; i += 127) await this.storage.delete(bound.slice(i, i + 127));
    await this.storage.delete(`session:${sid}`);
    return { ended: session !== undefined, clients: session?.clients ?? [] };
  }

  /** Ends every session and every refresh family: the user was blocked, deleted or reset. */
  async endEverything(): Promise<{ sessions: number; families: number }> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const sessions = await this.storage.list({ prefix: "session:" });
      const families = await this.storage.list({ prefix: "family:" });
      const codes = await this.storage.list({ prefix: "code:" });
      const keys = [...sessions.keys(), ...families.keys(), ...codes.keys()];
      for (let i = 0; i < keys.length; i += 128) await this.storage.delete(keys.slice(i, i + 128));
      return { sessions: sessions.size, families: families.size };
    });
  }

  /**
   * Ends every session but `keepSid`, and every refresh family not bound to it (offline
   * ones too): the user changed their password in that session (the account page).
   */
  async endOtherSessions(keepSid: string): Promise<{ sessions: number; families: number }> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const sessions = await this.storage.list({ prefix: "session:" });
      const families = await this.storage.list<FamilyRecord>({ prefix: "family:" });
      const codes = await this.storage.list<CodeRecord>({ prefix: "code:" });
      const endedSessions = [...sessions.keys()].filter((key) => key !== `session:${keepSid}`);
      const endedFamilies = [...families].filter(([, f]) => f.sid !== keepSid).map(([key]) => key);
      const endedCodes = [...codes].filter(([, code]) => code.sid !== keepSid).map(([key]) => key);
      const keys = [...endedSessions, ...endedFamilies, ...endedCodes];
      for (let i = 0; i < keys.length; i += 128) await this.storage.delete(keys.slice(i, i + 128));
      return { sessions: endedSessions.length, families: endedFamilies.length };
    });
  }

  /** Clients holding a live refresh family: the apps the user is signed in to (the account page). */
  async clientsWithRefreshTokens(): Promise<string[]> {
    const families = await this.storage.list<FamilyRecord>({ prefix: "family:" });
    const sessions = await this.storage.list<SessionRecord>({ prefix: "session:" });
    const t = now();
    const liveSession = (sid: string) => {
      const s = sessions.get(`session:${sid}`);
      return s !== undefined && s.expiresAt > t && s.lastActiveAt + s.idleTtl > t;
    };
    // A session-bound family whose session has ended can no longer refresh.
    const live = [...families.values()].filter(
      (f) => f.expiresAt > t && f.lastUsedAt + f.idleTtl > t && (f.sid === null || liveSession(f.sid)),
    );
    return [...new Set(live.map((f) => f.clientId))].sort();
  }

  // ---- authorization codes

  async issueCode(
    grant: GrantDetails & {
      redirectUri: string;
      redirectUriRequired: boolean;
      codeChallenge: string | null;
      refresh: RefreshPolicy | null;
    },
  ): Promise<{ codeId: string; secret: string } | Refused> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const session = await this.liveSession(grant.sid, now(), false);
      if (!session) return { ok: false, reason: "the session ended" } satisfies Refused;
      if (!session.clients.includes(grant.clientId)) {
        session.clients.push(grant.clientId);
        await this.storage.put(`session:${grant.sid}`, session);
      }
      const codeId = newRecordId();
      const secret = newSecret();
      const t = now();
      const code: CodeRecord = {
        ...grant,
        codeId,
        secretHash: await hashSecret(secret),
        createdAt: t,
        expiresAt: t + CODE_TTL,
        redeemed: null,
      };
      await this.storage.put(`code:${codeId}`, code);
      await this.scheduleCleanup();
      return { codeId, secret };
    });
  }

  /**
   * Redeems a code once. It must be unexpired and presented by the client it was issued
   * to, with the same redirect_uri and the PKCE verifier's challenge. A second redemption
   * fails and revokes the refresh family the first one created (RFC 6749 4.1.2).
   */
  async redeemCode(input: {
    codeId: string;
    secret: string;
    clientId: string;
    redirectUri: string | null;
    /** BASE64URL(SHA-256(code_verifier)), or null when no verifier was sent. */
    verifierChallenge: string | null;
    /** The access token this redemption will issue: revoked if the code is ever used again. */
    accessToken: { jti: string; expiresAt: number };
  }): Promise<RedeemResult> {
    const secretHash = await hashSecret(input.secret);
    return this.ctx.blockConcurrencyWhile(async () => {
      const key = `code:${input.codeId}`;
      const code = await this.storage.get<CodeRecord>(key);
      if (!code || !sameHash(code.secretHash, secretHash))
        return { ok: false, reason: "the authorization code is invalid" } satisfies Refused;
      if (code.redeemed) {
        const revokedFamily = code.redeemed.familyId ?? undefined;
        if (code.redeemed.familyId) await this.storage.delete(`family:${code.redeemed.familyId}`);
        const first = code.redeemed.accessToken;
        if (first) await this.storage.put(`revoked:${first.jti}`, { expiresAt: first.expiresAt });
        return {
          ok: false,
          reason: "the authorization code was already used; the tokens it gave are revoked",
          ...(revokedFamily ? { revokedFamily } : {}),
        } satisfies Refused;
      }
      const t = now();
      if (code.expiresAt <= t) return { ok: false, reason: "the authorization code has expired" } satisfies Refused;
      if (code.clientId !== input.clientId)
        return { ok: false, reason: "the authorization code was issued to another client" } satisfies Refused;
      const redirectMatches =
        input.redirectUri === code.redirectUri || (!code.redirectUriRequired && input.redirectUri === null);
      if (!redirectMatches)
        return { ok: false, reason: "redirect_uri does not match the authorization request" } satisfies Refused;
      if (code.codeChallenge !== null) {
        if (input.verifierChallenge === null)
          return { ok: false, reason: "code_verifier is required" } satisfies Refused;
        if (!sameHash(code.codeChallenge, input.verifierChallenge))
          return { ok: false, reason: "code_verifier does not match the code_challenge" } satisfies Refused;
      } else if (input.verifierChallenge !== null) {
        return {
          ok: false,
          reason: "code_verifier was sent but the authorization request had no code_challenge",
        } satisfies Refused;
      }

      let refresh: { fid: string; secret: string; generation: number } | null = null;
      if (code.refresh) {
        const session = await this.liveSession(code.sid, t, false);
        // A session-bound family cannot start once its session has ended.
        if (code.refresh.offline || session) {
          const fid = newRecordId();
          const secret = newSecret();
          const family: FamilyRecord = {
            fid,
            userinfoClaims: code.userinfoClaims,
            idTokenClaimNames: code.idTokenClaimNames,
            clientId: code.clientId,
            sid: code.refresh.offline ? null : code.sid,
            offline: code.refresh.offline,
            scope: code.scope,
            resource: code.resource,
            nonce: code.nonce,
            authTime: code.authTime,
            amr: code.amr,
            acr: code.acr,
            createdAt: t,
            expiresAt: t + code.refresh.ttl,
            idleTtl: code.refresh.idleTtl,
            lastUsedAt: t,
            generation: 1,
            currentHash: await hashSecret(secret),
            usedHashes: [],
          };
          await this.storage.put(`family:${fid}`, family);
          refresh = { fid, secret, generation: 1 };
        }
      }
      code.redeemed = { at: t, familyId: refresh?.fid ?? null, accessToken: input.accessToken };
      await this.storage.put(key, code);
      const {
        codeId: _c,
        secretHash: _s,
        redirectUri: _r,
        redirectUriRequired: _q,
        codeChallenge: _p,
        refresh: _f,
        createdAt: _t,
        expiresAt: _e,
        redeemed: _d,
        ...grant
      } = code;
      return { ok: true, grant, refresh };
    });
  }

  // ---- refresh token families

  /**
   * Rotates a refresh token: the presented one must be the family's current token. A
   * token rotated out before is reuse: the whole family is revoked.
   */
  async rotateRefresh(input: {
    fid: string;
    secret: string;
    clientId: string;
    /** A narrower scope asked for; checked before anything rotates. */
    scope: string[];
  }): Promise<RotateResult> {
    const presented = await hashSecret(input.secret);
    const replacement = newSecret();
    const replacementHash = await hashSecret(replacement);
    return this.ctx.blockConcurrencyWhile(async () => {
      const key = `family:${input.fid}`;
      const family = await this.storage.get<FamilyRecord>(key);
      if (!family) return { ok: false, reason: "the refresh token is invalid or revoked" } satisfies Refused;
      if (family.usedHashes.some((used) => sameHash(used, presented))) {
        await this.storage.delete(key);
        return {
          ok: false,
          reason: "the refresh token was already used; its whole family is revoked",
          revokedFamily: family.fid,
        } satisfies Refused;
      }
      if (!sameHash(family.currentHash, presented))
        return { ok: false, reason: "the refresh token is invalid or revoked" } satisfies Refused;
      if (family.clientId !== input.clientId)
        return { ok: false, reason: "the refresh token was issued to another client" } satisfies Refused;
      const t = now();
      if (family.expiresAt <= t || family.lastUsedAt + family.idleTtl <= t) {
        await this.storage.delete(key);
        return { ok: false, reason: "the refresh token has expired" } satisfies Refused;
      }
      const granted = family.scope.split(" ");
      const wider = input.scope.filter((s) => !granted.includes(s));
      // Refused before rotating: the client keeps a working token.
      if (wider.length)
        return {
          ok: false,
          error: "invalid_scope",
          reason: `not granted in the original authorization: ${wider.join(" ")}`,
        } satisfies Refused;
      if (family.sid && !(await this.liveSession(family.sid, t, true))) {
        await this.storage.delete(key);
        return { ok: false, reason: "the session this refresh token belonged to has ended" } satisfies Refused;
      }
      const rotated: FamilyRecord = {
        ...family,
        generation: family.generation + 1,
        lastUsedAt: t,
        currentHash: replacementHash,
        usedHashes: [family.currentHash, ...family.usedHashes].slice(0, USED_HASHES_KEPT),
      };
      await this.storage.put(key, rotated);
      return { ok: true, family: rotated, secret: replacement };
    });
  }

  /** The family a refresh token belongs to, if the token is its live current token. */
  async inspectRefresh(fid: string, secret: string): Promise<FamilyRecord | null> {
    const family = await this.storage.get<FamilyRecord>(`family:${fid}`);
    if (!family || !sameHash(family.currentHash, await hashSecret(secret))) return null;
    const t = now();
    if (family.expiresAt <= t || family.lastUsedAt + family.idleTtl <= t) return null;
    if (family.sid && !(await this.liveSession(family.sid, t, false))) return null;
    return family;
  }

  /** Revokes a family (RFC 7009); only its own client may. */
  async revokeFamily(fid: string, clientId: string, secret: string): Promise<boolean> {
    const presented = await hashSecret(secret);
    return this.ctx.blockConcurrencyWhile(async () => {
      const family = await this.storage.get<FamilyRecord>(`family:${fid}`);
      if (!family || family.clientId !== clientId) return false;
      const known = sameHash(family.currentHash, presented) || family.usedHashes.some((h) => sameHash(h, presented));
      if (!known) return false;
      await this.storage.delete(`family:${fid}`);
      return true;
    });
  }

  /** Revokes every family of a client: the user withdrew the client's consent. */
  async revokeClient(clientId: string): Promise<number> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const families = await this.storage.list<FamilyRecord>({ prefix: "family:" });
      const keys = [...families.entries()].filter(([, f]) => f.clientId === clientId).map(([key]) => key);
      if (keys.length) await this.storage.delete(keys);
      return keys.length;
    });
  }

  // ---- access tokens

  /** Remembers a revoked access token until it would have expired anyway. */
  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.storage.put(`revoked:${jti}`, { expiresAt });
    await this.scheduleCleanup();
  }

  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    return (await this.storage.get(`revoked:${jti}`)) !== undefined;
  }
}

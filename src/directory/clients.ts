// OAuth clients (apps) of one tenant and their secrets. Only secret hashes are stored;
// a client may hold several secrets at once so that a rotation leaves time to deploy the
// new one before the old one stops working.
import { and, asc, eq, gt, isNull, lte, or } from "drizzle-orm";
import { nowSeconds } from "../config";
import { atomically } from "../storage/batch";
import type { Env } from "../env";
import { cacheKeys, forgetInMemory, readThrough } from "../storage/cache";
import type { Database, RequestStats } from "../storage/database";
import { uniqueViolation } from "../storage/errors";
import { newId } from "../storage/ids";
import { clientSecrets, clients } from "../storage/schema";
import { auditStatements, type AuditEventInput } from "./audit";
import { ConflictError } from "./errors";

export type Client = typeof clients.$inferSelect;
export type ClientMetadata = Omit<Client, "tenantId" | "createdAt" | "updatedAt">;
export type ClientSecretRecord = typeof clientSecrets.$inferSelect;

/** A secret as handed to the data layer: its hash and the hint shown in listings. */
export interface NewClientSecret {
  secretHash: string;
  hint: string;
}

export interface ClientWithSecrets {
  client: Client;
  /** Secrets that still authenticate (no expiry, or expiry in the future). */
  secrets: ClientSecretRecord[];
}

/**
 * What client authentication needs, kept in isolate memory so the token endpoint's hot
 * path reaches no database. Not in KV, whose changes take a minute or more to show
 * everywhere: every change to a client or its secrets drops this isolate's copy at once,
 * and other isolates' copies expire within 15 seconds, the longest a revoked secret or a
 * deleted client can still be accepted (docs/security.md).
 */
const AUTHENTICATION_CACHE = { memorySeconds: 15, kvSeconds: 0 };

export function clientsRepository(env: Env, db: Database, tenantId: string, stats?: RequestStats) {
  const forget = (clientId: string) => forgetInMemory(cacheKeys.clientAuthentication(tenantId, clientId));
  const inTenant = eq(clients.tenantId, tenantId);
  const ofClient = (clientId: string) =>
    and(eq(clientSecrets.tenantId, tenantId), eq(clientSecrets.clientId, clientId));
  const live = (now: number) => or(isNull(clientSecrets.expiresAt), gt(clientSecrets.expiresAt, now));
  const insertSecret = (clientId: string, secret: NewClientSecret, now: number) =>
    db.insert(clientSecrets).values({
      id: newId("sec"),
      tenantId,
      clientId,
      ...secret,
      createdAt: now,
      expiresAt: null,
    });

  return {
    async get(clientId: string): Promise<Client | null> {
      const [row] = await db
        .select()
        .from(clients)
        .where(and(inTenant, eq(clients.clientId, clientId)))
        .limit(1);
      return row ?? null;
    },

    /** The client and its live secrets: the token endpoint's hot path, served from the cache. */
    async getForAuthentication(clientId: string): Promise<ClientWithSecrets | null> {
      const cached = await readThrough(
        env.CACHE,
        stats,
        cacheKeys.clientAuthentication(tenantId, clientId),
        AUTHENTICATION_CACHE,
        async (): Promise<ClientWithSecrets | null> => {
          // Every secret that may still become live; expiry is checked on use, below.
          const rows = await db
            .select({ client: clients, secret: clientSecrets })
            .from(clients)
            .leftJoin(
              clientSecrets,
              and(
                eq(clientSecrets.tenantId, clients.tenantId),
                eq(clientSecrets.clientId, clients.clientId),
                live(nowSeconds()),
              ),
            )
            .where(and(inTenant, eq(clients.clientId, clientId)));
          const first = rows[0];
          if (!first) return null;
          return { client: first.client, secrets: rows.flatMap((r) => (r.secret ? [r.secret] : [])) };
        },
      );
      if (!cached) return null;
      const now = nowSeconds();
      return {
        client: cached.client,
        secrets: cached.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now),
      };
    },

    list(options: { limit: number; after?: string }): Promise<Client[]> {
      return db
        .select()
        .from(clients)
        .where(and(inTenant, options.after ? gt(clients.clientId, options.after) : undefined))
        .orderBy(asc(clients.clientId))
        .limit(options.limit);
    },

    async create(metadata: ClientMetadata, secret?: NewClientSecret, audit?: AuditEventInput): Promise<Client> {
      const now = nowSeconds();
      try {
        const [rows] = await atomically(db, [
          db
            .insert(clients)
            .values({ ...metadata, tenantId, createdAt: now, updatedAt: now })
            .returning(),
          ...(secret ? [insertSecret(metadata.clientId, secret, now)] : []),
          ...auditStatements(db, tenantId, audit && { ...audit, clientId: metadata.clientId }),
        ]);
        forget(metadata.clientId);
        return rows[0]!;
      } catch (error) {
        if (uniqueViolation(error))
          throw new ConflictError("client_id", `a client with client_id '${metadata.clientId}' exists`);
        throw error;
      }
    },

    /**
     * Writes new metadata. A client that no longer authenticates with a secret loses its
     * secrets in the same transaction; one that starts to gets `newSecret`.
     */
    async update(
      clientId: string,
      metadata: Partial<Omit<ClientMetadata, "clientId">>,
      secrets: { removeAll?: boolean; newSecret?: NewClientSecret },
      audit?: AuditEventInput,
    ): Promise<Client | null> {
      const now = nowSeconds();
      const [rows] = await atomically(db, [
        db
          .update(clients)
          .set({ ...metadata, updatedAt: now })
          .where(and(inTenant, eq(clients.clientId, clientId)))
          .returning(),
        ...(secrets.removeAll ? [db.delete(clientSecrets).where(ofClient(clientId))] : []),
        ...(secrets.newSecret ? [insertSecret(clientId, secrets.newSecret, now)] : []),
        ...auditStatements(db, tenantId, audit && { ...audit, clientId }),
      ]);
      forget(clientId);
      return rows[0] ?? null;
    },

    async delete(clientId: string, audit?: AuditEventInput): Promise<void> {
      await atomically(db, [
        db.delete(clients).where(and(inTenant, eq(clients.clientId, clientId))),
        ...auditStatements(db, tenantId, audit && { ...audit, clientId }),
      ]);
      forget(clientId);
    },

    listSecrets(clientId: string): Promise<ClientSecretRecord[]> {
      return db
        .select()
        .from(clientSecrets)
        .where(and(ofClient(clientId), live(nowSeconds())))
        .orderBy(asc(clientSecrets.id));
    },

    /**
     * Adds a secret and schedules every other live secret to stop working at
     * `previousExpireAt` (now, for an immediate cut-over). One transaction.
     */
    async rotateSecret(
      clientId: string,
      secret: NewClientSecret,
      previousExpireAt: number,
      audit?: AuditEventInput,
    ): Promise<ClientSecretRecord> {
      const now = nowSeconds();
      const [, rows] = await atomically(db, [
        db
          .update(clientSecrets)
          .set({ expiresAt: previousExpireAt })
          .where(
            and(ofClient(clientId), or(isNull(clientSecrets.expiresAt), gt(clientSecrets.expiresAt, previousExpireAt))),
          ),
        insertSecret(clientId, secret, now).returning(),
        ...auditStatements(db, tenantId, audit && { ...audit, clientId }),
      ]);
      forget(clientId);
      return rows[0]!;
    },

    async revokeSecret(clientId: string, secretId: string, audit?: AuditEventInput): Promise<boolean> {
      const [deleted] = await atomically(db, [
        db
          .delete(clientSecrets)
          .where(and(ofClient(clientId), eq(clientSecrets.id, secretId)))
          .returning({ id: clientSecrets.id }),
        ...auditStatements(db, tenantId, audit && { ...audit, clientId }),
      ]);
      forget(clientId);
      return deleted.length > 0;
    },

    /** Drops secrets whose overlap period is over (called by the maintenance cron). */
    async deleteExpiredSecrets(now = nowSeconds()): Promise<number> {
      const deleted = await db
        .delete(clientSecrets)
        .where(and(eq(clientSecrets.tenantId, tenantId), lte(clientSecrets.expiresAt, now)))
        .returning({ id: clientSecrets.id, clientId: clientSecrets.clientId });
      // Cached copies filter expired secrets on use already; this only frees memory.
      for (const clientId of new Set(deleted.map((d) => d.clientId))) forget(clientId);
      return deleted.length;
    },
  };
}

export type ClientsRepository = ReturnType<typeof clientsRepository>;

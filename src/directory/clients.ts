// OAuth clients (apps) of one tenant and their secrets. Only secret hashes are stored;
// a client may hold several secrets at once so that a rotation leaves time to deploy the
// new one before the old one stops working.
import { and, asc, eq, gt, isNull, lte, or } from "drizzle-orm";
import { nowSeconds } from "../config";
import { atomically } from "../storage/batch";
import type { Database } from "../storage/database";
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

export function clientsRepository(db: Database, tenantId: string) {
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

    /** The client and its live secrets in a single query: the token endpoint's hot path. */
    async getForAuthentication(clientId: string): Promise<ClientWithSecrets | null> {
      const now = nowSeconds();
      const rows = await db
        .select({ client: clients, secret: clientSecrets })
        .from(clients)
        .leftJoin(
          clientSecrets,
          and(eq(clientSecrets.tenantId, clients.tenantId), eq(clientSecrets.clientId, clients.clientId), live(now)),
        )
        .where(and(inTenant, eq(clients.clientId, clientId)));
      const first = rows[0];
      if (!first) return null;
      return {
        client: first.client,
        secrets: rows.flatMap((r) => (r.secret ? [r.secret] : [])),
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
      return rows[0] ?? null;
    },

    async delete(clientId: string, audit?: AuditEventInput): Promise<void> {
      await atomically(db, [
        db.delete(clients).where(and(inTenant, eq(clients.clientId, clientId))),
        ...auditStatements(db, tenantId, audit && { ...audit, clientId }),
      ]);
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
      return deleted.length > 0;
    },

    /** Drops secrets whose overlap period is over (called by the maintenance cron). */
    async deleteExpiredSecrets(now = nowSeconds()): Promise<number> {
      const deleted = await db
        .delete(clientSecrets)
        .where(and(eq(clientSecrets.tenantId, tenantId), lte(clientSecrets.expiresAt, now)))
        .returning({ id: clientSecrets.id });
      return deleted.length;
    },
  };
}

export type ClientsRepository = ReturnType<typeof clientsRepository>;

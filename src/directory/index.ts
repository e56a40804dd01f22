// The data-access layer. Everything below reads and writes one tenant's directory, and
// the only way to get at it is through a tenant: no query can forget tenant scoping.
// Which D1 database holds a tenant is decided here alone, so moving a large tenant to
// its own database later is a change of this file and of configuration.
import type { Env } from "../env";
import { newRequestStats, openDatabase, type RequestStats } from "../storage/database";
import { auditRepository } from "./audit";
import { clientsRepository } from "./clients";
import { consentsRepository } from "./consents";
import { resourcesRepository } from "./resources";
import { rolesRepository } from "./roles";
import { signingKeysRepository } from "./signing-keys";
import { tenantRegistry, type Tenant } from "./tenants";
import { usersRepository } from "./users";

function databaseOf(env: Env, _tenant: Pick<Tenant, "id">): D1Database {
  return env.DB;
}

export function openDirectory(env: Env, tenant: Pick<Tenant, "id">, stats: RequestStats = newRequestStats()) {
  const db = openDatabase(databaseOf(env, tenant), stats);
  return {
    tenantId: tenant.id,
    users: usersRepository(db, tenant.id),
    clients: clientsRepository(db, tenant.id),
    resources: resourcesRepository(env, db, tenant.id, stats),
    roles: rolesRepository(db, tenant.id),
    consents: consentsRepository(db, tenant.id),
    signingKeys: signingKeysRepository(db, tenant.id),
    audit: auditRepository(db, tenant.id),
  };
}

export type Directory = ReturnType<typeof openDirectory>;

/** The registry of tenants lives in the primary database. */
export function openTenantRegistry(env: Env, stats: RequestStats = newRequestStats()) {
  return tenantRegistry(env, openDatabase(env.DB, stats), stats);
}

export type { Tenant } from "./tenants";
export type { User, UserProfile, UserRecord, PasswordInput } from "./users";
export type { Client, ClientMetadata, ClientSecretRecord } from "./clients";
export type { ClientConsent } from "./consents";
export type { ApiResource, ApiResourceInput } from "./resources";
export type { Role, RoleWithPermissions, Permission } from "./roles";
export type { AuditEvent, AuditEventInput } from "./audit";
export type { SigningKeyRecord, SigningKeyChanges } from "./signing-keys";
export { ConflictError, UnknownReferenceError } from "./errors";
export { normalizeEmail } from "./email";

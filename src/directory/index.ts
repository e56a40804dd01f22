// The data-access layer. Everything below reads and writes one tenant's directory, and
// the only way to get at it is through a tenant: no query can forget tenant scoping.
// Which D1 database holds a tenant is decided here alone, so moving a large tenant to
// its own database later is a change of this file and of configuration.
import type { Env } from "../env";
import { newRequestStats, openDatabase, type Database, type RequestStats } from "../storage/database";
import { appearanceRepository } from "./appearance";
import { attributesRepository } from "./attributes";
import { auditRepository } from "./audit";
import { clientsRepository } from "./clients";
import { consentRecordsRepository } from "./consent-records";
import { consentsRepository } from "./consents";
import { factorsRepository } from "./factors";
import { resourcesRepository } from "./resources";
import { rolesRepository } from "./roles";
import { signingKeysRepository } from "./signing-keys";
import { tenantRegistry, type Tenant } from "./tenants";
import { usersRepository } from "./users";

function databaseOf(env: Env, _tenant: Pick<Tenant, "id">): D1Database {
  return env.DB;
}

export function openDirectory(env: Env, tenant: Pick<Tenant, "id">, stats: RequestStats = newRequestStats()) {
  return new TenantDirectory(env, databaseOf(env, tenant), tenant.id, stats);
}

/**
 * One tenant's repositories, each built on first use: a request touches one or two of
 * them, and building one prepares its tenant conditions.
 */
class TenantDirectory {
  private readonly db: Database;
  #users?: ReturnType<typeof usersRepository>;
  #clients?: ReturnType<typeof clientsRepository>;
  #resources?: ReturnType<typeof resourcesRepository>;
  #roles?: ReturnType<typeof rolesRepository>;
  #consents?: ReturnType<typeof consentsRepository>;
  #signingKeys?: ReturnType<typeof signingKeysRepository>;
  #audit?: ReturnType<typeof auditRepository>;
  #appearance?: ReturnType<typeof appearanceRepository>;
  #attributes?: ReturnType<typeof attributesRepository>;
  #consentRecords?: ReturnType<typeof consentRecordsRepository>;
  #factors?: ReturnType<typeof factorsRepository>;

  constructor(
    private readonly env: Env,
    private readonly d1: D1Database,
    readonly tenantId: string,
    private readonly stats: RequestStats,
  ) {
    this.db = openDatabase(d1, stats);
  }

  get users() {
    return (this.#users ??= usersRepository(this.db, this.tenantId));
  }
  get clients() {
    return (this.#clients ??= clientsRepository(this.env, this.db, this.tenantId, this.stats));
  }
  get resources() {
    return (this.#resources ??= resourcesRepository(this.env, this.db, this.tenantId, this.stats));
  }
  get roles() {
    return (this.#roles ??= rolesRepository(this.db, this.tenantId));
  }
  get consents() {
    return (this.#consents ??= consentsRepository(this.db, this.tenantId));
  }
  get signingKeys() {
    return (this.#signingKeys ??= signingKeysRepository(this.db, this.tenantId));
  }
  get audit() {
    return (this.#audit ??= auditRepository(this.db, this.d1, this.tenantId));
  }
  get consentRecords() {
    return (this.#consentRecords ??= consentRecordsRepository(this.db, this.tenantId));
  }
  get attributes() {
    return (this.#attributes ??= attributesRepository(this.db, this.tenantId));
  }
  get factors() {
    return (this.#factors ??= factorsRepository(this.db, this.tenantId));
  }
  /** What the management API shows of a user's factors beyond `factors` (src/admin/routes/factors.ts). */
  get appearance() {
    return (this.#appearance ??= appearanceRepository(this.env, this.db, this.tenantId, this.stats));
  }
}

export type Directory = TenantDirectory;

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
export type { Appearance, BrandingRecord, BrandingSettings } from "./appearance";
export type { AttributeDefinition, AttributeDefinitionInput } from "./attributes";
export type { ConsentRecord, ConsentRecordInput } from "./consent-records";
export type { FactorSummary, Passkey, PasskeyInput, TotpAuthenticator } from "./factors";
export { hasStrongFactor } from "./factors";
export type { SigningKeyRecord, SigningKeyChanges } from "./signing-keys";
export { ConflictError, UnknownReferenceError } from "./errors";
export { normalizeEmail } from "./email";

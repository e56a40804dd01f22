// What the Cron Trigger does every hour, for every tenant: key rotation and clean-up
// (through each tenant's KeyRing), removal of client secrets past their overlap, and
// deletion of audit events older than the tenant's retention.
import { nowSeconds } from "./config";
import { openDirectory, openTenantRegistry, type Tenant } from "./directory";
import type { Env } from "./env";
import { maintainSigningKeys } from "./keys";
import { describeError, logFailure } from "./http/log";

const PAGE = 100;

/**
 * Audit events go in batches small enough for one D1 statement each, and at most this
 * many batches per tenant and hour, so one tenant's backlog (after lowering its
 * retention) cannot use up the job's time: the next runs take the rest.
 */
export const AUDIT_PRUNE_BATCH = 500;
export const AUDIT_PRUNE_MAX_BATCHES = 20;

export interface MaintenanceReport {
  tenants: number;
  /** Audit events deleted for being older than their tenant's retention. */
  auditEventsDeleted: number;
  failures: { tenant: string; error: string }[];
}

/** Deletes the tenant's audit events past its retention; answers how many went. */
export async function pruneAuditTrail(env: Env, tenant: Tenant, now = nowSeconds()): Promise<number> {
  const registry = openTenantRegistry(env);
  const before = now - tenant.auditRetentionDays * 86_400;
  let deleted = 0;
  for (let batch = 0; batch < AUDIT_PRUNE_MAX_BATCHES; batch++) {
    const gone = await registry.pruneAuditEvents(tenant.id, before, AUDIT_PRUNE_BATCH);
    deleted += gone;
    if (gone < AUDIT_PRUNE_BATCH) break;
  }
  return deleted;
}

export async function runScheduledMaintenance(env: Env): Promise<MaintenanceReport> {
  const registry = openTenantRegistry(env);
  const report: MaintenanceReport = { tenants: 0, auditEventsDeleted: 0, failures: [] };
  let after: string | undefined;
  for (;;) {
    const page = await registry.list({ limit: PAGE, ...(after ? { after } : {}) });
    for (const tenant of page) {
      report.tenants++;
      try {
        await maintainSigningKeys(env, tenant.id, tenant.signingKeyRotationDays);
        await openDirectory(env, tenant).clients.deleteExpiredSecrets();
        report.auditEventsDeleted += await pruneAuditTrail(env, tenant);
      } catch (error) {
        // One tenant's failure must not stop the others' rotation.
        report.failures.push({ tenant: tenant.slug, error: describeError(error) });
        logFailure(`maintenance failed for tenant ${tenant.slug}`, error);
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  return report;
}

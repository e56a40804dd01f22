// What the Cron Trigger does every hour, for every tenant: key rotation and clean-up
// (through each tenant's KeyRing) and removal of client secrets past their overlap.
import { openDirectory, openTenantRegistry } from "./directory";
import type { Env } from "./env";
import { maintainSigningKeys } from "./keys";
import { describeError, logFailure } from "./http/log";

const PAGE = 100;

export interface MaintenanceReport {
  tenants: number;
  failures: { tenant: string; error: string }[];
}

export async function runScheduledMaintenance(env: Env): Promise<MaintenanceReport> {
  const registry = openTenantRegistry(env);
  const report: MaintenanceReport = { tenants: 0, failures: [] };
  let after: string | undefined;
  for (;;) {
    const page = await registry.list({ limit: PAGE, ...(after ? { after } : {}) });
    for (const tenant of page) {
      report.tenants++;
      try {
        await maintainSigningKeys(env, tenant.id, tenant.signingKeyRotationDays);
        await openDirectory(env, tenant).clients.deleteExpiredSecrets();
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

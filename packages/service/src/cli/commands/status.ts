import { openMigratedStore, storeUrl } from '../../config/settings.js';
import { Resources } from '../../sync/sync-context.js';
import { type TenantSyncStatus, tenantSyncStatus } from '../../sync/tenant-sync-status.js';
import { getTenant, listTenants, type TenantView } from '../../tenants/tenant-repository.js';
import { parseFlags } from '../args.js';

export const statusUsage = `Usage: mde-bridge status [--tenant NAME] [--db URL] [--json]

For each tenant (or the one named): how many devices (not removed), alerts, machine actions, vulnerabilities
(CVE catalogue), device vulnerabilities, software and recommendations the store holds, and the last sync run of each resource (mode, status, counts, error).
The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
--json prints {"tenants": [{"name", "enabled", "counts": {...}, "lastRuns": {...}}]} on stdout.
`;

/** `mde-bridge status`: what the store holds per tenant and how its last syncs went. */
export async function status(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseFlags(argv, {
    tenant: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const store = await openMigratedStore(storeUrl(values.db, env));
  try {
    const tenants = values.tenant ? [await getTenant(store.db, values.tenant)] : await listTenants(store.db);
    const report: (TenantSyncStatus & { name: string; enabled: boolean })[] = [];
    for (const t of tenants)
      report.push({ name: t.name, enabled: t.enabled, ...(await tenantSyncStatus(store.db, t.id)) });
    out.write(values.json ? `${JSON.stringify({ tenants: report })}\n` : human(tenants, report));
    return 0;
  } finally {
    await store.close();
  }
}

function human(
  tenants: TenantView[],
  report: (TenantSyncStatus & { name: string; enabled: boolean })[],
): string {
  if (tenants.length === 0) return "No tenants yet: add one with 'mde-bridge tenant add'.\n";
  const num = (n: number) => n.toLocaleString('en-US');
  return report
    .map((t) => {
      const runs = Resources.map((r) => {
        const run = t.lastRuns[r];
        if (!run) return `  ${r.padEnd(15)} never synced`;
        const counts = `${num(run.fetched)} fetched, ${num(run.upserted)} upserted, ${num(run.removed)} removed, ${num(run.apiCalls)} calls`;
        return `  ${r.padEnd(15)} ${run.status.padEnd(9)} ${run.mode.padEnd(5)} ${run.startedAt}  ${counts}${run.error ? `  error: ${run.error}` : ''}`;
      });
      const c = t.counts;
      return [
        `Tenant ${t.name}${t.enabled ? '' : ' (disabled)'}`,
        `  devices ${num(c.devices)}, alerts ${num(c.alerts)}, machine actions ${num(c.machineActions)}`,
        `  vulnerabilities ${num(c.vulnerabilities)}, device vulnerabilities ${num(c.deviceVulnerabilities)}, software ${num(c.software)}, recommendations ${num(c.recommendations)}`,
        ...runs,
        '',
      ].join('\n');
    })
    .join('\n');
}

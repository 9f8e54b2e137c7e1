import { openMigratedStore, storeUrl } from '../../config/settings.js';
import { type Resource, type ResourceResult, Resources, type SyncProgress } from '../../sync/sync-context.js';
import { SyncFailedError, type SyncTenantResult, syncTenant } from '../../sync/sync-tenant.js';
import { openTenantClient } from '../../tenants/tenant-client.js';
import { parseFlags } from '../args.js';
import { CliError, UsageError } from '../errors.js';

export const syncUsage = `Usage: mde-bridge sync --tenant NAME --once [--only ${Resources.join(',')}] [--full] [--db URL] [--json]

Copies a tenant's devices, alerts and machine actions (with each device's isolation state), vulnerabilities
(CVE catalogue and per-device rows), software with security recommendations, exposure and configuration
scores, and device health (derived from the devices) into the store, once. The first run of devices, alerts
and actions lists everything; later runs ask only for what changed since the last one (devices get a full
reconcile once a day); vulnerabilities, software and scores are listed whole every run. --full lists
everything again (tombstoning devices Defender no longer returns). A run stopped half-way resumes where its last page committed.
The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
--json prints {"<resource>": {"fetched","upserted","removed","apiCalls","ms"}} on stdout.
Exit code 0 when every resource synced, 1 otherwise.
`;

export interface SyncCliOptions {
  tenant: string;
  only: Resource[] | undefined;
  full: boolean;
  db: string | undefined;
  json: boolean;
}

export function parseSyncFlags(argv: string[]): SyncCliOptions {
  const { values } = parseFlags(argv, {
    tenant: { type: 'string' },
    once: { type: 'boolean' },
    only: { type: 'string' },
    full: { type: 'boolean' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.tenant?.trim()) throw new UsageError('--tenant NAME is required');
  if (!values.once) {
    throw new UsageError('give --once: continuous syncing on a schedule is not part of mde-bridge yet');
  }
  let only: Resource[] | undefined;
  if (values.only !== undefined) {
    const names = values.only.split(',').map((s) => s.trim());
    const unknown = names.filter((n) => !(Resources as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) {
      throw new UsageError(
        `--only: unknown resource ${unknown.map((n) => `'${n}'`).join(', ')}; valid: ${Resources.join(', ')}`,
      );
    }
    only = names as Resource[];
  }
  return {
    tenant: values.tenant.trim(),
    only,
    full: values.full ?? false,
    db: values.db,
    json: values.json ?? false,
  };
}

/** `mde-bridge sync --once`: one sync of a stored tenant; a progress line on a terminal's stderr. */
export async function sync(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const options = parseSyncFlags(argv);
  const store = await openMigratedStore(storeUrl(options.db, env));
  try {
    const { tenant, client } = await openTenantClient(store, options.tenant, env);
    const progress = err.isTTY ? progressLine(err) : undefined;
    let results: SyncTenantResult;
    let failures: Partial<Record<Resource, Error>> = {};
    try {
      results = await syncTenant({
        store,
        tenant: tenant.id,
        client,
        only: options.only,
        mode: options.full ? 'full' : 'auto',
        onProgress: progress?.update,
      });
    } catch (e) {
      if (!(e instanceof SyncFailedError)) throw e;
      results = e.results;
      failures = e.failures;
    } finally {
      progress?.done();
    }
    out.write(
      options.json
        ? `${JSON.stringify(jsonReport(results, failures))}\n`
        : table(tenant.name, results, failures),
    );
    const failed = Object.keys(failures);
    if (failed.length > 0) {
      throw new CliError(failed.map((r) => `${r} failed: ${failures[r as Resource]!.message}`).join('; '));
    }
    return 0;
  } finally {
    await store.close();
  }
}

function jsonReport(results: SyncTenantResult, failures: Partial<Record<Resource, Error>>) {
  return Object.fromEntries([
    ...Object.entries(results),
    ...Object.entries(failures).map(([r, e]) => [r, { error: e.message }]),
  ]);
}

function table(name: string, results: SyncTenantResult, failures: Partial<Record<Resource, Error>>): string {
  const head = ['resource', 'fetched', 'upserted', 'removed', 'api calls', 'time'];
  const rows = Resources.filter((r) => results[r] || failures[r]).map((r) => {
    const res: ResourceResult | undefined = results[r];
    return res
      ? [
          r,
          num(res.fetched),
          num(res.upserted),
          num(res.removed),
          num(res.apiCalls),
          `${(res.ms / 1000).toFixed(1)} s`,
        ]
      : [r, 'failed', '', '', '', ''];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [`Synced tenant ${name}`, line(head), ...rows.map(line), ''].join('\n');
}

const num = (n: number) => n.toLocaleString('en-US');

function progressLine(err: NodeJS.WritableStream) {
  let shown = false;
  return {
    update(p: SyncProgress) {
      shown = true;
      err.write(`\r\x1b[K${p.resource}: ${num(p.pages)} pages, ${num(p.items)} items`);
    },
    done() {
      if (shown) err.write('\r\x1b[K');
    },
  };
}

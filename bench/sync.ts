/**
 * Sync benchmark: an emulated tenant of BENCH_DEVICES devices (default 100,000; rate limits off), a full
 * sync of machines + vulnerabilities into a fresh SQLite file, against a baseline: the same device
 * vulnerability rows written straight (no HTTP, no parsing) into another fresh SQLite file through the same
 * bulk path. Prints one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefenderClient } from '../packages/client/src/index.js';
import { startEmulator } from '../packages/emulator/src/index.js';
import { migrate, openStore, type Store } from '../packages/service/src/store/store.js';
import {
  type DeviceVulnerabilityRow,
  deviceVulnerabilityWriter,
} from '../packages/service/src/sync/device-vulnerability-writer.js';
import { syncTenant } from '../packages/service/src/sync/sync-tenant.js';

const devices = Number(process.env.BENCH_DEVICES ?? 100_000);
const PAGE = 10_000;

const emu = await startEmulator({ devices, seed: 'bench', rateLimits: 'off', log: () => {} });
const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-bench-'));

async function freshStore(name: string): Promise<Store> {
  const store = openStore(`sqlite:${join(dir, name)}`);
  const result = await migrate(store);
  if (result.error) throw result.error;
  return store;
}

try {
  const client = new DefenderClient({
    tenantId: emu.tenantId,
    clientId: emu.demoApp.clientId,
    credential: { clientSecret: emu.demoApp.clientSecret },
    cloud: 'custom',
    apiUrl: emu.apiUrl,
    loginUrl: emu.loginUrl,
    graphUrl: emu.graphUrl,
    timeoutInMs: 120_000,
  });
  const store = await freshStore('sync.db');
  const t0 = performance.now();
  const result = await syncTenant({ store, tenant: 'bench', client, only: ['machines', 'vulnerabilities'] });
  const syncMs = performance.now() - t0;
  const rows = Number(
    (
      await store.db
        .selectFrom('device_vulnerabilities')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const catalogue = emu.state.data.vulnerabilities.length;
  await store.close();

  // Baseline: the same rows, page by page, through the same bulk writer.
  const base = await freshStore('baseline.db');
  const writer = deviceVulnerabilityWriter(base, 'bench', 1);
  const t1 = performance.now();
  let page: DeviceVulnerabilityRow[] = [];
  let written = 0;
  for (const d of emu.state.data.devices) {
    for (const v of emu.state.data.deviceVulnerabilities(d)) {
      page.push({ machineId: d.machine.id, ...v });
      if (page.length === PAGE) {
        await writer.writePage(page);
        written += page.length;
        page = [];
      }
    }
  }
  await writer.writePage(page);
  written += page.length;
  const baselineMs = performance.now() - t1;
  await base.close();

  const apiCalls = (result.machines?.apiCalls ?? 0) + (result.vulnerabilities?.apiCalls ?? 0);
  console.log(
    JSON.stringify({
      bench: 'sync',
      devices,
      syncMs: Math.round(syncMs),
      deviceVulnerabilityRows: rows,
      rowsPerSecond: Math.round(rows / (syncMs / 1000)),
      apiCalls,
      minimumCalls: Math.ceil(devices / PAGE) + Math.ceil(rows / PAGE),
      /** The CVE catalogue listing's pages (8,000 per page at most) are part of apiCalls. */
      catalogueMinimumCalls: Math.ceil((catalogue + 1) / 8_000),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      baselineRows: written,
      baselineMs: Math.round(baselineMs),
      baselineRowsPerSecond: Math.round(written / (baselineMs / 1000)),
      syncVsBaseline: Number((syncMs / baselineMs).toFixed(2)),
    }),
  );
} finally {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
}

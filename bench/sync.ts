/**
 * Sync benchmark: an emulated tenant of BENCH_DEVICES devices (default 100,000; rate limits off) served by
 * `mde-bridge emulator` in a child process, so the peak memory this process reports is the bridge's own; a
 * full sync of machines + vulnerabilities into a fresh SQLite file, against a baseline: the same device
 * vulnerability rows, generated here after the sync (and after its memory figure was taken), written
 * straight (no HTTP, no parsing) into another fresh SQLite file through the same bulk path. Prints one JSON
 * object.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DefenderClient, defaultFamilyLimits, type FamilyLimit } from '../packages/client/src/index.js';
import { generateTenant } from '../packages/emulator/src/generator/index.js';
import { migrate, openStore, type Store } from '../packages/service/src/store/store.js';
import {
  type DeviceVulnerabilityRow,
  deviceVulnerabilityWriter,
} from '../packages/service/src/sync/device-vulnerability-writer.js';
import { syncTenant } from '../packages/service/src/sync/sync-tenant.js';

const devices = Number(process.env.BENCH_DEVICES ?? 100_000);
/** `$top` caps (spec 3.2): 10,000 for machines and the machinesVulnerabilities export, 8,000 for the CVE catalogue. */
const PAGE = 10_000;
const CATALOGUE_PAGE = 8_000;
const SEED = 'bench';

interface Ready {
  apiUrl: string;
  loginUrl: string;
  graphUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

const cli = fileURLToPath(new URL('../packages/service/bin/mde-bridge.js', import.meta.url));
const startedAtMs = Date.now();
const emulator = spawn(
  process.execPath,
  [cli, 'emulator', '--json', '--devices', String(devices), '--seed', SEED, '--rate-limits', 'off'],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
// The emulator logs every request to stderr; only the tail is kept, to explain a failure.
let emulatorLog = '';
emulator.stderr?.on('data', (chunk) => {
  emulatorLog = (emulatorLog + chunk).slice(-4000);
});
const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-bench-'));

try {
  const ready = await readyLine(emulator);
  const client = new DefenderClient({
    tenantId: ready.tenantId,
    clientId: ready.clientId,
    credential: { clientSecret: ready.clientSecret },
    cloud: 'custom',
    apiUrl: ready.apiUrl,
    loginUrl: ready.loginUrl,
    graphUrl: ready.graphUrl,
    timeoutInMs: 120_000,
  });
  const info = (await (await fetch(`${ready.apiUrl}/_emulator/info`)).json()) as {
    counts: { vulnerabilities: number; deviceVulnerabilities: number };
  };
  const rssBeforeSyncMb = mb(process.memoryUsage().rss);
  const store = await freshStore('sync.db');
  const emulatorCpuBefore = cpuMsOf(emulator.pid);
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await syncTenant({ store, tenant: 'bench', client, only: ['machines', 'vulnerabilities'] });
  const syncMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const bridgeCpuMs = Math.round((cpu.user + cpu.system) / 1000);
  const emulatorCpuAfter = cpuMsOf(emulator.pid);
  const emulatorCpuMs =
    emulatorCpuBefore === null || emulatorCpuAfter === null ? null : emulatorCpuAfter - emulatorCpuBefore;
  // Taken before this process generates the baseline's rows: the bridge's peak, nothing else's.
  const bridgePeakRssMb = mb(process.resourceUsage().maxRSS * 1024);
  const emulatorPeakRssMb = peakRssMb(emulator.pid);
  const rows = Number(
    (
      await store.db
        .selectFrom('device_vulnerabilities')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  await store.close();
  emulator.kill('SIGTERM');

  // Baseline: the same rows (same seed and size), page by page, through the same bulk writer.
  const base = await freshStore('baseline.db');
  const writer = deviceVulnerabilityWriter(base, 'bench', 1);
  // The emulator's clock starts at the minute (server.ts); the same start gives the same rows.
  const nowMs = Math.floor(startedAtMs / 60_000) * 60_000;
  const data = generateTenant({ seed: SEED, devices, nowMs, tenantId: ready.tenantId });
  const t1 = performance.now();
  let page: DeviceVulnerabilityRow[] = [];
  let written = 0;
  for (const d of data.devices) {
    for (const v of data.deviceVulnerabilities(d)) {
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

  const machineCalls = result.machines?.apiCalls ?? 0;
  const vulnerabilityCalls = result.vulnerabilities?.apiCalls ?? 0;
  const catalogue = info.counts.vulnerabilities;
  // A short page ends a walk, so a listing of n items takes floor(n / page) + 1 calls.
  const minimum = {
    machines: Math.floor(devices / PAGE) + 1,
    vulnerabilities: Math.floor(rows / PAGE) + 1 + Math.floor(catalogue / CATALOGUE_PAGE) + 1,
  };
  const limitWaitMs = (calls: { machines: number; vulnerabilities: number }) =>
    waitForCallsMs(calls.machines, defaultFamilyLimits.machines) +
    waitForCallsMs(calls.vulnerabilities, defaultFamilyLimits.vulnerabilities);
  const realLimitsWaitMs = limitWaitMs({ machines: machineCalls, vulnerabilities: vulnerabilityCalls });
  console.log(
    JSON.stringify({
      bench: 'sync',
      devices,
      syncMs: Math.round(syncMs),
      machinesMs: result.machines?.ms,
      vulnerabilitiesMs: result.vulnerabilities?.ms,
      deviceVulnerabilityRows: rows,
      emulatorDeviceVulnerabilityRows: info.counts.deviceVulnerabilities,
      rowsPerSecond: Math.round(rows / (syncMs / 1000)),
      apiCalls: machineCalls + vulnerabilityCalls,
      minimumCalls: Math.ceil(devices / PAGE) + Math.ceil(rows / PAGE),
      /** The CVE catalogue listing's pages (8,000 per page at most) are part of apiCalls. */
      catalogueMinimumCalls: Math.ceil((catalogue + 1) / CATALOGUE_PAGE),
      /** Every call a walk needs at the page caps, its closing short page included. */
      minimumCallsWithCatalogue: minimum.machines + minimum.vulnerabilities,
      /** This process (the bridge) only: the emulator runs in a child process. */
      peakRssMb: bridgePeakRssMb,
      bridgePeakRssMb,
      bridgeRssBeforeSyncMb: rssBeforeSyncMb,
      emulatorPeakRssMb,
      /** CPU time each process spent during the sync: where the wall time went. */
      bridgeCpuMs,
      emulatorCpuMs,
      baselineRows: written,
      baselineMs: Math.round(baselineMs),
      baselineRowsPerSecond: Math.round(written / (baselineMs / 1000)),
      syncVsBaseline: Number((syncMs / baselineMs).toFixed(2)),
      /** The bridge's own work against the baseline's, whatever the emulator's pace. */
      bridgeCpuVsBaseline: Number((bridgeCpuMs / baselineMs).toFixed(2)),
      /** Defender's published limits (100/min, 1,500/h for machines; none stated for the TVM APIs). */
      underRealLimitsMs: Math.round(syncMs + realLimitsWaitMs),
      realLimitsWaitMs,
      realLimitsFloorMs: limitWaitMs(minimum),
    }),
  );
} finally {
  if (emulator.exitCode === null) emulator.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

async function freshStore(name: string): Promise<Store> {
  const store = openStore(`sqlite:${join(dir, name)}`);
  const result = await migrate(store);
  if (result.error) throw result.error;
  return store;
}

async function readyLine(child: ChildProcess): Promise<Ready> {
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`the emulator exited (${code}) before it was ready:\n${emulatorLog}`)),
    ),
  );
  const first = new Promise<string>((resolve) => lines.once('line', resolve));
  const line = await Promise.race([first, exited]);
  lines.close();
  return JSON.parse(line) as Ready;
}

/** Peak resident set of another process (Linux `VmHWM`); null where /proc is not there. */
function peakRssMb(pid: number | undefined): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? mb(Number(kb) * 1024) : null;
  } catch {
    return null;
  }
}

/**
 * The least time `calls` calls take under a family's sliding windows when the calls themselves take no
 * time: a full minute (hour) window must pass before the next `perMinute` (`perHour`) calls.
 */
function waitForCallsMs(calls: number, limit: FamilyLimit | null): number {
  if (!limit || calls === 0) return 0;
  const minutes = Math.ceil(calls / limit.perMinute) - 1;
  const hours = Math.ceil(calls / limit.perHour) - 1;
  return Math.max(minutes * 60_000, hours * 3_600_000);
}

/** User + system CPU time of another process (Linux /proc, at the usual 100 ticks a second); null elsewhere. */
function cpuMsOf(pid: number | undefined): number | null {
  try {
    // Fields after the parenthesised command name: state is the 1st, utime the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

/**
 * Stitching accuracy against the emulator's ground truth (issue 8, C12), shared by the test and
 * `npm run bench -- stitching`: every attack scenario of the emulator (a process chain connecting to attacker
 * infrastructure, with decoys — other processes talking to the same addresses at other times, addresses
 * re-used across devices) is posted as a detection {host name, remote IP, port, URL, time}, the background
 * stitcher batches them, and each stored root cause is compared with the scenario's process chain.
 */
import type { DefenderClient } from '@mde-bridge/client';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { ingestDetection } from '../detections/ingest.js';
import { tenantHuntingRunner } from '../hunting/hunting-runner.js';
import { tenantResponseClients } from '../response/response-clients.js';
import type { Store } from '../store/store.js';
import type { RootCause } from './root-cause.js';
import { startStitcher } from './stitcher.js';

export interface ScenarioResult {
  scenario: string;
  detectionId: string;
  state: string;
  expected: string;
  got: string | null;
  parentsCorrect: boolean;
  error: string | null;
}

export interface AccuracyReport {
  scenarios: number;
  /** Scenarios whose host matched a device (the rest cannot be stitched by anyone). */
  supported: number;
  correct: number;
  parentsCorrect: number;
  /** Scenarios whose device had other processes talking to the same address; addresses other devices used too. */
  decoyScenarios: number;
  reusedIps: number;
  huntingCalls: number;
  detections: number;
  results: ScenarioResult[];
}

type Scenario = RunningEmulator['state']['data']['scenarios'][number];

const procKey = (p: { fileName: string; processId: number }) => `${p.fileName.toLowerCase()}#${p.processId}`;

/**
 * Decoys in the emulator's telemetry, counted with the caller's own client (not through the stitcher):
 * scenarios whose device had other processes talking to the same address at any time, and scenario
 * addresses that scenario devices other than the scenario's own contacted too.
 */
async function countDecoys(client: DefenderClient, scenarios: readonly Scenario[]) {
  const ips = [...new Set(scenarios.map((s) => s.remoteIp))];
  const devices = [...new Set(scenarios.map((s) => s.deviceId))];
  if (ips.length === 0) return { decoyScenarios: 0, reusedIps: 0 };
  const quoted = (xs: string[]) => xs.map((x) => `'${x}'`).join(', ');
  const res = await client.runAdvancedQuery(
    `DeviceNetworkEvents | where DeviceId in (${quoted(devices)}) | where RemoteIP in (${quoted(ips)}) | project DeviceId, RemoteIP, InitiatingProcessId`,
  );
  const rows = res.Results as { DeviceId: string; RemoteIP: string; InitiatingProcessId: number }[];
  let decoyScenarios = 0;
  for (const s of scenarios) {
    const own = s.processChain[0].processId;
    if (
      rows.some(
        (r) => r.DeviceId === s.deviceId && r.RemoteIP === s.remoteIp && r.InitiatingProcessId !== own,
      )
    )
      decoyScenarios++;
  }
  const devicesPerIp = new Map<string, Set<string>>();
  for (const r of rows)
    devicesPerIp.set(r.RemoteIP, (devicesPerIp.get(r.RemoteIP) ?? new Set()).add(r.DeviceId));
  const reusedIps = [...devicesPerIp.values()].filter((d) => d.size > 1).length;
  return { decoyScenarios, reusedIps };
}

export interface AccuracyOptions {
  store: Store;
  emu: RunningEmulator;
  /** tenants.id of the emulator's tenant, its devices already synced. */
  tenant: string;
  env: NodeJS.ProcessEnv;
  /** A client of the emulator's tenant, to count decoys (its calls are not counted). */
  client: DefenderClient;
  now: () => Date;
  batchSize?: number;
}

export async function measureScenarioAccuracy(o: AccuracyOptions): Promise<AccuracyReport> {
  const scenarios = o.emu.state.data.scenarios;
  const decoys = await countDecoys(o.client, scenarios);
  const byDetection = new Map<string, Scenario>();
  for (const [i, s] of scenarios.entries()) {
    // An NDR's clock is not the sensor's: a few seconds apart.
    const at = new Date(Date.parse(s.time) + ((i % 5) - 2) * 3_000).toISOString();
    const { detection } = await ingestDetection(
      { store: o.store, clientFor: tenantResponseClients({ store: o.store, env: o.env }), now: o.now },
      {
        id: s.id,
        source: 'ground-truth',
        hostName: s.deviceName,
        remoteIp: s.remoteIp,
        remotePort: s.remotePort,
        ...(s.remoteUrl ? { url: `https://${s.remoteUrl}/` } : {}),
        timestamp: at,
      },
      'accuracy',
    );
    byDetection.set(detection.id, s);
  }
  const before = await huntingCallsOf(o.emu);
  const stitcher = startStitcher({
    store: o.store,
    runner: tenantHuntingRunner({ store: o.store, env: o.env, now: o.now }),
    now: o.now,
    batchSize: o.batchSize ?? 50,
    intervalMs: 3_600_000,
  });
  await stitcher.started;
  await stitcher.stop();
  const huntingCalls = (await huntingCallsOf(o.emu)) - before;

  const rows = await o.store.db
    .selectFrom('detections')
    .select(['id', 'stitch_state', 'root_cause', 'stitch_error', 'device_id'])
    .where('id', 'in', [...byDetection.keys()])
    .execute();
  const results: ScenarioResult[] = rows.map((r) => {
    const s = byDetection.get(r.id) as Scenario;
    const rc = r.root_cause ? (JSON.parse(r.root_cause) as RootCause) : null;
    const truth = s.processChain;
    const parents = rc?.parents.slice(0, truth.length - 1).map(procKey) ?? [];
    return {
      scenario: s.id,
      detectionId: r.id,
      state: r.stitch_state,
      expected: procKey(truth[0]),
      got: rc ? procKey(rc.process) : null,
      parentsCorrect: parents.join('>') === truth.slice(1).map(procKey).join('>'),
      error: r.stitch_error,
    };
  });
  results.sort((a, b) => a.scenario.localeCompare(b.scenario));
  return {
    scenarios: scenarios.length,
    supported: rows.filter((r) => r.device_id !== null).length,
    correct: results.filter((r) => r.got === r.expected).length,
    parentsCorrect: results.filter((r) => r.got === r.expected && r.parentsCorrect).length,
    ...decoys,
    huntingCalls,
    detections: scenarios.length,
    results,
  };
}

async function huntingCallsOf(emu: RunningEmulator): Promise<number> {
  const res = await fetch(`${emu.apiUrl}/_emulator/stats`);
  const body = (await res.json()) as { calls: Record<string, number> };
  return body.calls.hunting ?? 0;
}

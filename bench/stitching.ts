/**
 * Stitching accuracy benchmark: an in-process emulator (BENCH_DEVICES devices, default 1,000, seed
 * BENCH_SEED, default 'stitch'), a fresh SQLite store with the emulator's tenant and its machines synced,
 * every ground-truth attack scenario posted as a detection, then the background stitcher's batches
 * (BENCH_BATCH detections each, default 50). Prints one JSON object: scenarios, correct (process and parent
 * chain), huntingCalls (queries that reached the emulator), detections, decoys and the stitching time in ms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@mde-bridge/emulator';
import { secretBox } from '../packages/service/src/secrets/secret-box.js';
import { measureScenarioAccuracy } from '../packages/service/src/stitching/scenario-accuracy.js';
import { migrate, openStore } from '../packages/service/src/store/store.js';
import { syncTenant } from '../packages/service/src/sync/sync-tenant.js';
import { emulatorTenantInput } from '../packages/service/src/tenants/emulator-tenant.js';
import { openTenantClient } from '../packages/service/src/tenants/tenant-client.js';
import { addTenant } from '../packages/service/src/tenants/tenant-repository.js';

const devices = Number(process.env.BENCH_DEVICES ?? 1_000);
const seed = process.env.BENCH_SEED ?? 'stitch';
const batchSize = Number(process.env.BENCH_BATCH ?? 50);
const START = '2026-11-20T12:00:00Z';
const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };

const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-bench-stitching-'));
const emu = await startEmulator({
  devices,
  seed,
  clock: 'manual',
  rateLimits: 'off',
  startTime: START,
  log: () => {},
});
const store = openStore(`sqlite:${join(dir, 'bench.db')}`);
try {
  const migrated = await migrate(store);
  if (migrated.error) throw migrated.error;
  const view = await addTenant(store.db, secretBox(env), emulatorTenantInput(emu, 'bench'));
  const { client } = await openTenantClient(store, view.name, env, { timeoutInMs: 120_000 });
  await syncTenant({ store, tenant: view.id, client, only: ['machines'] });
  const started = performance.now();
  const report = await measureScenarioAccuracy({
    store,
    emu,
    tenant: view.id,
    env,
    client,
    now: () => new Date(START),
    batchSize,
  });
  const ms = Math.round(performance.now() - started);
  const { results, ...figure } = report;
  const wrong = results.filter((r) => r.got !== r.expected).map((r) => `${r.scenario}: ${r.got ?? r.state}`);
  console.log(JSON.stringify({ bench: 'stitching', devices, batchSize, ...figure, ms, wrong }));
} finally {
  await store.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
}

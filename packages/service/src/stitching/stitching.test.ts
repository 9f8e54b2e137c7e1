import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../api/api.test-support.js';
import { capture } from '../cli/cli.test-support.js';
import { stitch } from '../cli/commands/stitch.js';
import { UsageError } from '../cli/errors.js';
import { ingestDetection } from '../detections/ingest.js';
import { tenantHuntingRunner } from '../hunting/hunting-runner.js';
import { tenantResponseClients } from '../response/response-clients.js';
import { migrate, openStore } from '../store/store.js';
import { engines } from '../store/store.test-support.js';
import { clientFor, EMULATOR_START, startTestEmulator } from '../sync/sync.test-support.js';
import { addSyncedEmulatorTenant } from '../tenants/emulator-tenant.test-support.js';
import type { RootCause } from './root-cause.js';
import { type AccuracyReport, measureScenarioAccuracy } from './scenario-accuracy.js';
import { startStitcher } from './stitcher.js';

const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };

describe.each(engines)('stitching on $name', (engine) => {
  let emu: RunningEmulator;
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let tenant: string;
  let api: TestApi;
  let report: AccuracyReport;
  const now = () => new Date(EMULATOR_START);

  beforeAll(async () => {
    emu = await startTestEmulator(600, 'stitch');
    store = await engine.open();
    tenant = await addSyncedEmulatorTenant(store, emu, env);
    report = await measureScenarioAccuracy({
      store,
      emu,
      tenant,
      env,
      client: clientFor(emu, { timeoutInMs: 60_000 }),
      now,
      batchSize: 50,
    });
    api = await createTestApi({ store, now, deps: { env } });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await store?.dispose();
    await emu?.close();
  });

  const deps = () => ({ store, clientFor: tenantResponseClients({ store, env }), now });

  it('finds the process of every ground-truth scenario, in fewer hunting calls than detections', () => {
    const { results, ...figure } = report;
    console.log(`stitching accuracy (${engine.name}): ${JSON.stringify(figure)}`);
    const wrong = results.filter((r) => r.got !== r.expected || !r.parentsCorrect);
    expect(wrong).toEqual([]);
    expect(report.scenarios).toBeGreaterThanOrEqual(5);
    expect(report.supported).toBe(report.scenarios);
    expect(report.correct).toBe(report.supported);
    expect(report.parentsCorrect).toBe(report.correct);
    expect(report.huntingCalls).toBeGreaterThan(0);
    expect(report.huntingCalls).toBeLessThan(report.detections);
  });

  it('stores the root cause with command line, hash, account, query and evidence', async () => {
    const s = emu.state.data.scenarios[0];
    const row = await store.db
      .selectFrom('detections')
      .selectAll()
      .where('source', '=', 'ground-truth')
      .where('external_id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(row.stitch_state).toBe('stitched');
    expect(row.stitch_attempts).toBe(1);
    const rc = JSON.parse(row.root_cause ?? 'null') as RootCause;
    expect(rc.process).toMatchObject({
      fileName: s.processChain[0].fileName,
      processId: s.processChain[0].processId,
      commandLine: s.processChain[0].commandLine,
      sha256: s.processChain[0].sha256,
      accountName: s.processChain[0].accountName,
    });
    expect(rc.parents[0]).toMatchObject({ commandLine: s.processChain[1].commandLine });
    expect(rc.confidence).toBeGreaterThan(0.5);
    expect(rc.query).toContain('DeviceNetworkEvents');
    expect(rc.connection).toMatchObject({ remoteIp: s.remoteIp, remotePort: s.remotePort });
    expect(rc.evidence?.length).toBeGreaterThan(0);
  });

  it('POST /detections/:id/stitch stitches on demand, records not_found with the reason, checks access', async () => {
    const s = emu.state.data.scenarios[1];
    const { detection } = await ingestDetection(
      deps(),
      { id: 'again-1', source: 'ndr', hostName: s.deviceName, remoteIp: s.remoteIp, timestamp: s.time },
      'test',
    );
    const res = await api.app.inject({
      method: 'POST',
      url: `/api/v1/detections/${detection.id}/stitch`,
      ...api.as('analyst'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { stitch: { state: string }; rootCause: RootCause };
    expect(body.stitch.state).toBe('stitched');
    expect(body.rootCause.process.processId).toBe(s.processChain[0].processId);

    const { detection: nowhere } = await ingestDetection(
      deps(),
      {
        id: 'nowhere-1',
        source: 'ndr',
        hostName: s.deviceName,
        remoteIp: '203.0.113.77',
        remotePort: 22,
        timestamp: s.time,
      },
      'test',
    );
    const missing = await api.app.inject({
      method: 'POST',
      url: `/api/v1/detections/${nowhere.id}/stitch`,
      ...api.as('analyst'),
    });
    expect(missing.statusCode).toBe(200);
    const m = missing.json() as { stitch: { state: string; error: string }; rootCause: unknown };
    expect(m.stitch.state).toBe('not_found');
    expect(m.stitch.error).toContain('203.0.113.77:22');
    expect(m.rootCause).toBeNull();

    const reader = await api.app.inject({
      method: 'POST',
      url: `/api/v1/detections/${detection.id}/stitch`,
      ...api.as('reader'),
    });
    expect(reader.statusCode).toBe(403);
    const unknown = await api.app.inject({
      method: 'POST',
      url: '/api/v1/detections/no-such-detection/stitch',
      ...api.as('analyst'),
    });
    expect(unknown.statusCode).toBe(404);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['target'])
      .where('action', '=', 'detection.stitch')
      .execute();
    expect(audit.map((a) => a.target)).toEqual(expect.arrayContaining([detection.id, nowhere.id]));
  });

  it('leaves detections of a tenant with settings.stitching.auto = false waiting', async () => {
    const s = emu.state.data.scenarios[2];
    await store.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ stitching: { auto: false } }) })
      .where('id', '=', tenant)
      .execute();
    try {
      const { detection } = await ingestDetection(
        deps(),
        { id: 'manual-1', source: 'ndr', hostName: s.deviceName, remoteIp: s.remoteIp, timestamp: s.time },
        'test',
      );
      const stitcher = startStitcher({
        store,
        runner: tenantHuntingRunner({ store, env, now }),
        now,
        intervalMs: 3_600_000,
      });
      await stitcher.started;
      expect(await stitcher.tick()).toBe(0);
      await stitcher.stop();
      const row = await store.db
        .selectFrom('detections')
        .select(['stitch_state'])
        .where('id', '=', detection.id)
        .executeTakeFirstOrThrow();
      expect(row.stitch_state).toBe('waiting');
    } finally {
      await store.db.updateTable('tenants').set({ settings: '{}' }).where('id', '=', tenant).execute();
    }
  });
});

describe('mde-bridge stitch', () => {
  let emu: RunningEmulator;
  let dir: string;
  let db: string;

  beforeAll(async () => {
    emu = await startEmulator({
      devices: 200,
      seed: 'stitch-cli',
      clock: 'manual',
      rateLimits: 'off',
      log: () => {},
    });
    dir = mkdtempSync(join(tmpdir(), 'mde-bridge-stitch-'));
    db = `sqlite:${join(dir, 'bridge.db')}`;
    const store = openStore(db);
    const migrated = await migrate(store);
    if (migrated.error) throw migrated.error;
    await addSyncedEmulatorTenant(store, emu, env);
    await store.close();
  }, 60_000);
  afterAll(async () => {
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records a detection and prints the process chain', async () => {
    const s = emu.state.data.scenarios[0];
    const out = capture();
    const code = await stitch(
      [
        '--host',
        s.deviceName,
        '--remote-ip',
        s.remoteIp,
        '--remote-port',
        String(s.remotePort),
        '--at',
        s.time,
        '--tenant',
        'contoso',
        '--db',
        db,
      ],
      out.stream,
      env,
    );
    expect(code, out.text()).toBe(0);
    expect(out.text()).toContain(`${s.processChain[0].fileName} (pid ${s.processChain[0].processId}`);
    expect(out.text()).toContain(
      `← parent  ${s.processChain[1].fileName} (pid ${s.processChain[1].processId}`,
    );

    const json = capture();
    expect(
      await stitch(
        ['--host', s.deviceName, '--remote-ip', s.remoteIp, '--at', s.time, '--json', '--db', db],
        json.stream,
        env,
      ),
    ).toBe(0);
    const detection = JSON.parse(json.text()) as { source: string; rootCause: RootCause };
    expect(detection.source).toBe('cli');
    expect(detection.rootCause.process.processId).toBe(s.processChain[0].processId);
  });

  it('refuses bad flags naming the flag, before anything is recorded', async () => {
    const s = emu.state.data.scenarios[0];
    await expect(
      stitch(['--host', s.deviceName, '--remote-ip', s.remoteIp, '--db', db], capture().stream, env),
    ).rejects.toThrow(/--at/);
    await expect(
      stitch(
        ['--host', s.deviceName, '--remote-ip', 'not-an-ip', '--at', s.time, '--db', db],
        capture().stream,
        env,
      ),
    ).rejects.toThrow(UsageError);
    await expect(
      stitch(
        [
          '--host',
          s.deviceName,
          '--remote-ip',
          s.remoteIp,
          '--remote-port',
          '70000',
          '--at',
          s.time,
          '--db',
          db,
        ],
        capture().stream,
        env,
      ),
    ).rejects.toThrow(/--remote-port/);
    const store = openStore(db);
    const rows = await store.db.selectFrom('detections').select('id').where('source', '=', 'cli').execute();
    await store.close();
    expect(rows).toHaveLength(2);
  });
});

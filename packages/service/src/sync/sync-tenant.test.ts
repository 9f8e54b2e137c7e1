import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '@mde-bridge/emulator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/store.js';
import { engines, pgUrl } from '../store/store.test-support.js';
import { isolationStatesOf } from './isolation-state.js';
import {
  advanceClock,
  callsByFamily,
  clientFor,
  control,
  expectAlertsEqual,
  expectDevicesEqual,
  startTestEmulator,
} from './sync.test-support.js';
import { SyncFailedError, syncTenant } from './sync-tenant.js';

/** The resources these tests are about (the vulnerability-management ones have tvm-sync.test.ts). */
const CORE = ['machines', 'alerts', 'actions'] as const;

describe.each(engines)('syncTenant on $name', (engine) => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator(2_000, 'tenant');
  });
  afterAll(() => emu.close());

  it('costs exactly one API call per resource for a delta of an unchanged tenant', async () => {
    const store = await engine.open();
    try {
      const client = clientFor(emu);
      // One action, so the sweep has a cursor to go on from (an empty sweep has none and stays full).
      const device = emu.state.data.devices.find((d) => d.online && d.supports.isolate)!.machine.id;
      await client.runAntivirusScan(device, { comment: 'test' });
      const first = await syncTenant({ store, tenant: 't1', client, only: CORE });
      expect(Object.keys(first)).toEqual(['machines', 'alerts', 'actions']);
      await control(emu, 'DELETE', 'stats');
      const delta = await syncTenant({ store, tenant: 't1', client, only: CORE });
      const calls = await callsByFamily(emu);
      expect([calls.machines, calls.alerts, calls.machineActions]).toEqual([1, 1, 1]);
      expect(delta.machines).toMatchObject({ apiCalls: 1, removed: 0 });
      expect(delta.alerts).toMatchObject({ apiCalls: 1, created: 0, updated: 0 });
      expect(delta.actions).toMatchObject({ apiCalls: 1, fetched: 1, created: 0, updated: 0 });
      const modes = await store.db
        .selectFrom('sync_runs')
        .select(['resource', 'mode'])
        .orderBy('id')
        .execute();
      expect(modes.map((r) => `${r.resource}:${r.mode}`)).toEqual([
        'machines:full',
        'alerts:full',
        'actions:full',
        'machines:delta',
        'alerts:delta',
        'actions:delta',
      ]);
    } finally {
      await store.dispose();
    }
  });

  it('ends equal through a 20% mix of 429, 503, hung and truncated answers', async () => {
    const store = await engine.open();
    const client = clientFor(emu, { pageSize: 400, timeoutInMs: 1000, maxRetries: 8 });
    try {
      await client.isolateMachine(
        emu.state.data.devices.find((d) => d.online && d.supports.isolate)!.machine.id,
        {
          comment: 'test',
        },
      );
      const families = ['machines', 'alerts', 'machineActions'];
      for (const kind of ['429', '503', 'hang', 'truncate']) {
        await control(emu, 'POST', 'faults', {
          kind,
          families,
          rate: 0.06,
          retryAfterSeconds: 0,
          hangMs: 1500,
        });
      }
      await control(emu, 'DELETE', 'stats');
      await syncTenant({ store, tenant: 't1', client, only: CORE });
      await advanceClock(emu, 6 * 60);
      await syncTenant({ store, tenant: 't1', client, only: CORE });
      const faults = await control<{ faults: { kind: string; hits: number }[] }>(emu, 'GET', 'faults');
      console.info(`faults answered: ${faults.faults.map((f) => `${f.kind}×${f.hits}`).join(', ')}`);
      expect(faults.faults.every((f) => f.hits > 0)).toBe(true);
      await control(emu, 'DELETE', 'faults');
      await expectDevicesEqual(store, 't1', emu, { health: false });
      await expectAlertsEqual(store, 't1', emu);
      const runs = await store.db.selectFrom('sync_runs').select(['status', 'throttled_ms']).execute();
      expect(runs.map((r) => r.status)).toEqual(Array(6).fill('succeeded'));
    } finally {
      await control(emu, 'DELETE', 'faults');
      await store.dispose();
    }
  }, 60_000);

  it('records a failing resource as a failed run and still syncs the others', async () => {
    const store = await engine.open();
    try {
      await control(emu, 'POST', 'faults', { kind: '500', families: ['alerts'], count: 1 });
      const client = clientFor(emu, { maxRetries: 0 });
      const error = await syncTenant({ store, tenant: 't1', client, only: CORE }).catch((e) => e);
      expect(error).toBeInstanceOf(SyncFailedError);
      expect(Object.keys(error.results)).toEqual(['machines', 'actions']);
      expect(Object.keys(error.failures)).toEqual(['alerts']);
      const runs = await store.db.selectFrom('sync_runs').select(['resource', 'status', 'error']).execute();
      expect(runs.find((r) => r.resource === 'alerts')).toMatchObject({ status: 'failed' });
      expect(runs.find((r) => r.resource === 'alerts')?.error).toMatch(/500|internal/i);
    } finally {
      await control(emu, 'DELETE', 'faults');
      await store.dispose();
    }
  });
});

/** A store two processes can open by URL: a SQLite file, or a PostgreSQL schema of its own. */
interface SharedStore {
  name: string;
  create(): Promise<{ url: string; dispose(): Promise<void> }>;
}

async function adminQuery(connectionString: string, sqlText: string): Promise<void> {
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  try {
    await admin.query(sqlText);
  } finally {
    await admin.end();
  }
}

function postgresSchema(url: string): SharedStore {
  return {
    name: 'PostgreSQL',
    async create() {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      await adminQuery(url, `CREATE SCHEMA ${schema}`);
      return {
        url: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`,
        dispose: () => adminQuery(url, `DROP SCHEMA ${schema} CASCADE`),
      };
    },
  };
}

const sharedStores: SharedStore[] = [
  {
    name: 'a SQLite file',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'mde-sync-'));
      return {
        url: `sqlite:${join(dir, 'bridge.db')}`,
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  ...(pgUrl ? [postgresSchema(pgUrl)] : []),
];

describe.each(sharedStores)('syncTenant killed mid-run (on $name, child process)', (sharedStore) => {
  const child = fileURLToPath(new URL('./sync-child.test-support.ts', import.meta.url));
  const run = (config: object) =>
    spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, MDE_SYNC_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const finished = (proc: ReturnType<typeof run>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      let stdout = '';
      let stderr = '';
      proc.stdout?.on('data', (d) => {
        stdout += d;
      });
      proc.stderr?.on('data', (d) => {
        stderr += d;
      });
      proc.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('resumes after SIGKILL and ends equal, with no alert stored or counted twice', async () => {
    const emu = await startTestEmulator(1_500, 'crash');
    const shared = await sharedStore.create();
    const db = shared.url;
    const config = {
      db,
      tenant: 't1',
      pageSize: 50,
      emulator: {
        apiUrl: emu.apiUrl,
        tenantId: emu.tenantId,
        clientId: emu.demoApp.clientId,
        clientSecret: emu.demoApp.clientSecret,
      },
    };
    const store = openStore(db);
    try {
      const total = emu.state.data.alerts.length;
      const first = run({ ...config, delayMs: 40 });
      const firstDone = finished(first);
      // Poll until the first page of alerts has committed (machines finished before), then kill.
      let committed = 0;
      for (let i = 0; i < 2000 && committed === 0; i++) {
        await sleep(10);
        committed = await store.db
          .selectFrom('alerts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst()
          .then((r) => Number(r?.n ?? 0))
          .catch(() => 0);
      }
      first.kill('SIGKILL');
      expect((await firstDone).code).toBeNull();
      const atKill = Number(
        (
          await store.db
            .selectFrom('alerts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(total);
      const running = await store.db
        .selectFrom('sync_runs')
        .selectAll()
        .where('status', '=', 'running')
        .execute();
      expect(running.map((r) => r.resource)).toEqual(['alerts']);

      const second = await finished(run({ ...config, delayMs: 0 }));
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      const result = JSON.parse(second.stdout);
      expect(result.alerts.created).toBe(total - atKill);
      expect(result.alerts.updated).toBe(0);

      await expectAlertsEqual(store, 't1', emu);
      await expectDevicesEqual(store, 't1', emu);
      const versions = await store.db
        .selectFrom('alerts')
        .select('versions')
        .where('versions', '<>', 1)
        .execute();
      expect(versions).toEqual([]);
      const runs = await store.db
        .selectFrom('sync_runs')
        .select(['resource', 'status', 'error'])
        .orderBy('id')
        .execute();
      expect(runs.find((r) => r.resource === 'alerts')).toEqual({
        resource: 'alerts',
        status: 'failed',
        error: 'interrupted',
      });
      expect(runs.filter((r) => r.status === 'succeeded').map((r) => r.resource)).toEqual([
        'machines',
        'machines',
        'alerts',
        'actions',
      ]);
      const states = await isolationStatesOf(store.db, 't1', [emu.state.data.devices[0].machine.id]);
      expect([...states.values()]).toEqual(['not_isolated']);
    } finally {
      await store.close();
      await emu.close();
      await shared.dispose();
    }
  }, 60_000);
});

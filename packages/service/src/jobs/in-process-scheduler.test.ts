import { randomBytes } from 'node:crypto';
import type { DefenderClient } from '@mde-bridge/client';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretBox } from '../secrets/secret-box.js';
import type { Store } from '../store/store.js';
import { engines } from '../store/store.test-support.js';
import { clientFor, control, startTestEmulator } from '../sync/sync.test-support.js';
import { type Resource, Resources } from '../sync/sync-context.js';
import { emulatorTenantInput } from '../tenants/emulator-tenant.js';
import { addTenant, setEnabled, type TenantView } from '../tenants/tenant-repository.js';
import { FakeClock } from './fake-clock.test-support.js';
import {
  InProcessScheduler,
  type InProcessSchedulerOptions,
  type RunFinishedEvent,
} from './in-process-scheduler.js';

const DEVICES = 50;
/** The resources most tests are about; the bulk catalogues are switched off to keep runs short. */
const LIGHT = { schedules: { vulnerabilities: 'off', software: 'off', scores: 'off' } };

/** Holds matching requests until `release()`; `reached` resolves when the first one arrives. */
function gate(match: (url: string) => boolean) {
  let release = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived = () => {};
  const reached = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const fetchThrough = async (input: string | URL, init?: RequestInit) => {
    if (match(String(input))) {
      arrived();
      await opened;
    }
    return fetch(input, init);
  };
  return { fetch: fetchThrough, reached, release };
}

describe.each(engines)('InProcessScheduler on $name', (engine) => {
  let emu: RunningEmulator;
  let store: Store & { dispose(): Promise<void> };
  let clock: FakeClock;
  const env = {
    MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64'),
    MDE_BRIDGE_DATA_DIR: '/nonexistent',
  };
  const schedulers: InProcessScheduler[] = [];
  let held: ReturnType<typeof gate> | undefined;

  beforeAll(async () => {
    emu = await startTestEmulator(DEVICES, 'jobs');
  });
  afterAll(() => emu.close());
  afterEach(async () => {
    // A test that failed half-way may have left a request held back and a run going.
    held?.release();
    held = undefined;
    for (const s of schedulers.splice(0)) {
      const stopping = s.stop({ timeoutMs: 0 });
      clock.advance(0);
      await stopping;
      await s.whenIdle();
    }
    await control(emu, 'DELETE', 'faults');
    await store.dispose();
  });

  async function setUp(tenants: { name: string; enabled?: boolean; settings?: Record<string, unknown> }[]) {
    store = await engine.open();
    clock = new FakeClock();
    const views: TenantView[] = [];
    for (const t of tenants) {
      views.push(
        await addTenant(store.db, secretBox(env), {
          ...emulatorTenantInput(emu, t.name),
          enabled: t.enabled,
          settings: t.settings,
        }),
      );
    }
    return views;
  }

  function scheduler(options: Partial<InProcessSchedulerOptions> = {}) {
    const s = new InProcessScheduler({ store, env, clock, random: () => 0.5, ...options });
    schedulers.push(s);
    return s;
  }

  async function runCounts(tenant: string) {
    const rows = await store.db
      .selectFrom('sync_runs')
      .select(['resource', 'status'])
      .where('tenant', '=', tenant)
      .execute();
    const counts: Record<string, number> = {};
    for (const r of rows)
      counts[`${r.resource}:${r.status}`] = (counts[`${r.resource}:${r.status}`] ?? 0) + 1;
    return counts;
  }

  /** Every resource ran `msAgo` before the fake clock's now, successfully. */
  async function seedHistory(tenant: string, msAgo: number) {
    const at = new Date(clock.now() - msAgo).toISOString();
    await store.db
      .insertInto('sync_runs')
      .values(
        Resources.map((resource) => ({
          tenant,
          resource,
          mode: 'full' as const,
          status: 'succeeded' as const,
          started_at: at,
          finished_at: at,
        })),
      )
      .execute();
  }

  it('syncs a never-synced tenant at once, then alerts and actions every minute and devices hourly', async () => {
    const [tenant] = await setUp([{ name: 'contoso' }]);
    const events: RunFinishedEvent[] = [];
    const s = scheduler({ onRunFinished: (e) => events.push(e) });
    await s.start();
    await s.whenIdle();
    expect(await runCounts(tenant.id)).toEqual(
      Object.fromEntries(Resources.map((r) => [`${r}:succeeded`, 1])),
    );
    expect(events.find((e) => e.resource === 'machines')).toMatchObject({
      tenantId: tenant.id,
      tenantName: 'contoso',
      status: 'succeeded',
      fetched: DEVICES,
      upserted: DEVICES,
      removed: 0,
      apiCalls: 1,
      throttledMs: 0,
      reason: 'scheduler',
    });

    for (let minute = 1; minute <= 60; minute++) {
      clock.advance(60_000);
      await s.whenIdle();
    }
    expect(await runCounts(tenant.id)).toEqual({
      'machines:succeeded': 2,
      'alerts:succeeded': 61,
      'actions:succeeded': 61,
      'vulnerabilities:succeeded': 1,
      'software:succeeded': 1,
      'scores:succeeded': 2,
      'health:succeeded': 2,
    });
    expect(events).toHaveLength(61 + 61 + 2 + 2 + 2 + 1 + 1);
    const [status] = await s.status(tenant.id);
    const alerts = status.resources.find((r) => r.resource === 'alerts');
    expect(alerts).toMatchObject({ intervalMs: 60_000, enabled: true, running: null });
    expect(alerts?.nextRunAt).toBe(new Date(clock.now() + 60_000).toISOString());
  }, 60_000);

  it('plans a resource synced 10 minutes ago on a 1 h interval 50 minutes out, and spreads overdue ones', async () => {
    const [tenant] = await setUp([{ name: 'contoso', settings: { schedules: { health: 'off' } } }]);
    await seedHistory(tenant.id, 10 * 60_000);
    const s = scheduler({ random: () => 0.25 });
    await s.start();
    await s.whenIdle();
    const [status] = await s.status();
    const next = Object.fromEntries(status.resources.map((r) => [r.resource, r.nextRunAt]));
    const at = (ms: number) => new Date(clock.now() + ms).toISOString();
    expect(next).toEqual({
      // 1 h after the last run, 5% early (random 0.25 → −5%).
      machines: at(-10 * 60_000 + 0.95 * 3_600_000),
      scores: at(-10 * 60_000 + 0.95 * 3_600_000),
      // Overdue: a quarter of the way into the first minute.
      alerts: at(15_000),
      actions: at(15_000),
      vulnerabilities: at(-10 * 60_000 + 0.95 * 4 * 3_600_000),
      software: at(-10 * 60_000 + 0.95 * 86_400_000),
      health: null,
    });
    expect(status.resources.find((r) => r.resource === 'health')).toMatchObject({
      enabled: false,
      intervalMs: 4 * 3_600_000,
    });
    expect(await runCounts(tenant.id)).toEqual(
      Object.fromEntries(Resources.map((r) => [`${r}:succeeded`, 1])),
    );
    clock.advance(15_000);
    await s.whenIdle();
    expect(await runCounts(tenant.id)).toMatchObject({
      'alerts:succeeded': 2,
      'actions:succeeded': 2,
      'machines:succeeded': 1,
    });
  });

  it('runs nothing of a disabled tenant until it is enabled and the scheduler refreshed', async () => {
    const [on, off] = await setUp([
      { name: 'on', settings: LIGHT },
      { name: 'off', enabled: false, settings: LIGHT },
    ]);
    const s = scheduler();
    await s.start();
    await s.whenIdle();
    expect(await runCounts(on.id)).toEqual({
      'machines:succeeded': 1,
      'alerts:succeeded': 1,
      'actions:succeeded': 1,
      'health:succeeded': 1,
    });
    expect(await runCounts(off.id)).toEqual({});
    const offStatus = (await s.status(off.id))[0];
    expect(offStatus.enabled).toBe(false);
    expect(offStatus.resources.map((r) => r.nextRunAt)).toEqual(Array(Resources.length).fill(null));
    expect(s.trigger(off.id, { only: ['alerts'] }).accepted).toEqual([]);
    clock.advance(5 * 60_000);
    await s.whenIdle();
    expect(await runCounts(off.id)).toEqual({});

    await setEnabled(store.db, 'off', true);
    await s.refresh();
    await s.whenIdle();
    expect(await runCounts(off.id)).toMatchObject({ 'machines:succeeded': 1, 'alerts:succeeded': 1 });
  });

  it('records a failing resource, still syncs the others, and retries it after 30 s', async () => {
    const [tenant] = await setUp([{ name: 'contoso', settings: LIGHT }]);
    await control(emu, 'POST', 'faults', { kind: '500', families: ['alerts'], count: 1 });
    const events: RunFinishedEvent[] = [];
    const s = scheduler({ clientFor: () => clientFor(emu, { maxRetries: 0 }) });
    s.onRunFinished((e) => events.push(e));
    await s.start();
    await s.whenIdle();
    expect(await runCounts(tenant.id)).toEqual({
      'machines:succeeded': 1,
      'alerts:failed': 1,
      'actions:succeeded': 1,
      'health:succeeded': 1,
    });
    const failed = events.find((e) => e.resource === 'alerts');
    expect(failed).toMatchObject({ status: 'failed', apiCalls: 0 });
    expect(failed?.error).toMatch(/500|internal/i);
    const [status] = await s.status();
    const next = (r: Resource) => status.resources.find((x) => x.resource === r)?.nextRunAt;
    expect(next('alerts')).toBe(new Date(clock.now() + 30_000).toISOString());
    expect(next('actions')).toBe(new Date(clock.now() + 60_000).toISOString());
    expect(status.resources.find((x) => x.resource === 'alerts')?.lastRun?.status).toBe('failed');

    clock.advance(30_000);
    await s.whenIdle();
    expect(await runCounts(tenant.id)).toMatchObject({
      'alerts:failed': 1,
      'alerts:succeeded': 1,
      'actions:succeeded': 1,
    });
  });

  // Devices are read one page ahead of the one being written: by the time the third page is asked for, the
  // first is committed and reported, and the second may be.
  describe('with devices listed 10 a page and the third page held back', () => {
    const thirdPage = (url: string) => url.includes('/api/machines') && url.includes('%24skip=20');
    const heldClient = (): DefenderClient => clientFor(emu, { pageSize: 10, fetch: held?.fetch });

    it('shows a run in progress in status(), then its last run', async () => {
      const [tenant] = await setUp([{ name: 'contoso', settings: LIGHT }]);
      await seedHistory(tenant.id, 0);
      held = gate(thirdPage);
      const s = scheduler({ clientFor: heldClient });
      await s.start();
      const { accepted, done } = s.trigger(tenant.id, { only: ['machines'], reason: 'alice' });
      expect(accepted).toEqual(['machines', 'health']);
      await held.reached;
      const machines = async () =>
        (await s.status(tenant.id))[0].resources.find((r) => r.resource === 'machines');
      const running = (await machines())?.running;
      expect(running?.startedAt).toBe(new Date(clock.now()).toISOString());
      expect([10, 20]).toContain(running?.items);
      expect(running?.pages).toBeGreaterThanOrEqual(1);
      held.release();
      await done;
      expect(await machines()).toMatchObject({
        running: null,
        lastRun: { status: 'succeeded', fetched: DEVICES, apiCalls: DEVICES / 10 + 1 },
        nextRunAt: new Date(clock.now() + 3_600_000).toISOString(),
      });
    });

    it('coalesces two triggers queued behind a running sync into one run', async () => {
      const [tenant] = await setUp([{ name: 'contoso', settings: LIGHT }]);
      await seedHistory(tenant.id, 0);
      held = gate(thirdPage);
      const events: RunFinishedEvent[] = [];
      const s = scheduler({ clientFor: heldClient, onRunFinished: (e) => events.push(e) });
      await s.start();
      const busy = s.trigger(tenant.id, { only: ['machines'] });
      await held.reached;
      const first = s.trigger(tenant.id, { only: ['alerts'], reason: 'alice' });
      const second = s.trigger(tenant.id, { only: ['alerts'], reason: 'bob' });
      expect(second.done).toBe(first.done);
      held.release();
      await Promise.all([busy.done, first.done]);
      await s.whenIdle();
      expect(events.map((e) => `${e.resource}:${e.reason}`)).toEqual([
        'machines:manual',
        'health:manual',
        'alerts:alice',
      ]);
      expect(await runCounts(tenant.id)).toMatchObject({ 'alerts:succeeded': 2, 'machines:succeeded': 2 });
    });

    it('stop() lets the running resource finish and starts no other', async () => {
      const [tenant] = await setUp([{ name: 'contoso', settings: LIGHT }]);
      await seedHistory(tenant.id, 0);
      held = gate(thirdPage);
      const s = scheduler({ clientFor: heldClient });
      await s.start();
      const run = s.trigger(tenant.id, { only: ['machines', 'alerts'] });
      await held.reached;
      let stopped = false;
      const stopping = s.stop({ timeoutMs: 60_000 }).then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      held.release();
      await stopping;
      await run.done;
      const newest = await store.db
        .selectFrom('sync_runs')
        .select(['resource', 'status', 'fetched'])
        .where('tenant', '=', tenant.id)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(newest).toEqual({ resource: 'machines', status: 'succeeded', fetched: DEVICES });
      expect(await runCounts(tenant.id)).toMatchObject({ 'alerts:succeeded': 1, 'health:succeeded': 1 });
      expect(s.trigger(tenant.id).accepted).toEqual([]);
    });

    it('stop() gives up waiting at its deadline, leaving the cut run to resume next time', async () => {
      const [tenant] = await setUp([{ name: 'contoso', settings: LIGHT }]);
      await seedHistory(tenant.id, 0);
      held = gate(thirdPage);
      const s = scheduler({ clientFor: heldClient });
      await s.start();
      s.trigger(tenant.id, { only: ['machines'] });
      await held.reached;
      const stopping = s.stop({ timeoutMs: 5_000 });
      clock.advance(5_000);
      await stopping;
      const newest = await store.db
        .selectFrom('sync_runs')
        .select(['resource', 'status'])
        .where('tenant', '=', tenant.id)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(newest).toEqual({ resource: 'machines', status: 'running' });
      held.release();
      await s.whenIdle();
    });
  });
});

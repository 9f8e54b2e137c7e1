import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoMs } from '../store/schema.js';
import { engines } from '../store/store.test-support.js';
import { syncAlerts } from './alerts-sync.js';
import { readCursor } from './cursors.js';
import { advanceClock, clientFor, expectAlertsEqual, startTestEmulator } from './sync.test-support.js';

describe.each(engines)('syncAlerts on $name', (engine) => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator(1_500, 'alerts');
  });
  afterAll(() => emu.close());

  it('misses and duplicates nothing when many alerts share one lastUpdateTime across page boundaries', async () => {
    const store = await engine.open();
    try {
      const client = clientFor(emu, { pageSize: 50 });
      const ctx = { store, tenant: 't1', client };
      const total = emu.state.data.alerts.length;
      const first = await syncAlerts(ctx);
      expect(first).toMatchObject({ fetched: total, upserted: total, created: total, updated: 0 });
      expect(first.apiCalls).toBe(Math.floor(total / 50) + 1);
      await expectAlertsEqual(store, 't1', emu);

      // 130 of the oldest alerts change within one emulator minute: they share a lastUpdateTime and fill
      // the last pages of the next delta, across two page boundaries.
      const oldest = [...emu.state.data.alerts]
        .sort((a, b) => a.lastUpdateTime.localeCompare(b.lastUpdateTime))
        .slice(0, 130)
        .map((a) => a.id);
      await client.batchUpdateAlerts(oldest.slice(0, 100), { comment: 'triaged by the bridge test' });
      for (const id of oldest.slice(100)) await client.updateAlert(id, { status: 'InProgress' });
      const stamps = new Set(oldest.map((id) => emu.state.alert(id)!.lastUpdateTime));
      expect(stamps.size).toBe(1);

      const delta = await syncAlerts(ctx);
      expect(delta.updated).toBe(130);
      expect(delta.created).toBe(0);
      expect(delta.fetched).toBeGreaterThan(100);
      await expectAlertsEqual(store, 't1', emu);
      const versions = await store.db
        .selectFrom('alerts')
        .select(['id', 'versions'])
        .where('id', 'in', oldest)
        .execute();
      expect(versions.map((v) => Number(v.versions))).toEqual(oldest.map(() => 2));
      expect(await readCursor(store.db, 't1', 'alerts')).toBe(isoMs([...stamps][0]));

      // Reading the same window again (overlap) is not an update.
      const again = await syncAlerts(ctx);
      expect(again).toMatchObject({ created: 0, updated: 0, upserted: 0 });
      expect(again.fetched).toBeGreaterThanOrEqual(130);
    } finally {
      await store.dispose();
    }
  });

  it('tells new alerts from updated ones after the tenant moves on', async () => {
    const store = await engine.open();
    try {
      const ctx = { store, tenant: 't1', client: clientFor(emu, { pageSize: 200 }) };
      await syncAlerts(ctx);
      const known = new Map(emu.state.data.alerts.map((a) => [a.id, a.lastUpdateTime]));
      await advanceClock(emu, 24 * 60);
      const raised = emu.state.data.alerts.filter((a) => !known.has(a.id)).length;
      const changed = emu.state.data.alerts.filter(
        (a) => known.has(a.id) && isoMs(known.get(a.id)) !== isoMs(a.lastUpdateTime),
      ).length;
      expect(raised).toBeGreaterThan(0);
      expect(changed).toBeGreaterThan(0);
      const delta = await syncAlerts(ctx);
      expect(delta).toMatchObject({ created: raised, updated: changed, upserted: raised + changed });
      await expectAlertsEqual(store, 't1', emu);
      const runs = await store.db.selectFrom('sync_runs').select(['mode', 'status', 'upserted']).execute();
      expect(runs).toEqual([
        { mode: 'full', status: 'succeeded', upserted: known.size },
        { mode: 'delta', status: 'succeeded', upserted: raised + changed },
      ]);
    } finally {
      await store.dispose();
    }
  });

  it('rewinds the cursor when an alert changed mid-walk shifted the pages, and catches up on the next run', async () => {
    const store = await engine.open();
    try {
      const byTime = () =>
        [...emu.state.data.alerts].sort((a, b) => a.lastUpdateTime.localeCompare(b.lastUpdateTime));
      const oldest = byTime()[0];
      const newest = byTime().at(-1)!.lastUpdateTime;
      const total = emu.state.data.alerts.length;
      const ctx = {
        store,
        tenant: 't1',
        client: clientFor(emu, { pageSize: 50 }),
        // After the first page: the first alert it held changes (moving to the end of the ordering).
        onProgress: ({ pages }: { pages: number }) => {
          if (pages === 1) oldest.lastUpdateTime = new Date(Date.parse(newest) + 1000).toISOString();
        },
      };
      const first = await syncAlerts(ctx);
      expect(first.fetched).toBe(total - 1); // one alert slid over a page boundary; the moved one came twice
      const page0 = await store.db
        .selectFrom('alerts')
        .select('last_update_time')
        .orderBy('last_update_time')
        .limit(50)
        .execute();
      expect(await readCursor(store.db, 't1', 'alerts')).toBe(page0.at(-1)!.last_update_time);

      const second = await syncAlerts({ ...ctx, onProgress: undefined });
      expect(second).toMatchObject({ created: 1, updated: 1 });
      await expectAlertsEqual(store, 't1', emu);
    } finally {
      await store.dispose();
    }
  });
});

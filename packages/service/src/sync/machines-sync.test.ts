import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { MIN_LISTED_SHARE_FOR_REMOVAL, SHRINK_GUARD_MIN_DEVICES, syncMachines } from './machines-sync.js';
import {
  advanceClock,
  clientFor,
  control,
  expectDevicesEqual,
  expectOnePrimaryPerDnsName,
  startTestEmulator,
} from './sync.test-support.js';

describe.each(engines)('syncMachines on $name', (engine) => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator(2_000, 'machines');
  });
  afterAll(() => emu.close());

  it('replicates the tenant in full, follows it by lastSeen deltas, and keeps one primary per DNS name', async () => {
    const store = await engine.open();
    try {
      const ctx = { store, tenant: 't1', client: clientFor(emu, { pageSize: 500 }) };
      const full = await syncMachines(ctx);
      expect(full).toMatchObject({ fetched: 2_000, upserted: 2_000, removed: 0, apiCalls: 5 });
      await expectDevicesEqual(store, 't1', emu);
      expect(await expectOnePrimaryPerDnsName(store, 't1', emu)).toBeGreaterThan(0);

      const before = emu.state.data.devices.length;
      await advanceClock(emu, 24 * 60);
      expect(emu.state.data.devices.length).toBeGreaterThan(before); // onboarded and re-imaged records
      const delta = await syncMachines(ctx);
      expect(delta.fetched).toBeLessThan(emu.state.data.devices.length);
      const run = await store.db
        .selectFrom('sync_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(run).toMatchObject({ mode: 'delta', status: 'succeeded', fetched: delta.fetched });
      // A lastSeen delta sees what moved lastSeen; health that went stale without a report waits for the
      // full reconcile, which then leaves the replica equal in every field compared.
      await expectDevicesEqual(store, 't1', emu, { health: false });
      await expectOnePrimaryPerDnsName(store, 't1', emu);
      await syncMachines({ ...ctx, mode: 'full' });
      await expectDevicesEqual(store, 't1', emu);
      await expectOnePrimaryPerDnsName(store, 't1', emu);
    } finally {
      await store.dispose();
    }
  });

  it('keeps IP history as observation windows per (device, ip)', async () => {
    const store = await engine.open();
    try {
      const ctx = { store, tenant: 't1', client: clientFor(emu) };
      await syncMachines(ctx);
      const device = emu.state.data.devices.find((d) => d.online)!.machine;
      const firstIp = device.lastIpAddress;
      const windows = () =>
        store.db
          .selectFrom('device_ips')
          .select(['ip', 'first_seen_at', 'last_seen_at'])
          .where('device_id', '=', device.id)
          .orderBy('first_seen_at')
          .execute();
      expect(await windows()).toHaveLength(1);

      // The device reports again with the same IP, then with another, then with the first again.
      let at = Math.max(...emu.state.data.devices.map((d) => Date.parse(d.machine.lastSeen)));
      const report = (ip: string, minutes: number) => {
        at += minutes * 60_000;
        device.lastSeen = new Date(at).toISOString();
        device.lastIpAddress = ip;
      };
      report(firstIp, 60);
      await syncMachines(ctx);
      report('10.99.0.7', 60);
      await syncMachines(ctx);
      report(firstIp, 60);
      await syncMachines(ctx);
      const rows = await windows();
      expect(rows.map((r) => r.ip)).toEqual([firstIp, '10.99.0.7', firstIp]);
      expect(rows[0].last_seen_at > rows[0].first_seen_at).toBe(true);
      expect(rows[1].first_seen_at).toBe(rows[1].last_seen_at);
    } finally {
      await store.dispose();
    }
  });

  it('removes nothing when a full listing is cut short, and tombstones after a complete one', async () => {
    const store = await engine.open();
    try {
      await syncMachines({ store, tenant: 't1', client: clientFor(emu) });
      const gone = { ...(await store.db.selectFrom('devices').selectAll().executeTakeFirstOrThrow()) };
      await store.db
        .insertInto('devices')
        .values({
          ...gone,
          id: 'f'.repeat(40),
          dns_name: 'gone.contoso.test',
          synced_at: '2000-01-01T00:00:00.000Z',
        })
        .execute();

      // The second page's call fails and the client may not retry: the listing is incomplete.
      let listings = 0;
      const failing = clientFor(emu, {
        pageSize: 500,
        maxRetries: 0,
        fetch: async (input, init) => {
          if (String(input).includes('/api/machines') && ++listings === 2) {
            await control(emu, 'POST', 'faults', { kind: '503', families: ['machines'], count: 1 });
          }
          return fetch(input, init);
        },
      });
      await expect(syncMachines({ store, tenant: 't1', client: failing, mode: 'full' })).rejects.toThrow();
      const removed = await store.db
        .selectFrom('devices')
        .select('id')
        .where('removed_at', 'is not', null)
        .execute();
      expect(removed).toEqual([]);
      const failed = await store.db
        .selectFrom('sync_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(failed).toMatchObject({ status: 'failed', removed: 0, fetched: 500, api_calls: 1 });
      expect(failed.error).toMatch(/503|unavailable/i);

      const complete = await syncMachines({ store, tenant: 't1', client: clientFor(emu), mode: 'full' });
      expect(complete.removed).toBe(1);
      const tombstone = await store.db
        .selectFrom('devices')
        .select(['removed_at', 'is_primary'])
        .where('id', '=', 'f'.repeat(40))
        .executeTakeFirstOrThrow();
      expect(tombstone.removed_at).not.toBeNull();
      expect(Number(tombstone.is_primary)).toBe(0);
      await expectDevicesEqual(store, 't1', emu);
    } finally {
      await store.dispose();
    }
  });
});

describe.each(engines)('syncMachines on $name, a listing far smaller than the replica', (engine) => {
  it('fails the run and removes nothing when a complete listing returns under half the devices held', async () => {
    const emu = await startTestEmulator(60, 'shrink');
    const store = await engine.open();
    try {
      expect(60).toBeGreaterThanOrEqual(SHRINK_GUARD_MIN_DEVICES);
      const ctx = { store, tenant: 't1', client: clientFor(emu, { pageSize: 25 }) };
      await syncMachines(ctx);
      await control(emu, 'POST', 'reset', { seed: 'shrink', devices: 12 });
      await expect(syncMachines({ ...ctx, mode: 'full' })).rejects.toThrow(
        /listing returned 12 devices, replica holds 60; refusing to remove/,
      );
      const removed = await store.db
        .selectFrom('devices')
        .select('id')
        .where('removed_at', 'is not', null)
        .execute();
      expect(removed).toEqual([]);
      const failed = await store.db
        .selectFrom('sync_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(failed).toMatchObject({ status: 'failed', removed: 0, fetched: 12 });
      expect(failed.error).toMatch(/replica holds 60/);

      // At or above the share, removal goes ahead as usual.
      const kept = Math.ceil(60 * MIN_LISTED_SHARE_FOR_REMOVAL) + 5;
      await control(emu, 'POST', 'reset', { seed: 'shrink', devices: kept });
      const shrunk = await syncMachines({ ...ctx, mode: 'full' });
      expect(shrunk.removed).toBeGreaterThan(0);
      await expectDevicesEqual(store, 't1', emu);
    } finally {
      await store.dispose();
      await emu.close();
    }
  });
});

describe('syncMachines at scale (SQLite)', () => {
  it('replicates a tenant of 25,000+ devices in full', async () => {
    const emu = await startTestEmulator(25_500, 'large');
    const store = await engines[0].open();
    try {
      const started = Date.now();
      const result = await syncMachines({
        store,
        tenant: 't1',
        client: clientFor(emu, { timeoutInMs: 20_000 }),
      });
      const ms = Date.now() - started;
      console.info(`full sync of ${result.fetched} devices: ${ms} ms in ${result.apiCalls} calls`);
      expect(result).toMatchObject({ fetched: 25_500, upserted: 25_500, removed: 0, apiCalls: 3 });
      await expectDevicesEqual(store, 't1', emu);
      await expectOnePrimaryPerDnsName(store, 't1', emu);
    } finally {
      await store.dispose();
      await emu.close();
    }
  }, 60_000);
});

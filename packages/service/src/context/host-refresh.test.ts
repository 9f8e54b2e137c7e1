import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from '../api/api.test-support.js';
import { testEnv } from '../api/routes/routes.test-support.js';
import { secretBox } from '../secrets/secret-box.js';
import { engines } from '../store/store.test-support.js';
import { syncMachines } from '../sync/machines-sync.js';
import { clientFor, EMULATOR_START, startTestEmulator } from '../sync/sync.test-support.js';
import { emulatorTenantInput } from '../tenants/emulator-tenant.js';
import { addTenant } from '../tenants/tenant-repository.js';
import { HostContextService } from './host-context-service.js';
import { parseObservedHost } from './observed-host.js';

/** A fetch to the emulator that counts getMachine calls (GET /api/machines/{id}) and findbyip calls. */
function countingFetch() {
  const counts = { getMachine: 0, findByIp: 0 };
  const fetcher: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (/^\/api\/machines\/findbyip\(/i.test(decodeURIComponent(url.pathname))) counts.findByIp++;
    else if (/^\/api\/machines\/[0-9a-f]{40}$/.test(url.pathname)) counts.getMachine++;
    return fetch(input, init);
  };
  return { counts, fetcher };
}

describe.each(engines)('host sessions against an emulated tenant on $name', (engine) => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator(30, 'context');
  });
  afterAll(() => emu.close());

  async function setUp(settings: Record<string, unknown> = {}) {
    const store = await engine.open();
    const env = testEnv();
    const tenant = await addTenant(store.db, secretBox(env), {
      ...emulatorTenantInput(emu, 'emulated'),
      settings,
    });
    const { counts, fetcher } = countingFetch();
    const api = await createTestApi({ store, deps: { env, fetch: fetcher } });
    const post = async (payload: object) => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/host-sessions',
        payload,
        ...api.as('analyst'),
      });
      return { status: response.statusCode, body: response.json() };
    };
    return {
      store,
      tenant,
      counts,
      post,
      async close() {
        await api.close();
        await store.dispose();
      },
    };
  }

  it('re-reads a stale device once for two concurrent sessions and answers with the fresh data', async () => {
    const t = await setUp({ context: { maxAgeSeconds: 600 } });
    try {
      await syncMachines({ store: t.store, tenant: t.tenant.id, client: clientFor(emu) });
      const record = emu.state.data.devices.find((d) => d.online)!;
      const machine = record.machine;
      // Stale: synced an hour ago (older than the tenant's 10 minutes), and changed in Defender since.
      await t.store.db
        .updateTable('devices')
        .set({ synced_at: new Date(Date.now() - 3600_000).toISOString() })
        .where('id', '=', machine.id)
        .execute();
      machine.machineTags = [...machine.machineTags, 'refreshed-by-context'];

      const [first, second] = await Promise.all([
        t.post({ hostname: machine.computerDnsName, source: 'ndr' }),
        t.post({ hostname: machine.computerDnsName.toUpperCase(), source: 'ndr' }),
      ]);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(second.status).toBe(200);
      expect(t.counts.getMachine).toBe(1);
      expect([first.body.refreshed, second.body.refreshed]).toContain(true);
      expect(first.body).toMatchObject({
        machineId: machine.id,
        match: { status: 'matched', by: 'dnsName' },
      });
      expect(first.body.tags).toContain('refreshed-by-context');
      // Both sessions are one endpoint.
      const endpoints = await t.store.db.selectFrom('endpoints').select(['device_id', 'hostname']).execute();
      expect(endpoints).toEqual([{ device_id: machine.id, hostname: machine.computerDnsName.toLowerCase() }]);
      const row = await t.store.db
        .selectFrom('devices')
        .select(['synced_at', 'machine_tags'])
        .where('id', '=', machine.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.machine_tags)).toContain('refreshed-by-context');
      expect(Date.parse(row.synced_at)).toBeGreaterThan(Date.now() - 600_000);

      // Fresh now: the next session answers from the replica alone.
      const third = await t.post({ hostname: machine.computerDnsName });
      expect(third.body.refreshed).toBe(false);
      expect(t.counts.getMachine).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('answers from the replica (refreshed: false) when the refresh fails', async () => {
    const t = await setUp();
    try {
      await syncMachines({ store: t.store, tenant: t.tenant.id, client: clientFor(emu) });
      const machine = emu.state.data.devices[0].machine;
      await t.store.db.updateTable('devices').set({ synced_at: '2020-01-01T00:00:00.000Z' }).execute();
      // Defender cannot be reached: the client factory fails.
      const service = new HostContextService({
        store: t.store,
        openClient: async () => {
          throw new Error('unreachable');
        },
      });
      const host = parseObservedHost({ hostname: machine.computerDnsName }, new Date(), (k) => k);
      const context = await service.session({ host, groups: null });
      expect(context).toMatchObject({
        machineId: machine.id,
        refreshed: false,
        match: { status: 'matched' },
      });
    } finally {
      await t.close();
    }
  });

  it("falls back to Defender's findbyip when the replica knows no device for an IP", async () => {
    const t = await setUp();
    try {
      const machine = emu.state.data.devices.find((d) => d.online && d.machine.lastIpAddress)!.machine;
      // Seen at the emulator's time: its findbyip refuses a time ahead of its own clock.
      const { status, body } = await t.post({ ip: machine.lastIpAddress, seenAt: EMULATOR_START });
      expect(status, JSON.stringify(body)).toBe(200);
      expect(t.counts.findByIp).toBe(1);
      expect(body).toMatchObject({ machineId: machine.id, match: { status: 'matched', by: 'findByIp' } });
      const rows = await t.store.db.selectFrom('endpoints').selectAll().execute();
      expect(rows).toMatchObject([{ managed: 1, device_id: machine.id, match_by: 'findByIp' }]);

      // An address no device ever had: asked once, then kept as an unmanaged endpoint.
      const unknown = await t.post({ ip: '203.0.113.250', seenAt: EMULATOR_START });
      expect(unknown.body).toMatchObject({ machineId: null, match: { status: 'unmanaged' } });
      expect(t.counts.findByIp).toBe(2);
    } finally {
      await t.close();
    }
  });
});

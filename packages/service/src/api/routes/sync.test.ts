import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedTenant } from '../../hosts/host-seed.test-support.js';
import type { ResourceSchedule } from '../../jobs/sync-controller.js';
import { engines } from '../../store/store.test-support.js';
import { SyncBusyError } from '../../sync/sync-tenant.js';
import type { Api } from '../types.js';
import { seedReplica } from './data-fixtures.test-support.js';
import { type FakeSync, routesApp } from './routes.test-support.js';

const machines: ResourceSchedule = {
  resource: 'machines',
  intervalMs: 900_000,
  enabled: true,
  nextRunAt: '2026-11-22T12:15:00.000Z',
  lastRun: {
    mode: 'delta',
    status: 'succeeded',
    startedAt: '2026-11-22T12:00:00.000Z',
    finishedAt: '2026-11-22T12:00:05.000Z',
    fetched: 10,
    upserted: 3,
    removed: 0,
    apiCalls: 2,
    throttledMs: 0,
    error: null,
  },
  running: { startedAt: '2026-11-22T12:01:00.000Z', pages: 1, items: 500 },
};

for (const engine of engines) {
  describe(`sync routes on ${engine.name}`, () => {
    let store: Awaited<ReturnType<typeof engine.open>>;
    let app: Api;
    let sync: FakeSync;
    const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const response = await app.inject({ method, url: `/api/v1${url}`, payload });
      return { status: response.statusCode, body: response.body ? response.json() : null };
    };

    beforeEach(async () => {
      store = await engine.open();
      await seedReplica(store.db);
      await seedTenant(store.db, 'paused', { enabled: 0 });
      ({ app, sync } = await routesApp(store, { caller: { name: 'alice' } }));
      sync.schedules = [
        { tenantId: 'contoso', tenantName: 'contoso', enabled: true, isDemo: false, resources: [] },
        { tenantId: 'fabrikam', tenantName: 'fabrikam', enabled: true, isDemo: false, resources: [machines] },
      ];
    });
    afterEach(async () => {
      await app.close();
      await store.dispose();
    });

    it('answers the controller’s schedules, for one tenant by name', async () => {
      expect((await call('GET', '/sync/status')).body.items).toHaveLength(2);
      const one = await call('GET', '/sync/status?tenant=fabrikam');
      expect(one.body).toEqual({
        items: [
          {
            tenantId: 'fabrikam',
            tenantName: 'fabrikam',
            enabled: true,
            isDemo: false,
            resources: [machines],
          },
        ],
      });
      expect(sync.statusAsked).toEqual([undefined, 'fabrikam']);
    });

    it('lists sync runs newest first with the tenant name, filtered by status', async () => {
      const { status, body } = await call('GET', '/sync/runs?tenant=contoso');
      expect(status).toBe(200);
      expect(body.total).toBe(2);
      expect(body.items[0]).toEqual({
        id: expect.any(String),
        tenantId: 'contoso',
        tenantName: 'contoso',
        resource: 'alerts',
        mode: 'delta',
        status: 'failed',
        startedAt: '2026-11-21T00:00:00.000Z',
        finishedAt: '2026-11-21T00:00:30.000Z',
        fetched: 0,
        upserted: 0,
        removed: 0,
        apiCalls: 0,
        throttledMs: 0,
        error: 'boom',
      });
      const ok = await call('GET', '/sync/runs?status=succeeded&resource=machines');
      expect(ok.body.items.map((r: { resource: string }) => r.resource)).toEqual(['machines']);
      expect((await call('GET', '/sync/runs?status=done')).status).toBe(400);
    });

    it('triggers a sync (202 with what was accepted), audited; refuses disabled, unknown, busy and bad requests', async () => {
      const accepted = await call('POST', '/tenants/contoso/sync', { only: ['alerts'], mode: 'full' });
      expect(accepted).toEqual({ status: 202, body: { accepted: ['alerts'] } });
      expect(sync.triggered).toEqual([
        { tenantId: 'contoso', request: { only: ['alerts'], mode: 'full', reason: 'alice' } },
      ]);
      const audit = await store.db.selectFrom('audit_log').select(['action', 'target']).execute();
      expect(audit).toEqual([{ action: 'sync.triggered', target: 'contoso' }]);

      const disabled = await call('POST', '/tenants/paused/sync', {});
      expect(disabled.status).toBe(409);
      expect(disabled.body.error.code).toBe('conflict');
      expect((await call('POST', '/tenants/nobody/sync', {})).status).toBe(404);
      sync.failNext = new SyncBusyError('tenant contoso is already being synced');
      const busy = await call('POST', '/tenants/contoso/sync', {});
      expect(busy.status).toBe(409);
      expect(busy.body.error.code).toBe('sync_running');
      for (const payload of [{ only: ['everything'] }, { mode: 'now' }, { only: [] }, { force: true }]) {
        expect((await call('POST', '/tenants/contoso/sync', payload)).status, JSON.stringify(payload)).toBe(
          400,
        );
      }
      expect(sync.triggered).toHaveLength(1);
      const bare = await app.inject({ method: 'POST', url: '/api/v1/tenants/fabrikam/sync' });
      expect(bare.statusCode, bare.body).toBe(202);
      expect(sync.triggered[1]).toEqual({
        tenantId: 'fabrikam',
        request: { only: undefined, mode: undefined, reason: 'alice' },
      });
    });

    it('documents the tenant, sync and data routes in OpenAPI', async () => {
      const spec = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      for (const path of [
        '/api/v1/tenants/{id}',
        '/api/v1/hosts',
        '/api/v1/hosts/{id}',
        '/api/v1/dashboard',
      ]) {
        expect(spec.paths[path], path).toBeDefined();
      }
      const hostList = spec.paths['/api/v1/hosts'].get;
      expect(hostList.parameters.map((p: { name: string }) => p.name)).toContain('includeRemoved');
      expect(Object.keys(hostList.responses['200'].content['application/json'].schema.properties)).toEqual([
        'items',
        'total',
        'page',
        'pageSize',
      ]);
    });
  });
}

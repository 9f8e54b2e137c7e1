import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../store/store.test-support.js';
import type { Api } from '../types.js';
import { CONTOSO_ENTRA_ID, seedReplica } from './data-fixtures.test-support.js';
import { type FakeCaller, routesApp } from './routes.test-support.js';

for (const engine of engines) {
  describe(`host routes on ${engine.name}`, () => {
    let store: Awaited<ReturnType<typeof engine.open>>;
    const apps = new Map<string, Api>();
    const appFor = async (caller?: FakeCaller) => {
      const key = JSON.stringify(caller ?? {});
      const existing = apps.get(key);
      if (existing) return existing;
      const { app } = await routesApp(store, { caller });
      apps.set(key, app);
      return app;
    };
    const get = async (url: string, caller?: FakeCaller) => {
      const response = await (await appFor(caller)).inject({ method: 'GET', url: `/api/v1${url}` });
      return { status: response.statusCode, body: response.json() };
    };
    const names = async (url: string, caller?: FakeCaller) => {
      const { status, body } = await get(url, caller);
      expect(status, JSON.stringify(body)).toBe(200);
      return body.items.map((h: { name: string }) => h.name);
    };

    beforeEach(async () => {
      store = await engine.open();
      await seedReplica(store.db);
    });
    afterEach(async () => {
      for (const app of apps.values()) await app.close();
      apps.clear();
      await store.dispose();
    });

    it('lists live hosts by name with the total and the HostSummary shape', async () => {
      const { status, body } = await get('/hosts');
      expect(status).toBe(200);
      expect(body).toMatchObject({ total: 5, page: 1, pageSize: 50 });
      expect(body.items.map((h: { name: string }) => h.name)).toEqual([
        'alpha.contoso.com',
        'Bravo.contoso.com',
        'charlie.contoso.com',
        'echo.contoso.com',
        'foxtrot.fabrikam.com',
      ]);
      expect(body.items[0]).toEqual({
        id: 'a100',
        tenantId: 'contoso',
        tenantName: 'contoso',
        name: 'alpha.contoso.com',
        os: 'Windows11',
        osVersion: null,
        healthStatus: 'Active',
        onboardingStatus: 'Onboarded',
        riskScore: 'High',
        exposureLevel: 'Medium',
        riskLevel: null,
        deviceValue: 'Normal',
        isolationState: 'unknown',
        lastSeen: '2026-11-20T00:00:00.000Z',
        lastIpAddress: '10.0.0.1',
        tags: ['prod', 'web'],
        deviceGroup: 'Servers',
        managed: true,
        removed: false,
      });
      expect(body.items[2].isolationState).toBe('isolated');
    });

    it('combines filters, and includes tombstoned hosts only when asked', async () => {
      expect(await names('/hosts?os=Windows11')).toEqual([
        'alpha.contoso.com',
        'charlie.contoso.com',
        'foxtrot.fabrikam.com',
      ]);
      expect(await names('/hosts?os=Windows11&tenant=contoso')).toEqual([
        'alpha.contoso.com',
        'charlie.contoso.com',
      ]);
      expect(await names('/hosts?isolation=isolated')).toEqual(['charlie.contoso.com']);
      expect(await names('/hosts?isolation=unknown&tenant=contoso')).toEqual([
        'alpha.contoso.com',
        'Bravo.contoso.com',
        'echo.contoso.com',
      ]);
      expect(await names('/hosts?tag=web')).toEqual(['alpha.contoso.com']);
      expect(await names('/hosts?tag=we')).toEqual([]);
      expect(await names('/hosts?group=Workstations&health=Inactive')).toEqual(['Bravo.contoso.com']);
      expect(await names('/hosts?risk=High&exposure=Medium')).toEqual(['alpha.contoso.com']);
      expect(await names('/hosts?managed=false')).toEqual([]);
      const removed = await get('/hosts?includeRemoved=true');
      expect(removed.body.total).toBe(6);
      expect(removed.body.items.find((h: { id: string }) => h.id === 'd400')).toMatchObject({
        removed: true,
      });
    });

    it('searches names case-insensitively, machine ID prefixes, and current or past IP addresses', async () => {
      expect(await names('/hosts?q=BRAVO')).toEqual(['Bravo.contoso.com']);
      expect(await names('/hosts?q=b20')).toEqual(['Bravo.contoso.com']);
      expect(await names('/hosts?q=10.0.0.1')).toEqual(['alpha.contoso.com']);
      expect(await names('/hosts?q=192.168.1.50')).toEqual(['Bravo.contoso.com']);
      expect(await names('/hosts?q=%25')).toEqual([]);
      expect(await names('/hosts?q=contoso&tenant=fabrikam')).toEqual([]);
    });

    it('sorts by whitelisted fields with NULLs lowest and pages without gaps or repeats', async () => {
      expect(await names('/hosts?sort=risk&order=desc')).toEqual([
        'alpha.contoso.com',
        'charlie.contoso.com',
        'foxtrot.fabrikam.com',
        'Bravo.contoso.com',
        'echo.contoso.com',
      ]);
      // NULLs sort as the smallest value on both engines (SQLite's order, so its indexes serve the sort).
      expect(await names('/hosts?sort=risk&order=asc')).toEqual([
        'echo.contoso.com',
        'Bravo.contoso.com',
        'foxtrot.fabrikam.com',
        'charlie.contoso.com',
        'alpha.contoso.com',
      ]);
      expect(await names('/hosts?sort=lastSeen&order=desc')).toEqual([
        'charlie.contoso.com',
        'alpha.contoso.com',
        'Bravo.contoso.com',
        'foxtrot.fabrikam.com',
        'echo.contoso.com',
      ]);
      const all = await names('/hosts?sort=os');
      const paged: string[] = [];
      for (const page of [1, 2, 3]) {
        const { body } = await get(`/hosts?sort=os&pageSize=2&page=${page}`);
        expect(body).toMatchObject({ total: 5, page, pageSize: 2 });
        paged.push(...body.items.map((h: { name: string }) => h.name));
      }
      expect(paged).toEqual(all);
      expect(new Set(paged).size).toBe(5);
    });

    it('refuses unknown parameters, unlisted sort fields and out-of-range paging with 400', async () => {
      for (const [url, field] of [
        ['/hosts?sort=raw', 'querystring.sort'],
        ['/hosts?pageSize=501', 'querystring.pageSize'],
        ['/hosts?page=0', 'querystring.page'],
        ['/hosts?isolation=sideways', 'querystring.isolation'],
        ['/hosts?color=red', 'querystring.color'],
        ['/hosts?tenant=nobody', 'query.tenant'],
      ]) {
        const { status, body } = await get(url);
        expect(status, url).toBe(400);
        expect(body.error).toMatchObject({ code: 'invalid_request', field });
      }
      expect((await get('/hosts/bad%20id')).status).toBe(400);
    });

    it('counts facets over live hosts, unknown for missing values', async () => {
      const { status, body } = await get('/hosts/facets?tenant=contoso');
      expect(status).toBe(200);
      expect(body).toEqual({
        os: [
          { value: 'Windows11', count: 2 },
          { value: 'Linux', count: 1 },
          { value: 'Windows10', count: 1 },
        ],
        health: [
          { value: 'Active', count: 3 },
          { value: 'Inactive', count: 1 },
        ],
        risk: [
          { value: 'High', count: 1 },
          { value: 'Medium', count: 1 },
          { value: 'None', count: 1 },
          { value: 'unknown', count: 1 },
        ],
        exposure: [
          { value: 'High', count: 1 },
          { value: 'Low', count: 1 },
          { value: 'Medium', count: 1 },
          { value: 'unknown', count: 1 },
        ],
        isolation: [
          { value: 'unknown', count: 3 },
          { value: 'isolated', count: 1 },
        ],
        groups: [
          { value: 'Servers', count: 2 },
          { value: 'Workstations', count: 1 },
          { value: 'unknown', count: 1 },
        ],
        tags: [
          { value: 'dev', count: 1 },
          { value: 'prod', count: 1 },
          { value: 'web', count: 1 },
        ],
      });
    });

    it('shows one host with IP history, health, portal links and counts; isolation details when known', async () => {
      const { status, body } = await get('/hosts/a100');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        id: 'a100',
        firstSeen: '2026-11-01T00:00:00.000Z',
        aadDeviceId: 'aad-1',
        lastExternalIpAddress: '203.0.113.1',
        ipAddresses: [
          {
            ip: '10.0.0.1',
            firstSeenAt: '2026-11-01T00:00:00.000Z',
            lastSeenAt: '2026-11-20T00:00:00.000Z',
            current: true,
          },
        ],
        isolation: null,
        health: { state: 'healthy', since: '2026-11-02T00:00:00.000Z' },
        links: {
          overview: `https://security.microsoft.com/machines/v2/a100/overview?tid=${CONTOSO_ENTRA_ID}`,
          vulnerabilities: `https://security.microsoft.com/machines/v2/a100/vulnerabilities?tid=${CONTOSO_ENTRA_ID}`,
          alerts: `https://security.microsoft.com/machines/v2/a100/alerts?tid=${CONTOSO_ENTRA_ID}`,
        },
        counts: { activeAlerts: 1, vulnerabilities: 2 },
        isPotentialDuplicate: false,
        mergedIntoMachineId: null,
      });
      const charlie = await get('/hosts/c300');
      expect(charlie.body.isolation).toEqual({
        state: 'isolated',
        requestedBy: 'soc@contoso.com',
        at: '2026-11-21T10:00:00.000Z',
        actionId: 'act-2',
      });
      expect((await get('/hosts/f600')).body.links).toBeNull();
      expect((await get('/hosts/zzz999')).status).toBe(404);
    });

    it("lists a host's alerts, actions, CVEs (by severity) and software", async () => {
      const alerts = await get('/hosts/a100/alerts');
      expect(alerts.body.items.map((a: { id: string }) => a.id)).toEqual(['da1', 'da2']);
      expect(alerts.body.items[0]).not.toHaveProperty('evidence');
      const actions = await get('/hosts/c300/actions');
      expect(actions.body).toMatchObject({
        total: 1,
        items: [{ id: 'act-2', type: 'Isolate', hostName: 'charlie.contoso.com' }],
      });
      const cves = await get('/hosts/a100/vulnerabilities');
      expect(
        cves.body.items.map((v: { cveId: string; productName: string }) => `${v.cveId} ${v.productName}`),
      ).toEqual([
        'CVE-2026-0001 edge',
        // Ties break in the sort's direction, so ascending is the exact reverse.
        'CVE-2026-0002 office',
        'CVE-2026-0002 edge',
      ]);
      expect(cves.body.items[0]).toEqual({
        cveId: 'CVE-2026-0001',
        severity: 'Critical',
        cvssV3: 9.8,
        publicExploit: true,
        description: 'CVE-2026-0001 in a browser',
        productVendor: 'microsoft',
        productName: 'edge',
        productVersion: '120.0',
        fixingKbId: null,
      });
      const byId = await get('/hosts/a100/vulnerabilities?sort=cveId&order=desc');
      expect(byId.body.items[0].cveId).toBe('CVE-2026-0002');
      const software = await get('/hosts/a100/software');
      expect(software.body).toMatchObject({
        total: 2,
        items: [
          { id: 'microsoft-_-edge', name: 'edge', version: '120.0', weaknesses: 2, exposedMachines: 50 },
          { id: 'microsoft-_-office', name: 'office', version: '16.0', weaknesses: 1, exposedMachines: 30 },
        ],
      });
    });

    it('keeps a caller limited to a device group inside it: lists, facets, and 404 for other hosts', async () => {
      const limited: FakeCaller = { permissions: ['hosts.view'], deviceGroups: ['Workstations'] };
      const list = await get('/hosts?includeRemoved=true', limited);
      expect(list.body).toMatchObject({ total: 1, items: [{ id: 'b200' }] });
      expect((await get('/hosts/b200', limited)).status).toBe(200);
      for (const url of ['/hosts/a100', '/hosts/a100/alerts', '/hosts/a100/vulnerabilities', '/hosts/e500']) {
        const { status, body } = await get(url, limited);
        expect(status, url).toBe(404);
        expect(body.error.code).toBe('not_found');
      }
      const facets = await get('/hosts/facets', limited);
      expect(facets.body.groups).toEqual([{ value: 'Workstations', count: 1 }]);
      const software = await get('/hosts/b200/software', limited);
      expect(software.body.items).toMatchObject([{ name: 'teams', exposedMachines: 1 }]);
      expect((await get('/hosts', { permissions: ['config.view'] })).status).toBe(403);
    });
  });
}

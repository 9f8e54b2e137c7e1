import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../store/store.test-support.js';
import type { Api } from '../types.js';
import { seedReplica } from './data-fixtures.test-support.js';
import { type FakeCaller, routesApp } from './routes.test-support.js';

const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

for (const engine of engines) {
  describe(`alert, action, vulnerability, software and dashboard routes on ${engine.name}`, () => {
    let store: Awaited<ReturnType<typeof engine.open>>;
    const apps = new Map<string, Api>();
    const get = async (url: string, caller?: FakeCaller) => {
      const key = JSON.stringify(caller ?? {});
      let app = apps.get(key);
      if (!app) {
        app = (await routesApp(store, { caller })).app;
        apps.set(key, app);
      }
      const response = await app.inject({ method: 'GET', url: `/api/v1${url}` });
      return { status: response.statusCode, body: response.json() };
    };
    const limited: FakeCaller = { permissions: ['hosts.view'], deviceGroups: ['Workstations'] };

    beforeEach(async () => {
      store = await engine.open();
      await seedReplica(store.db);
    });
    afterEach(async () => {
      for (const app of apps.values()) await app.close();
      apps.clear();
      await store.dispose();
    });

    it('lists alerts newest first with MITRE techniques but no evidence; one alert carries its evidence', async () => {
      const { status, body } = await get('/alerts');
      expect(status).toBe(200);
      expect(body.total).toBe(4);
      expect(ids(body)).toEqual(['da3', 'da1', 'da2', 'da4']);
      expect(body.items[1]).toEqual({
        id: 'da1',
        tenantId: 'contoso',
        tenantName: 'contoso',
        machineId: 'a100',
        hostName: 'alpha.contoso.com',
        title: 'Suspicious PowerShell',
        severity: 'High',
        status: 'New',
        category: 'Malware',
        detectionSource: 'WindowsDefenderAv',
        createdAt: '2026-11-10T00:00:00.000Z',
        lastUpdateTime: '2026-11-12T00:00:00.000Z',
        resolvedAt: null,
        mitreTechniques: ['T1059', 'T1105'],
      });
      const one = await get('/alerts/da1');
      expect(one.status).toBe(200);
      expect(one.body.evidence).toEqual([{ entityType: 'File', fileName: 'evil.exe', sha1: 'abc' }]);
      expect((await get('/alerts/nope')).status).toBe(404);
    });

    it('filters alerts by severity, status, title, machine, tenant and time window; sorts by severity', async () => {
      expect(ids((await get('/alerts?severity=High')).body)).toEqual(['da1']);
      expect(ids((await get('/alerts?status=Resolved')).body)).toEqual(['da2']);
      expect(ids((await get('/alerts?q=ransomware')).body)).toEqual(['da3']);
      expect(ids((await get('/alerts?machineId=a100&tenant=contoso')).body)).toEqual(['da1', 'da2']);
      expect(ids((await get('/alerts?tenant=fabrikam')).body)).toEqual(['da4']);
      expect(ids((await get('/alerts?from=2026-11-11T00:00:00Z&to=2026-11-12T00:00:00.000Z')).body)).toEqual([
        'da1',
        'da2',
      ]);
      expect(ids((await get('/alerts?sort=severity&order=desc')).body)).toEqual(['da1', 'da4', 'da2', 'da3']);
      for (const url of ['/alerts?from=yesterday', '/alerts?sort=title', '/alerts?evidence=true']) {
        expect((await get(url)).status, url).toBe(400);
      }
    });

    it('lists machine actions newest first, filtered by type or machine', async () => {
      const { body } = await get('/actions');
      expect(ids(body)).toEqual(['act-2', 'act-1', 'act-3']);
      expect(body.items[0]).toEqual({
        id: 'act-2',
        tenantId: 'contoso',
        machineId: 'c300',
        hostName: 'charlie.contoso.com',
        type: 'Isolate',
        status: 'Succeeded',
        requestor: 'soc@contoso.com',
        comment: 'incident 42',
        scope: 'Full',
        createdAt: '2026-11-21T10:00:00.000Z',
        lastUpdateTime: '2026-11-21T10:00:00.000Z',
      });
      expect(ids((await get('/actions?type=RunAntiVirusScan')).body)).toEqual(['act-1']);
      expect(ids((await get('/actions?machineId=b200')).body)).toEqual(['act-3']);
    });

    it('lists vulnerabilities by CVSS, with exploit, severity and text filters and other sorts', async () => {
      const { body } = await get('/vulnerabilities');
      expect(ids(body)).toEqual(['CVE-2026-0001', 'CVE-2026-0003', 'CVE-2026-0002']);
      expect(body.items[0]).toEqual({
        id: 'CVE-2026-0001',
        tenantId: 'contoso',
        severity: 'Critical',
        cvssV3: 9.8,
        publicExploit: true,
        exploitVerified: false,
        exploitInKit: false,
        description: 'CVE-2026-0001 in a browser',
        publishedOn: '2026-01-01T00:00:00.000Z',
        exposedMachines: 40,
      });
      expect(ids((await get('/vulnerabilities?exploit=true&sort=exposedMachines&order=asc')).body)).toEqual([
        'CVE-2026-0003',
        'CVE-2026-0001',
      ]);
      expect(ids((await get('/vulnerabilities?severity=Medium')).body)).toEqual(['CVE-2026-0002']);
      expect(ids((await get('/vulnerabilities?q=cve-2026-0003')).body)).toEqual(['CVE-2026-0003']);
    });

    it('lists software by exposure and searches it', async () => {
      const { body } = await get('/software');
      expect(body.items.map((s: { name: string }) => s.name)).toEqual(['edge', 'office', 'teams']);
      expect(body.items[0]).toEqual({
        id: 'microsoft-_-edge',
        tenantId: 'contoso',
        name: 'edge',
        vendor: 'microsoft',
        exposedMachines: 50,
        publicExploit: true,
        weaknesses: 2,
      });
      expect(ids((await get('/software?q=OFF')).body)).toEqual(['microsoft-_-office']);
    });

    it('limits alerts, actions, CVEs, software and the dashboard to the caller’s device groups', async () => {
      expect(ids((await get('/alerts', limited)).body)).toEqual(['da3']);
      expect((await get('/alerts/da1', limited)).status).toBe(404);
      expect(ids((await get('/actions', limited)).body)).toEqual(['act-3']);
      const cves = await get('/vulnerabilities', limited);
      expect(cves.body).toMatchObject({ total: 1, items: [{ id: 'CVE-2026-0003', exposedMachines: 1 }] });
      expect((await get('/software', limited)).body).toMatchObject({
        total: 1,
        items: [{ name: 'teams', exposedMachines: 1 }],
      });
      const dashboard = await get('/dashboard', limited);
      expect(dashboard.body.devices.total).toBe(1);
      expect(dashboard.body.alerts).toEqual({
        active: 1,
        bySeverity: [{ value: 'Informational', count: 1 }],
      });
    });

    it('summarises tenants, hosts and active alerts on the dashboard', async () => {
      const { status, body } = await get('/dashboard');
      expect(status).toBe(200);
      expect(body.tenants).toEqual([
        {
          id: 'contoso',
          name: 'contoso',
          isDemo: false,
          enabled: true,
          devices: 4,
          lastSync: '2026-11-20T00:01:00.000Z',
        },
        { id: 'fabrikam', name: 'fabrikam', isDemo: false, enabled: true, devices: 1, lastSync: null },
      ]);
      expect(body.devices.total).toBe(5);
      expect(body.devices.byOs).toEqual([
        { value: 'Windows11', count: 3 },
        { value: 'Linux', count: 1 },
        { value: 'Windows10', count: 1 },
      ]);
      expect(body.devices.byIsolation).toEqual([
        { value: 'unknown', count: 4 },
        { value: 'isolated', count: 1 },
      ]);
      expect(body.alerts).toEqual({
        active: 3,
        bySeverity: [
          { value: 'High', count: 1 },
          { value: 'Informational', count: 1 },
          { value: 'Medium', count: 1 },
        ],
      });
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceRow, insertDevices } from '../../hosts/host-seed.test-support.js';
import { profileEndpoints } from '../../profiles/profile-endpoints.js';
import { seedProfileTenant } from '../../profiles/profile-test-seed.test-support.js';
import { engines } from '../../store/store.test-support.js';
import type { Api } from '../types.js';
import { type FakeCaller, routesApp } from './routes.test-support.js';

interface ProfileBody {
  id: string;
  name: string;
  kind: string;
  tenantId: string | null;
  memberCount: number;
  supportedActions: string[];
}

for (const engine of engines) {
  describe(`profile routes on ${engine.name}`, () => {
    let store: Awaited<ReturnType<typeof engine.open>>;
    const apps = new Map<string, Api>();
    const appFor = async (caller?: FakeCaller) => {
      const key = JSON.stringify(caller ?? {});
      const app = apps.get(key) ?? (await routesApp(store, { caller })).app;
      apps.set(key, app);
      return app;
    };
    const call = async (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
      caller?: FakeCaller,
    ) => {
      const app = await appFor(caller);
      const response = await app.inject({ method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
      return { status: response.statusCode, body: response.body ? response.json() : null };
    };
    const profiles = async (caller?: FakeCaller): Promise<ProfileBody[]> => {
      const { status, body } = await call('GET', '/profiles', undefined, caller);
      expect(status, JSON.stringify(body)).toBe(200);
      return body.items;
    };
    const byName = (items: ProfileBody[], name: string) => items.find((p) => p.name === name);

    beforeEach(async () => {
      store = await engine.open();
      await seedProfileTenant(store.db);
      await profileEndpoints(store.db, 'contoso', new Date('2026-11-22T12:00:00.000Z'));
    });
    afterEach(async () => {
      for (const app of apps.values()) await app.close();
      apps.clear();
      await store.dispose();
    });

    it('lists profiles with kind, OS, member counts and supported actions', async () => {
      const items = await profiles();
      // The tenant's dynamic profiles (OS, then OS_VERSION), then the standard ones.
      expect(items.map((p) => p.name)).toEqual([
        'Windows10',
        'Windows11',
        'WindowsServer2022',
        'Windows10_21H2',
        'Windows11_22H2',
        'Linux/Unix',
        'macOS',
        'Windows Server',
      ]);
      expect(byName(items, 'Windows11_22H2')).toEqual({
        id: expect.any(String),
        name: 'Windows11_22H2',
        kind: 'os_version',
        tenantId: 'contoso',
        tenantName: 'contoso',
        os: 'Windows11',
        osVersion: '22H2',
        memberCount: 1,
        supportedActions: ['isolate', 'release', 'scan', 'restrict', 'unrestrict', 'collect'],
      });
      expect(byName(items, 'Windows Server')).toMatchObject({
        kind: 'standard',
        tenantId: null,
        memberCount: 1,
        supportedActions: [],
      });
      expect(byName(items, 'macOS')?.memberCount).toBe(1);
    });

    it('shows one profile and its members, paged, linking devices by machine ID', async () => {
      const id = byName(await profiles(), 'Windows11_22H2')?.id;
      const one = await call('GET', `/profiles/${id}`);
      expect(one.body).toMatchObject({ name: 'Windows11_22H2', memberCount: 1 });
      const members = await call('GET', `/profiles/${id}/members?pageSize=10`);
      expect(members.body).toEqual({
        items: [
          {
            kind: 'device',
            id: 'w11a',
            name: 'alpha.contoso.com',
            tenantId: 'contoso',
            tenantName: 'contoso',
            matchScore: 'Very High',
            assignedAt: '2026-11-22T12:00:00.000Z',
          },
        ],
        total: 1,
        page: 1,
        pageSize: 10,
      });
      const mac = byName(await profiles(), 'macOS')?.id;
      const endpoints = await call('GET', `/profiles/${mac}/members`);
      expect(endpoints.body.items).toEqual([
        expect.objectContaining({
          kind: 'endpoint',
          id: 'mac',
          name: 'bobs-macbook.lan',
          tenantName: null,
          matchScore: 'Medium',
        }),
      ]);
      expect((await call('GET', '/profiles/nope')).status).toBe(404);
      expect((await call('GET', '/profiles/nope/members')).status).toBe(404);
    });

    it("limits members and counts to the caller's device groups", async () => {
      const limited = { deviceGroups: ['Workstations'] };
      const items = await profiles(limited);
      expect(byName(items, 'Windows11')?.memberCount).toBe(1);
      expect(byName(items, 'Windows11_22H2')?.memberCount).toBe(0);
      expect(byName(items, 'macOS')?.memberCount).toBe(0);
      const id = byName(items, 'Windows11_22H2')?.id;
      expect((await call('GET', `/profiles/${id}/members`, undefined, limited)).body).toMatchObject({
        items: [],
        total: 0,
      });
    });

    it('creates, edits, deletes and applies standard rules, audited', async () => {
      const created = await call('POST', '/profile-rules', {
        name: 'Quiet hosts',
        profileName: 'Mystery',
        hostnamePattern: 'mystery.*',
        matchScore: 'High',
        priority: 200,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({
        profileName: 'Mystery',
        enabled: true,
        builtin: false,
        attributes: {},
      });
      const listed = await call('GET', '/profile-rules');
      expect(listed.body.items[0].name).toBe('Quiet hosts');
      expect(listed.body.items.filter((r: { builtin: boolean }) => r.builtin)).toHaveLength(7);

      const applied = await call('POST', '/profile-rules/apply');
      expect(applied).toEqual({ status: 200, body: { devices: 5, endpoints: 3, dynamicProfiles: 5 } });
      expect(byName(await profiles(), 'Mystery')).toMatchObject({ memberCount: 1, kind: 'standard' });

      const patched = await call('PATCH', `/profile-rules/${created.body.id}`, { enabled: false });
      expect(patched.body).toMatchObject({ enabled: false, name: 'Quiet hosts' });
      await call('POST', '/profile-rules/apply');
      expect(byName(await profiles(), 'Mystery')).toMatchObject({ memberCount: 0 });

      expect((await call('DELETE', `/profile-rules/${created.body.id}`)).status).toBe(204);
      expect((await call('DELETE', `/profile-rules/${created.body.id}`)).status).toBe(404);
      await call('POST', '/profile-rules/apply');
      expect(byName(await profiles(), 'Mystery')).toBeUndefined();

      const audit = await store.db
        .selectFrom('audit_log')
        .select(['action', 'target'])
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'profile_rule.created',
        'profiles.applied',
        'profile_rule.updated',
        'profiles.applied',
        'profile_rule.deleted',
        'profiles.applied',
      ]);
    });

    it('refuses a bad rule with a 400 naming the field', async () => {
      const bad = async (payload: object) => (await call('POST', '/profile-rules', payload)).body.error;
      const base = { name: 'x', profileName: 'X', matchScore: 'Low' };
      expect(await bad({ ...base, hostnamePattern: '^(oops$' })).toMatchObject({
        code: 'invalid_request',
        field: 'body.hostnamePattern',
      });
      expect(await bad({ ...base, hostnamePattern: 'has space' })).toMatchObject({
        field: 'body.hostnamePattern',
      });
      expect(await bad(base)).toMatchObject({ field: 'body.hostnamePattern' });
      expect(await bad({ ...base, hostnamePattern: '*', matchScore: 'Very High' })).toMatchObject({
        field: 'body.matchScore',
      });
      expect(await bad({ ...base, hostnamePattern: '*', extra: 1 })).toMatchObject({
        code: 'invalid_request',
      });
      const builtin = await call('PATCH', '/profile-rules/builtin-ubuntu', {
        hostnamePattern: 'bad pattern',
      });
      expect(builtin.status).toBe(400);
      expect(builtin.body.error.field).toBe('body.hostnamePattern');
    });

    it('needs config.edit to change rules', async () => {
      const reader: FakeCaller = { permissions: ['hosts.view'] };
      expect((await call('GET', '/profile-rules', undefined, reader)).status).toBe(200);
      const denied = await call('POST', '/profile-rules/apply', undefined, reader);
      expect(denied.status).toBe(403);
      expect((await call('DELETE', '/profile-rules/builtin-ubuntu', undefined, reader)).status).toBe(403);
    });

    it('disabling the tenant deletes its dynamic profiles and re-profiles its devices; enabling brings them back', async () => {
      expect((await call('POST', '/tenants/contoso/disable')).status).toBe(200);
      const off = await profiles();
      expect(off.filter((p) => p.tenantId !== null)).toEqual([]);
      expect(byName(off, 'Windows Server')?.memberCount).toBe(2);
      expect((await call('GET', '/hosts?tenant=contoso')).body.total).toBe(6);

      expect((await call('POST', '/tenants/contoso/enable')).status).toBe(200);
      const on = await profiles();
      expect(byName(on, 'Windows11_22H2')?.memberCount).toBe(1);
      expect(byName(on, 'Windows Server')?.memberCount).toBe(1);
    });

    it('switching the tenant off and on through PATCH /tenants/:id does the same', async () => {
      // A tenant saved through the API, so its sealed secret opens with the app's key.
      const created = await call('POST', '/tenants', {
        name: 'northwind',
        tenantId: '11111111-2222-3333-4444-555555555555',
        clientId: '66666666-7777-8888-9999-000000000000',
        clientSecret: 'not-checked',
        validate: false,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const tenant = created.body.id as string;
      await insertDevices(store.db, [deviceRow(tenant, 'n1', { computer_dns_name: 'n1.northwind.com' })]);
      await profileEndpoints(store.db, tenant);
      const northwind = async () =>
        (await profiles()).filter((p) => p.tenantId === tenant).map((p) => p.name);
      expect(await northwind()).toEqual(['Windows11', 'Windows11_22H2']);

      expect((await call('PATCH', '/tenants/northwind', { enabled: false })).status).toBe(200);
      expect(await northwind()).toEqual([]);
      expect((await call('PATCH', '/tenants/northwind', { enabled: true })).status).toBe(200);
      expect(await northwind()).toEqual(['Windows11', 'Windows11_22H2']);
    });
  });
}

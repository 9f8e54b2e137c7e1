import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { getEndpointProfile } from './endpoint-profile.js';
import { onTenantDisabled, onTenantEnabled, profileEndpoint, profileEndpoints } from './profile-endpoints.js';
import { createProfileRule } from './profile-rules.js';
import { endpointRow, seedProfileTenant } from './profile-test-seed.test-support.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');

for (const engine of engines) {
  describe(`OS profiles on ${engine.name}`, () => {
    let store: Awaited<ReturnType<typeof engine.open>>;
    const device = (deviceId: string) => getEndpointProfile(store.db, { tenant: 'contoso', deviceId });
    const endpoint = (endpointId: string) => getEndpointProfile(store.db, { endpointId });
    const brief = async (p: Promise<{ name: string; matchScore: string } | null>) => {
      const profile = await p;
      return profile && { name: profile.name, matchScore: profile.matchScore };
    };
    const dynamicNames = async () =>
      (
        await store.db
          .selectFrom('profiles')
          .select('name')
          .where('tenant', '=', 'contoso')
          .orderBy('name')
          .execute()
      ).map((p) => p.name);

    beforeEach(async () => {
      store = await engine.open();
      await seedProfileTenant(store.db);
    });
    afterEach(async () => {
      await store.dispose();
    });

    it('creates OS and OS_VERSION profiles from the live devices, with their supported actions', async () => {
      const result = await profileEndpoints(store.db, 'contoso', NOW);
      expect(await dynamicNames()).toEqual([
        'Windows10',
        'Windows10_21H2',
        'Windows11',
        'Windows11_22H2',
        'WindowsServer2022',
      ]);
      expect(result).toEqual({ devices: 5, endpoints: 2, dynamicProfiles: 5 });
      const w11 = await store.db
        .selectFrom('profiles')
        .selectAll()
        .where('tenant', '=', 'contoso')
        .where('name', '=', 'Windows11_22H2')
        .executeTakeFirstOrThrow();
      expect(w11).toMatchObject({ kind: 'os_version', os: 'Windows11', os_version: '22H2' });
      expect(JSON.parse(w11.supported_actions)).toEqual([
        'isolate',
        'release',
        'scan',
        'restrict',
        'unrestrict',
        'collect',
      ]);
    });

    it('assigns devices with an OS to OS_VERSION (or OS) with match score Very High', async () => {
      await profileEndpoints(store.db, 'contoso', NOW);
      expect(await brief(device('w11a'))).toEqual({ name: 'Windows11_22H2', matchScore: 'Very High' });
      expect(await brief(device('w11b'))).toEqual({ name: 'Windows11', matchScore: 'Very High' });
      expect(await brief(device('srv'))).toEqual({ name: 'WindowsServer2022', matchScore: 'Very High' });
      expect(await device('old')).toBeNull();
      // A managed endpoint is in its device's profile.
      expect(await brief(endpoint('linked'))).toEqual({ name: 'Windows11_22H2', matchScore: 'Very High' });
    });

    it('profiles a device without OS and unmanaged endpoints by the standard rules', async () => {
      await profileEndpoints(store.db, 'contoso', NOW);
      expect(await brief(device('noos-dc'))).toEqual({ name: 'Windows Server', matchScore: 'Medium' });
      expect(await device('noos-x')).toBeNull();
      expect(await brief(endpoint('mac'))).toEqual({ name: 'macOS', matchScore: 'Medium' });
      expect(await brief(endpoint('ttl64'))).toEqual({ name: 'Linux/Unix', matchScore: 'Low' });
      expect(await endpoint('quiet')).toBeNull();
      const standard = await store.db
        .selectFrom('profiles')
        .select(['name', 'tenant', 'supported_actions'])
        .where('kind', '=', 'standard')
        .execute();
      // Sorted here: the engines' collations order 'macOS' differently.
      expect(standard.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'Linux/Unix', tenant: null, supported_actions: '[]' },
        { name: 'macOS', tenant: null, supported_actions: '[]' },
        { name: 'Windows Server', tenant: null, supported_actions: '[]' },
      ]);
    });

    it('lets the higher-priority rule win and uses its own match score', async () => {
      await createProfileRule(store.db, {
        name: 'Acme gear',
        profileName: 'Acme appliance',
        attributes: { vendor: 'ACME' },
        matchScore: 'High',
        priority: 50,
      });
      await profileEndpoints(store.db, 'contoso', NOW);
      expect(await brief(endpoint('ttl64'))).toEqual({ name: 'Acme appliance', matchScore: 'High' });
    });

    it('profiles an endpoint seen for the first time when its profile is asked for', async () => {
      await store.db
        .insertInto('endpoints')
        .values(endpointRow('new', { hostname: 'build-lnx-07.lab' }))
        .execute();
      expect(await brief(endpoint('new'))).toEqual({ name: 'Linux', matchScore: 'Low' });
      await profileEndpoint(store.db, 'new', NOW);
      expect(await brief(endpoint('new'))).toEqual({ name: 'Linux', matchScore: 'Low' });
    });

    it('deletes a dynamic profile no live device uses any more', async () => {
      await profileEndpoints(store.db, 'contoso', NOW);
      await store.db
        .updateTable('devices')
        .set({ removed_at: NOW.toISOString() })
        .where('id', '=', 'w10')
        .execute();
      await profileEndpoints(store.db, 'contoso', NOW);
      expect(await dynamicNames()).toEqual(['Windows11', 'Windows11_22H2', 'WindowsServer2022']);
      expect(await device('w10')).toBeNull();
    });

    it('disabling deletes dynamic profiles, keeps the devices and re-profiles them by the standard rules; enabling restores Very High', async () => {
      await profileEndpoints(store.db, 'contoso', NOW);
      const before = await store.db
        .selectFrom('devices')
        .select('id')
        .where('tenant', '=', 'contoso')
        .execute();
      const w11Id = (
        await store.db
          .selectFrom('profiles')
          .select('id')
          .where('name', '=', 'Windows11_22H2')
          .executeTakeFirstOrThrow()
      ).id;

      await store.db.updateTable('tenants').set({ enabled: 0 }).where('id', '=', 'contoso').execute();
      await onTenantDisabled(store.db, 'contoso', NOW);
      expect(await dynamicNames()).toEqual([]);
      expect(
        await store.db.selectFrom('devices').select('id').where('tenant', '=', 'contoso').execute(),
      ).toEqual(before);
      expect(await brief(device('srv'))).toEqual({ name: 'Windows Server', matchScore: 'Medium' });
      expect(await brief(device('noos-dc'))).toEqual({ name: 'Windows Server', matchScore: 'Medium' });
      expect(await device('w11a')).toBeNull();
      expect(
        await store.db
          .selectFrom('profile_members')
          .select('subject_id')
          .where('profile_id', '=', w11Id)
          .execute(),
      ).toEqual([]);
      // A sync finishing after the switch-off does not bring the dynamic profiles back.
      await profileEndpoints(store.db, 'contoso', NOW);
      expect(await dynamicNames()).toEqual([]);

      await store.db.updateTable('tenants').set({ enabled: 1 }).where('id', '=', 'contoso').execute();
      await onTenantEnabled(store.db, 'contoso', NOW);
      expect(await brief(device('srv'))).toEqual({ name: 'WindowsServer2022', matchScore: 'Very High' });
      expect(await device('w11a')).toMatchObject({ id: w11Id, matchScore: 'Very High' });
      expect(await dynamicNames()).toHaveLength(5);
    });

    it('removing the tenant removes its profiles and memberships but not the standard ones', async () => {
      await profileEndpoints(store.db, 'contoso', NOW);
      const { removeTenant } = await import('../tenants/tenant-repository.js');
      await removeTenant(store.db, 'contoso');
      expect(
        await store.db.selectFrom('profiles').select('name').where('tenant', 'is not', null).execute(),
      ).toEqual([]);
      expect(
        await store.db
          .selectFrom('profile_members')
          .select('subject_kind')
          .where('subject_kind', '=', 'device')
          .execute(),
      ).toEqual([]);
      expect(await brief(endpoint('mac'))).toEqual({ name: 'macOS', matchScore: 'Medium' });
    });
  });
}

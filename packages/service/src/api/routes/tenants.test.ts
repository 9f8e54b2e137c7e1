import { readFileSync } from 'node:fs';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../store/store.test-support.js';
import { startTestEmulator } from '../../sync/sync.test-support.js';
import type { Api } from '../types.js';
import { type FakeSync, routesApp } from './routes.test-support.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator(5, 'tenant-routes');
});
afterAll(async () => emu.close());

const WRONG_SECRET = 'definitely-not-the-secret';
const CERT_BUNDLE = readFileSync(new URL('../../tenants/fixtures/test-client.pem', import.meta.url), 'utf8');

for (const engine of engines) {
  describe(`tenant routes on ${engine.name}`, () => {
    let store: Awaited<ReturnType<typeof engine.open>>;
    let app: Api;
    let sync: FakeSync;
    /** Every response body this test saw: none may contain a secret. */
    const bodies: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
      const response = await app.inject({ method, url: `/api/v1${url}`, payload });
      bodies.push(response.body);
      return { status: response.statusCode, body: response.body ? response.json() : null };
    };
    const input = (overrides: Record<string, unknown> = {}) => ({
      name: 'emulated',
      tenantId: emu.tenantId,
      clientId: emu.demoApp.clientId,
      clientSecret: emu.demoApp.clientSecret,
      cloud: 'custom',
      apiUrl: emu.apiUrl,
      loginUrl: emu.loginUrl,
      graphUrl: emu.graphUrl,
      ...overrides,
    });
    const tenantRows = async () => store.db.selectFrom('tenants').selectAll().execute();
    const auditRows = async () =>
      store.db
        .selectFrom('audit_log')
        .select(['action', 'target', 'outcome', 'detail', 'actor'])
        .orderBy('id')
        .execute();

    beforeEach(async () => {
      store = await engine.open();
      ({ app, sync } = await routesApp(store, { caller: { name: 'alice' } }));
      bodies.length = 0;
    });
    afterEach(async () => {
      for (const body of bodies) {
        expect(body).not.toContain(emu.demoApp.clientSecret);
        expect(body).not.toContain(WRONG_SECRET);
        expect(body).not.toMatch(/ciphertext|v1:[A-Za-z0-9+/=]+:|PRIVATE KEY/);
      }
      await app.close();
      await store.dispose();
    });

    it('creates a tenant whose connection test passes (201), audited, then lists and shows it by id or name', async () => {
      const created = await call('POST', '/tenants', input());
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({
        name: 'emulated',
        tenantId: emu.tenantId.toLowerCase(),
        cloud: 'custom',
        apiUrl: emu.apiUrl,
        credentialKind: 'secret',
        credential: 'client secret',
        enabled: true,
        isDemo: false,
        settings: {},
      });
      expect(Object.keys(created.body).sort()).toEqual(
        [
          'apiUrl',
          'clientId',
          'cloud',
          'createdAt',
          'credential',
          'credentialKind',
          'enabled',
          'graphUrl',
          'id',
          'isDemo',
          'loginUrl',
          'name',
          'proxy',
          'settings',
          'tenantId',
          'updatedAt',
        ].sort(),
      );
      const rows = await tenantRows();
      expect(rows).toHaveLength(1);
      expect(rows[0].credential_ciphertext).not.toContain(emu.demoApp.clientSecret);
      const audit = await auditRows();
      expect(audit).toMatchObject([
        { action: 'tenant.created', target: 'emulated', outcome: 'success', actor: 'alice' },
      ]);
      expect(audit[0].detail).not.toContain(emu.demoApp.clientSecret);

      expect((await call('GET', '/tenants')).body.items.map((t: { name: string }) => t.name)).toEqual([
        'emulated',
      ]);
      expect((await call('GET', `/tenants/${created.body.id}`)).body.name).toBe('emulated');
      expect((await call('GET', '/tenants/emulated')).body.id).toBe(created.body.id);
      expect((await call('GET', '/tenants/nobody')).status).toBe(404);

      const tested = await call('POST', '/tenants/emulated/test-connection');
      expect(tested.status).toBe(200);
      expect(tested.body.ok).toBe(true);
      expect(tested.body.steps.map((s: { name: string }) => s.name)).toEqual(
        expect.arrayContaining(['dns', 'connection', 'token', 'permissions', 'api']),
      );
    });

    it('refuses a tenant whose secret is wrong with 422 connection_failed naming the step; nothing is written', async () => {
      const refused = await call('POST', '/tenants', input({ clientSecret: WRONG_SECRET }));
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('connection_failed');
      expect(refused.body.error.message).toContain("'token'");
      expect(refused.body.error.testConnection.ok).toBe(false);
      expect(refused.body.error.testConnection.steps.find((s: { ok: boolean }) => !s.ok)).toMatchObject({
        name: 'token',
        ok: false,
      });
      expect(await tenantRows()).toEqual([]);
      expect(await auditRows()).toMatchObject([{ action: 'tenant.created', outcome: 'failure' }]);
      expect(sync.refreshes).toBe(0);

      const unchecked = await call(
        'POST',
        '/tenants',
        input({ clientSecret: WRONG_SECRET, validate: false }),
      );
      expect(unchecked.status).toBe(201);
      const test = await call(
        'POST',
        '/tenants/test-connection',
        input({ name: 'other', clientSecret: WRONG_SECRET }),
      );
      expect(test.status).toBe(200);
      expect(test.body).toMatchObject({ ok: false });
    });

    it('refuses bad input with 400 and writes nothing', async () => {
      for (const [payload, field] of [
        [input({ colour: 'blue' }), 'body.colour'],
        [input({ enabled: 'yes' }), 'body.enabled'],
        [input({ clientSecret: undefined }), 'body.clientSecret'],
        [input({ certificatePem: 'PEM' }), 'body.certificatePem'],
        [input({ privateKeyPem: 'KEY' }), 'body.privateKeyPem'],
        [{ ...input(), name: undefined }, 'body.name'],
        [input({ settings: { schedules: { machines: '10s' } } }), 'body.settings.schedules.machines'],
        [input({ settings: { schedules: { devices: '1h' } } }), 'body.settings.schedules.devices'],
      ] as const) {
        const { status, body } = await call('POST', '/tenants', payload);
        expect(status, JSON.stringify(payload)).toBe(400);
        expect(body.error).toMatchObject({ code: 'invalid_request', field });
      }
      const badGuid = await call('POST', '/tenants', input({ tenantId: 'not-a-guid' }));
      expect(badGuid.status).toBe(400);
      expect(badGuid.body.error.message).toContain('GUID');
      expect((await call('GET', '/tenants/bad%20name')).status).toBe(400);
      expect((await call('PATCH', '/tenants/emulated', {})).status).toBe(400);
      expect(await tenantRows()).toEqual([]);
      expect(await auditRows()).toEqual([]);
    });

    it('edits a tenant keeping the stored secret, re-tests new credentials, and refuses a wrong one', async () => {
      const { body: created } = await call('POST', '/tenants', input());
      const renamed = await call('PATCH', `/tenants/${created.id}`, {
        name: 'renamed',
        settings: { pageSize: 500 },
      });
      expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
      expect(renamed.body).toMatchObject({ id: created.id, name: 'renamed', settings: { pageSize: 500 } });
      // The secret was re-sealed under the new name: the stored settings still connect.
      expect((await call('POST', '/tenants/renamed/test-connection')).body.ok).toBe(true);

      const before = (await tenantRows())[0];
      const refused = await call('PATCH', '/tenants/renamed', { clientSecret: WRONG_SECRET });
      expect(refused.status).toBe(422);
      expect(refused.body.error.testConnection.ok).toBe(false);
      expect((await tenantRows())[0]).toEqual(before);

      const rotated = await call('PATCH', '/tenants/renamed', { clientSecret: emu.demoApp.clientSecret });
      expect(rotated.status).toBe(200);
      const audit = await auditRows();
      expect(audit.map((a) => `${a.action} ${a.outcome}`)).toEqual([
        'tenant.created success',
        'tenant.updated success',
        'tenant.tested success',
        'tenant.updated failure',
        'tenant.updated success',
      ]);
      expect(JSON.parse(audit[1].detail).changed).toEqual(['name', 'settings']);
      expect(JSON.parse(audit[4].detail).changed).toEqual(['credential']);
    });

    it('stores a certificate credential (key never shown) and keeps it across a rename', async () => {
      const created = await call(
        'POST',
        '/tenants',
        input({ clientSecret: undefined, certificatePem: CERT_BUNDLE, validate: false }),
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.credentialKind).toBe('certificate');
      expect(created.body.credential).toMatch(/^certificate [0-9A-F]{16}…$/);
      const renamed = await call('PATCH', '/tenants/emulated', { name: 'cert-tenant', validate: false });
      expect(renamed.body).toMatchObject({ name: 'cert-tenant', credential: created.body.credential });
      const row = (await tenantRows())[0];
      expect(row.credential_ciphertext).not.toContain('PRIVATE KEY');
      expect(row.certificate_pem).toContain('BEGIN CERTIFICATE');
    });

    it('disables, enables and deletes a tenant with its rows, each audited', async () => {
      const { body: created } = await call('POST', '/tenants', input({ validate: false }));
      await store.db
        .insertInto('sync_cursors')
        .values({
          tenant: created.id,
          resource: 'alerts',
          cursor: 'x',
          updated_at: '2026-11-01T00:00:00.000Z',
        })
        .execute();
      expect((await call('POST', '/tenants/emulated/disable')).body.enabled).toBe(false);
      expect((await call('POST', `/tenants/${created.id}/enable`)).body.enabled).toBe(true);
      const deleted = await call('DELETE', '/tenants/emulated');
      expect(deleted.status).toBe(204);
      expect(await tenantRows()).toEqual([]);
      expect(await store.db.selectFrom('sync_cursors').selectAll().execute()).toEqual([]);
      expect((await auditRows()).map((a) => a.action)).toEqual([
        'tenant.created',
        'tenant.disabled',
        'tenant.enabled',
        'tenant.deleted',
      ]);
      // Create, disable, enable and delete each told the scheduler to re-read the tenants.
      expect(sync.refreshes).toBe(4);
      expect((await call('DELETE', '/tenants/emulated')).status).toBe(404);
    });
  });
}

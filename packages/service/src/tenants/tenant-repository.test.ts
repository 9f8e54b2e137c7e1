import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type SecretBox, secretBox } from '../secrets/secret-box.js';
import type { Database } from '../store/schema.js';
import { engines } from '../store/store.test-support.js';
import { openTenantClient, TenantDisabledError } from './tenant-client.js';
import {
  addTenant,
  getTenant,
  listTenants,
  type NewTenant,
  removeTenant,
  setEnabled,
  TenantExistsError,
  TenantInputError,
  TenantNotFoundError,
  tenantScopedTables,
} from './tenant-repository.js';

const SECRET = 'Sup3r~Secret.Value_123';
const CERT_BUNDLE = readFileSync(new URL('./fixtures/test-client.pem', import.meta.url), 'utf8');
const env = {
  MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64'),
  MDE_BRIDGE_DATA_DIR: '/nonexistent',
};

const contoso: NewTenant = {
  name: 'contoso',
  tenantId: '11111111-2222-3333-4444-555555555555',
  clientId: 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE',
  credential: { clientSecret: SECRET },
};

/** A box that records whether anything was sealed (bad input must fail before that). */
function countingBox(): SecretBox & { sealed: number } {
  const inner = secretBox(env);
  const box = {
    sealed: 0,
    seal: (plaintext: string, context: string) => {
      box.sealed++;
      return inner.seal(plaintext, context);
    },
    open: inner.open,
  };
  return box;
}

async function countRows(db: Kysely<Database>): Promise<number> {
  const { n } = await db
    .selectFrom('tenants')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

async function seedRows(db: Kysely<Database>, tenant: string): Promise<void> {
  const at = '2024-01-02T03:04:05.000Z';
  await db
    .insertInto('devices')
    .values({
      tenant,
      id: `m-${tenant}`,
      computer_dns_name: 'pc1.contoso.com',
      dns_name: 'pc1.contoso.com',
      os_platform: null,
      os_version: null,
      version: null,
      os_build: null,
      health_status: null,
      onboarding_status: null,
      risk_score: null,
      exposure_level: null,
      device_value: null,
      rbac_group_id: null,
      rbac_group_name: null,
      last_ip_address: null,
      last_external_ip_address: null,
      aad_device_id: null,
      first_seen: null,
      last_seen: null,
      is_potential_duplication: 0,
      merged_into_machine_id: null,
      machine_tags: '[]',
      is_primary: 1,
      raw: '{}',
      removed_at: null,
      synced_at: at,
    })
    .execute();
  await db
    .insertInto('device_ips')
    .values({ tenant, device_id: 'm', ip: '10.0.0.1', first_seen_at: at, last_seen_at: at })
    .execute();
  await db
    .insertInto('alerts')
    .values({
      tenant,
      id: 'a',
      machine_id: 'm',
      title: null,
      severity: null,
      status: null,
      category: null,
      detection_source: null,
      alert_creation_time: null,
      last_update_time: at,
      resolved_time: null,
      raw: '{}',
      first_synced_at: at,
      synced_at: at,
    })
    .execute();
  await db
    .insertInto('machine_actions')
    .values({
      tenant,
      id: 'x',
      machine_id: 'm',
      type: 'Isolate',
      status: 'Pending',
      requestor: null,
      requestor_comment: null,
      scope: null,
      creation_time: at,
      last_update_time: at,
      raw: '{}',
      synced_at: at,
    })
    .execute();
  await db
    .insertInto('isolation_states')
    .values({
      tenant,
      machine_id: 'm',
      state: 'isolating',
      action_id: 'x',
      action_type: 'Isolate',
      requestor: null,
      changed_at: at,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('sync_cursors')
    .values({ tenant, resource: 'alerts', cursor: 'c', updated_at: at })
    .execute();
  await db
    .insertInto('sync_runs')
    .values({
      tenant,
      resource: 'machines',
      mode: 'full',
      status: 'succeeded',
      started_at: at,
      finished_at: at,
    })
    .execute();
  await db
    .insertInto('vulnerabilities')
    .values({
      tenant,
      id: 'CVE-2024-0001',
      severity: 'High',
      cvss_v3: 7.5,
      public_exploit: 0,
      exploit_verified: 0,
      exploit_in_kit: 0,
      description: null,
      published_on: at,
      updated_on: at,
      exposed_machines: 1,
      raw: '{}',
      synced_at: at,
    })
    .execute();
  await db
    .insertInto('device_vulnerabilities')
    .values({
      tenant,
      device_id: 'm',
      cve_id: 'CVE-2024-0001',
      product_vendor: 'v',
      product_name: 'p',
      product_version: '1',
      fixing_kb_id: null,
      severity: 'High',
      sync_generation: 1,
    })
    .execute();
  await db
    .insertInto('software')
    .values({
      tenant,
      id: 'v-_-p',
      name: 'p',
      vendor: 'v',
      weaknesses: 1,
      public_exploit: 0,
      exposed_machines: 1,
      raw: '{}',
      synced_at: at,
    })
    .execute();
  await db
    .insertInto('recommendations')
    .values({
      tenant,
      id: 'va-_-v-_-p',
      name: null,
      product_name: null,
      vendor: null,
      category: null,
      severity_score: null,
      status: null,
      exposed_machines: 1,
      raw: '{}',
      synced_at: at,
    })
    .execute();
  await db
    .insertInto('scores')
    .values({ tenant, kind: 'exposure', group_name: '', score: 42, time: at, synced_at: at })
    .execute();
  await db
    .insertInto('device_health')
    .values({
      tenant,
      device_id: 'm',
      state: 'healthy',
      health_status: 'Active',
      onboarding_status: 'Onboarded',
      changed_at: at,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('device_risk')
    .values({
      tenant,
      device_id: `m-${tenant}`,
      overall: 'Low',
      exposure: 'Low',
      alert: 'None',
      reasons: '[]',
      top_cve_id: null,
      top_cve_description: null,
      top_cve_cvss_v3: null,
      top_cve_severity: null,
      top_cve_exploit: 0,
      vulnerability_count: 0,
      top_alert_id: null,
      top_alert_title: null,
      top_alert_severity: null,
      computed_at: at,
    })
    .execute();
  await db
    .insertInto('risk_history')
    .values({ tenant, device_id: `m-${tenant}`, at, overall: 'Low', exposure: 'Low', alert: 'None' })
    .execute();
  await db
    .insertInto('events')
    .values({ tenant, type: 'device.added', subject: `m-${tenant}`, data: '{}', at })
    .execute();
  await db
    .insertInto('profiles')
    .values({
      id: `p-${tenant}`,
      tenant,
      kind: 'os',
      name: 'Windows11',
      os: 'Windows11',
      os_version: null,
      supported_actions: '[]',
      created_at: at,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('profile_members')
    .values({
      subject_key: `device/${tenant}/m-${tenant}`,
      subject_kind: 'device',
      tenant,
      subject_id: `m-${tenant}`,
      profile_id: `p-${tenant}`,
      match_score: 'Very High',
      assigned_at: at,
    })
    .execute();
  await db
    .insertInto('response_requests')
    .values({
      id: `rr-${tenant}`,
      tenant,
      device_id: `m-${tenant}`,
      type: 'isolate',
      state: 'succeeded',
      inflight_key: null,
      defender_action_id: null,
      defender_status: 'Succeeded',
      comment: 'test',
      isolation_type: 'Full',
      scan_type: null,
      requested_by: 'test',
      requested_at: at,
      sent_at: at,
      completed_at: at,
      error: null,
      lockdown_id: `ld-${tenant}`,
    })
    .execute();
  await db
    .insertInto('lockdowns')
    .values({
      id: `ld-${tenant}`,
      tenant,
      device_id: `m-${tenant}`,
      state: 'active',
      active_key: `${tenant}|m-${tenant}`,
      comment: 'test',
      locked_by: 'test',
      locked_at: at,
      ends_at: at,
      released_at: null,
      released_by: null,
      released_late: 0,
      isolate_request_id: `rr-${tenant}`,
      release_request_id: null,
    })
    .execute();
  await db
    .insertInto('approvals')
    .values({
      id: `ap-${tenant}`,
      tenant,
      device_id: `m-${tenant}`,
      kind: 'action',
      action_type: 'isolate',
      payload: '{}',
      state: 'pending',
      reason: 'test',
      requested_by: 'test',
      requested_by_kind: 'user',
      requested_at: at,
      expires_at: at,
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      result_request_id: null,
      result_lockdown_id: null,
      error: null,
      policy_id: null,
      detection_id: null,
    })
    .execute();
  await db
    .insertInto('approval_rules')
    .values({ id: `ar-${tenant}`, tenant, device_group: 'g', created_by: 'test', created_at: at })
    .execute();
  await db
    .insertInto('hunting_runs')
    .values({
      id: `hr-${tenant}`,
      tenant,
      actor: 'test',
      purpose: 'user',
      query: 'DeviceInfo | take 1',
      api: 'mde',
      api_called: 1,
      state: 'succeeded',
      row_count: 1,
      execution_seconds: null,
      cpu_seconds: null,
      error: null,
      started_at: at,
      duration_ms: 1,
    })
    .execute();
  await db
    .insertInto('hunting_cache')
    .values({ tenant, query_hash: 'h', result: '{}', created_at: at, expires_at: at })
    .execute();
  await db
    .insertInto('validations')
    .values({
      id: `va-${tenant}`,
      tenant,
      host: 'h',
      device_id: null,
      host_names: '[]',
      activity_start: at,
      activity_end: at,
      grace_seconds: 600,
      expected_techniques: '[]',
      state: 'missed',
      report: null,
      error: null,
      polls: 0,
      next_poll_at: null,
      requested_by: 'test',
      created_at: at,
      finished_at: at,
    })
    .execute();
}

describe.each(engines)('tenant repository on $name', (engine) => {
  it('adds, lists and shows a tenant without ever returning its secret', async () => {
    const store = await engine.open();
    try {
      const added = await addTenant(store.db, secretBox(env), {
        ...contoso,
        proxy: 'http://squid:pr0xyPass@proxy.local:3128',
      });
      expect(added).toMatchObject({
        name: 'contoso',
        tenant_id: contoso.tenantId,
        client_id: contoso.clientId.toLowerCase(),
        cloud: 'commercial',
        api_url: null,
        credential_kind: 'secret',
        credential: 'client secret',
        proxy: 'http://squid:***@proxy.local:3128',
        enabled: true,
        is_demo: false,
      });
      expect(added).not.toHaveProperty('credential_ciphertext');
      const listed = await listTenants(store.db);
      expect(listed).toEqual([added]);
      expect(await getTenant(store.db, 'contoso')).toEqual(added);
      for (const text of [JSON.stringify(listed), JSON.stringify(added)]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain('pr0xyPass');
        expect(text).not.toContain('v1:');
      }
      const row = await store.db.selectFrom('tenants').selectAll().executeTakeFirstOrThrow();
      expect(row.credential_ciphertext).toMatch(/^v1:/);
      expect(row.credential_ciphertext).not.toContain(SECRET);
    } finally {
      await store.dispose();
    }
  });

  it('builds a client from the stored tenant: secret decrypted, cloud, URLs and proxy applied', async () => {
    const store = await engine.open();
    try {
      await addTenant(store.db, secretBox(env), {
        ...contoso,
        cloud: 'custom',
        apiUrl: 'http://127.0.0.1:9001/',
        loginUrl: 'http://127.0.0.1:9002',
        graphUrl: 'http://127.0.0.1:9003',
      });
      const { tenant, client } = await openTenantClient(store, 'contoso', env, { maxRetries: 0 });
      expect(tenant.api_url).toBe('http://127.0.0.1:9001');
      expect(client.options.credential).toEqual({ clientSecret: SECRET });
      expect(client.options.maxRetries).toBe(0);
      expect(client.cloud).toMatchObject({
        name: 'custom',
        apiUrl: 'http://127.0.0.1:9001',
        graphUrl: 'http://127.0.0.1:9003',
      });
      const otherKey = { ...env, MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('hex') };
      await expect(openTenantClient(store, 'contoso', otherKey)).rejects.toThrow(/master key does not match/);
    } finally {
      await store.dispose();
    }
  });

  it('stores a certificate: public chain in clear, private key sealed, thumbprint shown', async () => {
    const store = await engine.open();
    try {
      const view = await addTenant(store.db, secretBox(env), {
        ...contoso,
        credential: { certificatePem: CERT_BUNDLE },
      });
      expect(view.credential).toMatch(/^certificate [0-9A-F]{16}…$/);
      expect(view.certificate_pem).toContain('-----BEGIN CERTIFICATE-----');
      expect(JSON.stringify(view)).not.toContain('PRIVATE KEY');
      const row = await store.db.selectFrom('tenants').selectAll().executeTakeFirstOrThrow();
      expect(row.credential_ciphertext).not.toContain('PRIVATE KEY');
      const { client } = await openTenantClient(store, 'contoso', env);
      const credential = client.options.credential as { certificatePem: string; privateKeyPem: string };
      expect(credential.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
      expect(credential.certificatePem).toBe(view.certificate_pem);
    } finally {
      await store.dispose();
    }
  });

  it('refuses bad input before sealing or writing anything', async () => {
    const store = await engine.open();
    try {
      await addTenant(store.db, secretBox(env), contoso);
      const bad: [Partial<NewTenant>, RegExp][] = [
        [{ name: 'has space' }, /tenant name 'has space'/],
        [{ name: '' }, /tenant name/],
        [{ name: 'x', tenantId: 'contoso.onmicrosoft.com' }, /tenant ID must be a GUID/],
        [{ name: 'x', clientId: '1234' }, /client ID must be a GUID/],
        [{ name: 'x', cloud: 'mars' }, /Unknown cloud "mars"/],
        [{ name: 'x', cloud: 'custom' }, /cloud "custom" requires apiUrl and loginUrl/],
        [{ name: 'x', apiUrl: 'http://api.example.com' }, /must use https/],
        [{ name: 'x', loginUrl: 'https://login.example.com/tenant' }, /origin only/],
        [{ name: 'x', proxy: 'socks5://p:1080' }, /must be an http:\/\/ or https:\/\/ URL/],
        [{ name: 'x', proxy: 'not a url' }, /not a valid URL/],
        [{ name: 'x', credential: { clientSecret: '  ' } }, /client secret is empty/],
        [
          {
            name: 'x',
            credential: { certificatePem: CERT_BUNDLE.replace(/-----BEGIN PRIVATE KEY-----[\s\S]*/, '') },
          },
          /no private key/,
        ],
      ];
      for (const [change, message] of bad) {
        const box = countingBox();
        const attempt = addTenant(store.db, box, { ...contoso, ...change });
        await expect(attempt).rejects.toBeInstanceOf(TenantInputError);
        await expect(addTenant(store.db, box, { ...contoso, ...change })).rejects.toThrow(message);
        expect(box.sealed).toBe(0);
      }
      const box = countingBox();
      await expect(addTenant(store.db, box, contoso)).rejects.toBeInstanceOf(TenantExistsError);
      expect(box.sealed).toBe(0);
      expect(await countRows(store.db)).toBe(1);
    } finally {
      await store.dispose();
    }
  });

  it("removes a tenant with its rows in every table, leaving other tenants' rows", async () => {
    const store = await engine.open();
    try {
      const a = await addTenant(store.db, secretBox(env), contoso);
      const b = await addTenant(store.db, secretBox(env), { ...contoso, name: 'fabrikam' });
      await seedRows(store.db, a.id);
      await seedRows(store.db, b.id);
      const seen = '2026-01-01T00:00:00.000Z';
      await store.db
        .insertInto('endpoints')
        .values({
          id: 'ep-1',
          managed: 1,
          tenant: a.id,
          device_id: 'dev-a',
          hostname: 'ws1',
          alternate_names: '[]',
          attributes: '{}',
          match_by: 'dnsName',
          first_seen_at: seen,
          last_seen_at: seen,
        })
        .execute();
      const { tenant, deleted } = await removeTenant(store.db, 'contoso');
      // The host is still a host the network saw: it stays, as an unmanaged endpoint.
      expect(
        await store.db.selectFrom('endpoints').select(['id', 'managed', 'tenant', 'device_id']).execute(),
      ).toEqual([{ id: 'ep-1', managed: 0, tenant: null, device_id: null }]);
      expect(tenant.id).toBe(a.id);
      expect(deleted).toEqual(Object.fromEntries(tenantScopedTables.map((t) => [t, 1])));
      for (const table of tenantScopedTables) {
        const rows = await store.db
          .selectFrom(table as 'devices')
          .select('tenant')
          .execute();
        expect(
          rows.map((r) => r.tenant),
          table,
        ).toEqual([b.id]);
      }
      expect((await listTenants(store.db)).map((t) => t.name)).toEqual(['fabrikam']);
    } finally {
      await store.dispose();
    }
  });

  it('disables and enables a tenant; a disabled one gets no client', async () => {
    const store = await engine.open();
    try {
      await addTenant(store.db, secretBox(env), contoso);
      const later = new Date('2030-01-01T00:00:00Z');
      expect(await setEnabled(store.db, 'contoso', false, later)).toMatchObject({
        enabled: false,
        updated_at: '2030-01-01T00:00:00.000Z',
      });
      expect((await getTenant(store.db, 'contoso')).enabled).toBe(false);
      await expect(openTenantClient(store, 'contoso', env)).rejects.toThrow(TenantDisabledError);
      await expect(openTenantClient(store, 'contoso', env)).rejects.toThrow(
        'mde-bridge tenant enable contoso',
      );
      expect((await setEnabled(store.db, 'contoso', true)).enabled).toBe(true);
      expect((await openTenantClient(store, 'contoso', env)).tenant.name).toBe('contoso');
    } finally {
      await store.dispose();
    }
  });

  it('names an unknown tenant and lists the known ones, changing nothing', async () => {
    const store = await engine.open();
    try {
      await expect(getTenant(store.db, 'nope')).rejects.toThrow(
        /no tenant named 'nope': no tenant is configured yet/,
      );
      await addTenant(store.db, secretBox(env), contoso);
      await addTenant(store.db, secretBox(env), { ...contoso, name: 'fabrikam' });
      for (const op of [
        () => getTenant(store.db, 'nope'),
        () => removeTenant(store.db, 'nope'),
        () => setEnabled(store.db, 'nope', false),
        () => openTenantClient(store, 'nope', env),
      ]) {
        const error = await op().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TenantNotFoundError);
        expect((error as Error).message).toBe("no tenant named 'nope' (known tenants: contoso, fabrikam)");
      }
      expect(await countRows(store.db)).toBe(2);
    } finally {
      await store.dispose();
    }
  });
});

/**
 * One small replica for the data-route tests: two tenants, six devices (one removed, one ungrouped), IP
 * history, isolation, health, alerts with evidence, machine actions, CVEs and software.
 */
import type { Kysely } from 'kysely';
import { deviceRow, insertDevices, seedTenant } from '../../hosts/host-seed.test-support.js';
import type { Database } from '../../store/schema.js';

export const CONTOSO_ENTRA_ID = '11111111-2222-3333-4444-555555555555';

export async function seedReplica(db: Kysely<Database>): Promise<void> {
  await seedTenant(db, 'contoso');
  await seedTenant(db, 'fabrikam', {
    cloud: 'custom',
    api_url: 'http://127.0.0.1:1',
    login_url: 'http://127.0.0.1:1',
  });
  await insertDevices(db, [
    deviceRow('contoso', 'a100', {
      computer_dns_name: 'alpha.contoso.com',
      risk_score: 'High',
      exposure_level: 'Medium',
      machine_tags: '["prod","web"]',
      last_ip_address: '10.0.0.1',
      last_external_ip_address: '203.0.113.1',
      last_seen: '2026-11-20T00:00:00.000Z',
      aad_device_id: 'aad-1',
    }),
    deviceRow('contoso', 'b200', {
      computer_dns_name: 'Bravo.contoso.com',
      os_platform: 'Linux',
      health_status: 'Inactive',
      risk_score: 'None',
      exposure_level: 'High',
      rbac_group_name: 'Workstations',
      machine_tags: '["dev"]',
      last_ip_address: '10.0.0.2',
      last_seen: '2026-11-18T00:00:00.000Z',
    }),
    deviceRow('contoso', 'c300', {
      computer_dns_name: 'charlie.contoso.com',
      risk_score: 'Medium',
      exposure_level: null,
      last_seen: '2026-11-21T00:00:00.000Z',
    }),
    deviceRow('contoso', 'd400', {
      computer_dns_name: 'delta.contoso.com',
      removed_at: '2026-11-19T00:00:00.000Z',
    }),
    deviceRow('contoso', 'e500', {
      computer_dns_name: 'echo.contoso.com',
      os_platform: 'Windows10',
      risk_score: null,
      rbac_group_name: null,
      last_seen: null,
    }),
    deviceRow('fabrikam', 'f600', { computer_dns_name: 'foxtrot.fabrikam.com' }),
  ]);
  await db
    .insertInto('device_ips')
    .values([
      {
        tenant: 'contoso',
        device_id: 'a100',
        ip: '10.0.0.1',
        first_seen_at: '2026-11-01T00:00:00.000Z',
        last_seen_at: '2026-11-20T00:00:00.000Z',
      },
      {
        tenant: 'contoso',
        device_id: 'b200',
        ip: '192.168.1.50',
        first_seen_at: '2026-10-01T00:00:00.000Z',
        last_seen_at: '2026-10-15T00:00:00.000Z',
      },
      {
        tenant: 'contoso',
        device_id: 'b200',
        ip: '10.0.0.2',
        first_seen_at: '2026-10-15T00:00:00.000Z',
        last_seen_at: '2026-11-18T00:00:00.000Z',
      },
    ])
    .execute();
  await db
    .insertInto('isolation_states')
    .values({
      tenant: 'contoso',
      machine_id: 'c300',
      state: 'isolated',
      action_id: 'act-2',
      action_type: 'Isolate',
      requestor: 'soc@contoso.com',
      changed_at: '2026-11-21T10:00:00.000Z',
      updated_at: '2026-11-21T10:05:00.000Z',
    })
    .execute();
  await db
    .insertInto('device_health')
    .values({
      tenant: 'contoso',
      device_id: 'a100',
      state: 'healthy',
      health_status: 'Active',
      onboarding_status: 'Onboarded',
      changed_at: '2026-11-02T00:00:00.000Z',
      updated_at: '2026-11-20T00:00:00.000Z',
    })
    .execute();
  const alert = (id: string, tenant: string, machine: string | null, o: Record<string, string | null>) => ({
    tenant,
    id,
    machine_id: machine,
    title: o.title ?? `Alert ${id}`,
    severity: o.severity ?? 'Medium',
    status: o.status ?? 'New',
    category: 'Malware',
    detection_source: 'WindowsDefenderAv',
    alert_creation_time: o.created ?? '2026-11-10T00:00:00.000Z',
    last_update_time: o.updated ?? '2026-11-10T00:00:00.000Z',
    resolved_time: null,
    raw: JSON.stringify({
      id,
      mitreTechniques: ['T1059', 'T1105'],
      evidence: [{ entityType: 'File', fileName: 'evil.exe', sha1: 'abc' }],
    }),
    first_synced_at: '2026-11-10T00:00:00.000Z',
    synced_at: '2026-11-10T00:00:00.000Z',
  });
  await db
    .insertInto('alerts')
    .values([
      alert('da1', 'contoso', 'a100', {
        title: 'Suspicious PowerShell',
        severity: 'High',
        updated: '2026-11-12T00:00:00.000Z',
      }),
      alert('da2', 'contoso', 'a100', {
        status: 'Resolved',
        severity: 'Low',
        updated: '2026-11-11T00:00:00.000Z',
      }),
      alert('da3', 'contoso', 'b200', {
        title: 'Ransomware behaviour',
        severity: 'Informational',
        updated: '2026-11-13T00:00:00.000Z',
      }),
      alert('da4', 'fabrikam', 'f600', { severity: 'Medium', updated: '2026-11-09T00:00:00.000Z' }),
    ])
    .execute();
  const action = (id: string, machine: string, type: string, created: string) => ({
    tenant: 'contoso',
    id,
    machine_id: machine,
    type,
    status: 'Succeeded',
    requestor: 'soc@contoso.com',
    requestor_comment: 'incident 42',
    scope: type === 'Isolate' ? 'Full' : null,
    creation_time: created,
    last_update_time: created,
    raw: '{}',
    synced_at: created,
  });
  await db
    .insertInto('machine_actions')
    .values([
      action('act-1', 'a100', 'RunAntiVirusScan', '2026-11-20T09:00:00.000Z'),
      action('act-2', 'c300', 'Isolate', '2026-11-21T10:00:00.000Z'),
      action('act-3', 'b200', 'CollectInvestigationPackage', '2026-11-19T08:00:00.000Z'),
    ])
    .execute();
  const cve = (id: string, severity: string, cvss: number, exploit: number, exposed: number) => ({
    tenant: 'contoso',
    id,
    severity,
    cvss_v3: cvss,
    public_exploit: exploit,
    exploit_verified: 0,
    exploit_in_kit: 0,
    description: `${id} in a browser`,
    published_on: '2026-01-01T00:00:00.000Z',
    updated_on: null,
    exposed_machines: exposed,
    raw: '{}',
    synced_at: '2026-11-20T00:00:00.000Z',
  });
  await db
    .insertInto('vulnerabilities')
    .values([
      cve('CVE-2026-0001', 'Critical', 9.8, 1, 40),
      cve('CVE-2026-0002', 'Medium', 5.5, 0, 12),
      cve('CVE-2026-0003', 'High', 7.5, 1, 3),
    ])
    .execute();
  const dv = (device: string, cveId: string, name: string, version: string, severity: string) => ({
    tenant: 'contoso',
    device_id: device,
    cve_id: cveId,
    product_vendor: 'microsoft',
    product_name: name,
    product_version: version,
    fixing_kb_id: null,
    severity,
    sync_generation: 1,
  });
  await db
    .insertInto('device_vulnerabilities')
    .values([
      dv('a100', 'CVE-2026-0001', 'edge', '120.0', 'Critical'),
      dv('a100', 'CVE-2026-0002', 'edge', '120.0', 'Medium'),
      dv('a100', 'CVE-2026-0002', 'office', '16.0', 'Medium'),
      dv('b200', 'CVE-2026-0003', 'teams', '1.6', 'High'),
    ])
    .execute();
  const software = (id: string, name: string, exposed: number, weaknesses: number) => ({
    tenant: 'contoso',
    id,
    name,
    vendor: 'microsoft',
    weaknesses,
    public_exploit: 1,
    exposed_machines: exposed,
    raw: '{}',
    synced_at: '2026-11-20T00:00:00.000Z',
  });
  await db
    .insertInto('software')
    .values([
      software('microsoft-_-edge', 'edge', 50, 2),
      software('microsoft-_-office', 'office', 30, 1),
      software('microsoft-_-teams', 'teams', 10, 1),
    ])
    .execute();
  await db
    .insertInto('sync_runs')
    .values([
      {
        tenant: 'contoso',
        resource: 'machines',
        mode: 'full',
        status: 'succeeded',
        started_at: '2026-11-20T00:00:00.000Z',
        finished_at: '2026-11-20T00:01:00.000Z',
      },
      {
        tenant: 'contoso',
        resource: 'alerts',
        mode: 'delta',
        status: 'failed',
        started_at: '2026-11-21T00:00:00.000Z',
        finished_at: '2026-11-21T00:00:30.000Z',
        error: 'boom',
      },
    ])
    .execute();
}

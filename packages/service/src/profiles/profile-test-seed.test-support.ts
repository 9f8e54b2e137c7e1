/** A small tenant for the profile tests: devices with and without OS, and network-observed endpoints. */
import type { Insertable, Kysely } from 'kysely';
import { deviceRow, insertDevices, seedTenant } from '../hosts/host-seed.test-support.js';
import type { Database } from '../store/schema.js';
import type { EndpointTable } from '../store/schema-context.js';

const AT = '2026-11-01T00:00:00.000Z';

export function endpointRow(
  id: string,
  overrides: Partial<Insertable<EndpointTable>> = {},
): Insertable<EndpointTable> {
  return {
    id,
    managed: 0,
    tenant: null,
    device_id: null,
    hostname: null,
    alternate_names: '[]',
    ip: null,
    match_by: null,
    source: 'test',
    attributes: '{}',
    first_seen_at: AT,
    last_seen_at: AT,
    ...overrides,
  };
}

/**
 * Tenant `contoso`: w11a (Windows11 22H2), w11b (Windows11, no version), w10 (Windows10 21H2), srv
 * (WindowsServer2022 named nyc-dc02), noos-dc (no OS, named nyc-dc01), noos-x (no OS, no rule fits), old
 * (Windows10 1607, removed). Endpoints: mac (unmanaged, bobs-macbook), ttl64 (unmanaged, ttl 64), quiet
 * (unmanaged, nothing fits), linked (managed, the device w11a).
 */
export async function seedProfileTenant(db: Kysely<Database>): Promise<void> {
  await seedTenant(db, 'contoso');
  await insertDevices(db, [
    deviceRow('contoso', 'w11a', { computer_dns_name: 'alpha.contoso.com', rbac_group_name: 'Servers' }),
    deviceRow('contoso', 'w11b', {
      computer_dns_name: 'bravo.contoso.com',
      version: null,
      rbac_group_name: 'Workstations',
    }),
    deviceRow('contoso', 'w10', {
      computer_dns_name: 'charlie.contoso.com',
      os_platform: 'Windows10',
      version: '21H2',
    }),
    deviceRow('contoso', 'srv', {
      computer_dns_name: 'nyc-dc02.contoso.com',
      os_platform: 'WindowsServer2022',
      version: null,
      os_version: null,
    }),
    deviceRow('contoso', 'noos-dc', {
      computer_dns_name: 'NYC-DC01.contoso.com',
      os_platform: null,
      version: null,
    }),
    deviceRow('contoso', 'noos-x', {
      computer_dns_name: 'xray.contoso.com',
      os_platform: null,
      version: null,
    }),
    deviceRow('contoso', 'old', {
      computer_dns_name: 'old.contoso.com',
      os_platform: 'Windows10',
      version: '1607',
      removed_at: AT,
    }),
  ]);
  await db
    .insertInto('endpoints')
    .values([
      endpointRow('mac', { hostname: 'bobs-macbook.lan' }),
      endpointRow('ttl64', { hostname: '10.1.2.3', attributes: JSON.stringify({ ttl: 64, vendor: 'acme' }) }),
      endpointRow('quiet', { hostname: 'mystery.lan', attributes: JSON.stringify({ ttl: 255 }) }),
      endpointRow('linked', {
        managed: 1,
        tenant: 'contoso',
        device_id: 'w11a',
        hostname: 'alpha.contoso.com',
        match_by: 'dnsName',
      }),
    ])
    .execute();
}

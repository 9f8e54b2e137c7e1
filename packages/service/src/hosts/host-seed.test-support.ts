/** Rows written straight into the store for the host and Defender-data tests (and the API benchmark). */
import type { Insertable, Kysely } from 'kysely';
import type { Database, DeviceTable } from '../store/schema.js';

const AT = '2026-11-01T00:00:00.000Z';

export async function seedTenant(
  db: Kysely<Database>,
  id: string,
  overrides: Partial<Insertable<Database['tenants']>> = {},
): Promise<void> {
  await db
    .insertInto('tenants')
    .values({
      id,
      name: id,
      tenant_id: '11111111-2222-3333-4444-555555555555',
      client_id: '66666666-7777-8888-9999-000000000000',
      cloud: 'commercial',
      credential_kind: 'secret',
      credential_ciphertext: 'v1:x:y:z',
      settings: '{}',
      created_at: AT,
      updated_at: AT,
      ...overrides,
    })
    .execute();
}

export function deviceRow(
  tenant: string,
  id: string,
  overrides: Partial<Insertable<DeviceTable>> = {},
): Insertable<DeviceTable> {
  const name = overrides.computer_dns_name ?? `${id}.contoso.com`;
  return {
    tenant,
    id,
    computer_dns_name: name,
    dns_name: name.toLowerCase(),
    os_platform: 'Windows11',
    os_version: null,
    version: '22H2',
    os_build: 22621,
    health_status: 'Active',
    onboarding_status: 'Onboarded',
    risk_score: 'Low',
    exposure_level: 'Low',
    device_value: 'Normal',
    rbac_group_id: 1,
    rbac_group_name: 'Servers',
    last_ip_address: null,
    last_external_ip_address: null,
    aad_device_id: null,
    first_seen: AT,
    last_seen: AT,
    is_potential_duplication: 0,
    merged_into_machine_id: null,
    machine_tags: '[]',
    is_primary: 1,
    raw: '{}',
    removed_at: null,
    synced_at: AT,
    ...overrides,
  };
}

export async function insertDevices(db: Kysely<Database>, rows: Insertable<DeviceTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('devices')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

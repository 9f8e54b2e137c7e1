import { hasPortal, portalLinks, resolveCloud } from '@mde-bridge/client';
import { type Kysely, type SqlBool, sql } from 'kysely';
import { deviceMatch } from '../context/endpoints.js';
import { getDeviceRisk } from '../risk/device-risk.js';
import type { Database } from '../store/schema.js';
import { allOf, type DeviceGroups, inDeviceScope } from './device-scope.js';
import { type HostDetail, hostSummaryColumns, toHostSummary } from './host-view.js';
import { toCount } from './list-page.js';

/** Alert statuses that still need someone's attention. */
export const ACTIVE_ALERT = sql<SqlBool>`coalesce(status, '') <> 'Resolved'`;

/**
 * The device with this machine ID that the caller may see (its tenant and ID), or null: a device outside the
 * caller's groups is indistinguishable from one that does not exist. A live record wins over a tombstone.
 */
export async function findScopedDevice(
  db: Kysely<Database>,
  machineId: string,
  groups: DeviceGroups,
): Promise<{ tenant: string; id: string } | null> {
  const row = await db
    .selectFrom('devices as d')
    .select(['d.tenant', 'd.id'])
    .where(allOf([sql`d.id = ${machineId}`, inDeviceScope(groups, 'd.rbac_group_name')]))
    .orderBy(sql`case when d.removed_at is null then 0 else 1 end`)
    .orderBy('d.tenant')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/** Everything about one host: its summary, IP history, isolation, sensor health, portal links and counts. */
export async function getHostDetail(
  db: Kysely<Database>,
  machineId: string,
  groups: DeviceGroups,
): Promise<HostDetail | null> {
  const key = await findScopedDevice(db, machineId, groups);
  if (!key) return null;
  const row = await db
    .selectFrom('devices as d')
    .innerJoin('tenants as t', 't.id', 'd.tenant')
    .leftJoin('isolation_states as i', (join) =>
      join.onRef('i.tenant', '=', 'd.tenant').onRef('i.machine_id', '=', 'd.id'),
    )
    .select(hostSummaryColumns)
    .select([
      'd.first_seen',
      'd.aad_device_id',
      'd.last_external_ip_address',
      'd.is_potential_duplication',
      'd.merged_into_machine_id',
      'i.requestor as isolation_requestor',
      'i.changed_at as isolation_changed_at',
      'i.action_id as isolation_action_id',
      't.tenant_id as entra_tenant_id',
      't.cloud',
      't.api_url',
      't.login_url',
      't.graph_url',
    ])
    .where('d.tenant', '=', key.tenant)
    .where('d.id', '=', key.id)
    .executeTakeFirstOrThrow();
  const ips = await db
    .selectFrom('device_ips')
    .select(['ip', 'first_seen_at', 'last_seen_at'])
    .where('tenant', '=', key.tenant)
    .where('device_id', '=', key.id)
    .orderBy('last_seen_at', 'desc')
    .orderBy('ip')
    .execute();
  const health = await db
    .selectFrom('device_health')
    .select(['state', 'changed_at'])
    .where('tenant', '=', key.tenant)
    .where('device_id', '=', key.id)
    .executeTakeFirst();
  const activeAlerts = await db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('tenant', '=', key.tenant)
    .where('machine_id', '=', key.id)
    .where(ACTIVE_ALERT)
    .executeTakeFirstOrThrow();
  const vulnerabilities = await db
    .selectFrom('device_vulnerabilities')
    .select(sql`count(distinct cve_id)`.as('n'))
    .where('tenant', '=', key.tenant)
    .where('device_id', '=', key.id)
    .executeTakeFirstOrThrow();

  const match = await deviceMatch(db, key.tenant, key.id);
  const summary = toHostSummary(row);
  const risk = await getDeviceRisk(db, key.tenant, key.id);
  return {
    ...summary,
    riskLevel: risk?.overall ?? null,
    risk,
    firstSeen: row.first_seen,
    aadDeviceId: row.aad_device_id,
    lastExternalIpAddress: row.last_external_ip_address,
    ipAddresses: ips.map((ip) => ({
      ip: ip.ip,
      firstSeenAt: ip.first_seen_at,
      lastSeenAt: ip.last_seen_at,
      current: ip.ip === row.last_ip_address,
    })),
    isolation:
      row.isolation_state === null
        ? null
        : {
            state: summary.isolationState,
            requestedBy: row.isolation_requestor,
            at: row.isolation_changed_at,
            actionId: row.isolation_action_id,
          },
    health: health ? { state: health.state, since: health.changed_at } : null,
    links: hostLinks(row, key.id),
    counts: { activeAlerts: toCount(activeAlerts.n), vulnerabilities: toCount(vulnerabilities.n) },
    isPotentialDuplicate: Number(row.is_potential_duplication) === 1,
    mergedIntoMachineId: row.merged_into_machine_id,
    ...(match ? { match } : {}),
  };
}

/** A device's Defender portal pages for its tenant's cloud; null when the cloud has no portal. */
export function hostLinks(
  tenant: {
    entra_tenant_id: string;
    cloud: string;
    api_url: string | null;
    login_url: string | null;
    graph_url: string | null;
  },
  machineId: string,
): HostDetail['links'] {
  const profile = resolveCloud({
    cloud: tenant.cloud,
    apiUrl: tenant.api_url ?? undefined,
    loginUrl: tenant.login_url ?? undefined,
    graphUrl: tenant.graph_url ?? undefined,
  });
  // A custom cloud (the emulator, a private endpoint) has no portal: no link rather than a guessed one.
  if (!hasPortal(profile)) return null;
  const links = portalLinks(profile, tenant.entra_tenant_id);
  return {
    overview: links.device(machineId),
    vulnerabilities: links.deviceVulnerabilities(machineId),
    alerts: links.deviceAlerts(machineId),
  };
}

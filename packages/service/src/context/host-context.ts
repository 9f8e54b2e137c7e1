import type { Kysely } from 'kysely';
import { hostLinks } from '../hosts/host-detail.js';
import { stringArray } from '../hosts/list-page.js';
import { getEndpointProfile } from '../profiles/endpoint-profile.js';
import { getDeviceRisk } from '../risk/device-risk.js';
import type { Database, IsolationStateName } from '../store/schema.js';
import type { EndpointRow } from './endpoints.js';
import type { HostMatch, MatchBy } from './match-host.js';

/** The context answered for a network-observed host (CONTRACT.md HostContext). */
export interface HostContext {
  endpointId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  machineId: string | null;
  name: string | null;
  os: string | null;
  osVersion: string | null;
  isolationState: IsolationStateName | null;
  healthStatus: string | null;
  lastSeen: string | null;
  ipAddresses: string[];
  riskScore: string | null;
  exposureLevel: string | null;
  tags: string[];
  deviceGroup: string | null;
  risk: { overall: string; exposure: string; alert: string; reasons: string[] } | null;
  profile: { name: string; matchScore: string } | null;
  links: { overview: string; vulnerabilities: string; alerts: string } | null;
  match: {
    status: HostMatch['status'];
    by: MatchBy | null;
    candidates?: { machineId: string; name: string; tenantName: string; lastSeen: string | null }[];
  };
  refreshed: boolean;
}

const none = (): Pick<
  HostContext,
  | 'tenantId'
  | 'tenantName'
  | 'machineId'
  | 'os'
  | 'osVersion'
  | 'isolationState'
  | 'healthStatus'
  | 'riskScore'
  | 'exposureLevel'
  | 'tags'
  | 'deviceGroup'
  | 'risk'
  | 'links'
> => ({
  tenantId: null,
  tenantName: null,
  machineId: null,
  os: null,
  osVersion: null,
  isolationState: null,
  healthStatus: null,
  riskScore: null,
  exposureLevel: null,
  tags: [],
  deviceGroup: null,
  risk: null,
  links: null,
});

/**
 * Builds the context of a match from the replica: the device's fields, its IP addresses (current first),
 * isolation state, risk, profile and portal links; for an ambiguous match the candidates; for an unmanaged
 * host what the endpoint row says.
 */
export async function buildHostContext(
  db: Kysely<Database>,
  match: HostMatch,
  endpoint: EndpointRow | null,
  refreshed = false,
): Promise<HostContext> {
  if (match.status === 'matched') {
    return {
      ...(await deviceContext(db, match.device.tenant, match.device.machineId)),
      endpointId: endpoint?.id ?? null,
      match: { status: 'matched', by: match.by },
      refreshed,
    };
  }
  const profile = endpoint ? await getEndpointProfile(db, { endpointId: endpoint.id }) : null;
  return {
    ...none(),
    endpointId: endpoint?.id ?? null,
    name: endpoint?.hostname ?? null,
    lastSeen: endpoint?.last_seen_at ?? null,
    ipAddresses: endpoint?.ip ? [endpoint.ip] : [],
    profile: profile && { name: profile.name, matchScore: profile.matchScore },
    match:
      match.status === 'ambiguous'
        ? {
            status: 'ambiguous',
            by: match.by,
            candidates: match.candidates.map((c) => ({
              machineId: c.machineId,
              name: c.name,
              tenantName: c.tenantName,
              lastSeen: c.lastSeen,
            })),
          }
        : { status: 'unmanaged', by: null },
    refreshed: false,
  };
}

type DeviceFields = Omit<HostContext, 'endpointId' | 'match' | 'refreshed'>;

async function deviceContext(db: Kysely<Database>, tenant: string, machineId: string): Promise<DeviceFields> {
  const row = await db
    .selectFrom('devices as d')
    .innerJoin('tenants as t', 't.id', 'd.tenant')
    .leftJoin('isolation_states as i', (join) =>
      join.onRef('i.tenant', '=', 'd.tenant').onRef('i.machine_id', '=', 'd.id'),
    )
    .select([
      'd.id',
      'd.computer_dns_name',
      'd.os_platform',
      'd.os_version',
      'd.health_status',
      'd.last_seen',
      'd.last_ip_address',
      'd.risk_score',
      'd.exposure_level',
      'd.machine_tags',
      'd.rbac_group_name',
      'i.state as isolation_state',
      't.name as tenant_name',
      't.tenant_id as entra_tenant_id',
      't.cloud',
      't.api_url',
      't.login_url',
      't.graph_url',
    ])
    .where('d.tenant', '=', tenant)
    .where('d.id', '=', machineId)
    .executeTakeFirstOrThrow();
  const history = await db
    .selectFrom('device_ips')
    .select(['ip'])
    .where('tenant', '=', tenant)
    .where('device_id', '=', machineId)
    .orderBy('last_seen_at', 'desc')
    .limit(50)
    .execute();
  const ips = [
    ...new Set([...(row.last_ip_address ? [row.last_ip_address] : []), ...history.map((h) => h.ip)]),
  ];
  const risk = await getDeviceRisk(db, tenant, machineId);
  const profile = await getEndpointProfile(db, { tenant, deviceId: machineId });
  return {
    tenantId: tenant,
    tenantName: row.tenant_name,
    machineId: row.id,
    name: row.computer_dns_name,
    os: row.os_platform,
    osVersion: row.os_version,
    isolationState: (row.isolation_state ?? 'unknown') as IsolationStateName,
    healthStatus: row.health_status,
    lastSeen: row.last_seen,
    ipAddresses: ips,
    riskScore: row.risk_score,
    exposureLevel: row.exposure_level,
    tags: stringArray(row.machine_tags),
    deviceGroup: row.rbac_group_name,
    risk: risk && {
      overall: risk.overall,
      exposure: risk.exposure,
      alert: risk.alert,
      reasons: risk.reasons,
    },
    profile: profile && { name: profile.name, matchScore: profile.matchScore },
    links: hostLinks(row, row.id),
  };
}

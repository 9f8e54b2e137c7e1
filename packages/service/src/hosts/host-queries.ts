import { isIP } from 'node:net';
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { listUnmanagedHosts } from '../context/unmanaged-hosts.js';
import type { RiskLevel } from '../risk/device-risk.js';
import type { Database, IsolationStateName } from '../store/schema.js';
import { allOf, containsPattern, type DeviceGroups, inDeviceScope, likeLiteral } from './device-scope.js';
import { type HostSummary, hostSummaryColumns, toHostSummary } from './host-view.js';
import { type ListPage, type PageRequest, pageWindow, toCount } from './list-page.js';
import { exposureLevels, levelRank, orderBy, riskLevels, type SortOrder } from './sort-order.js';

export const hostSortFields = ['name', 'lastSeen', 'os', 'health', 'risk', 'exposure'] as const;
export type HostSort = (typeof hostSortFields)[number];

export interface HostFilters {
  /** Name substring, machine ID prefix, or an IP the device has (now or in its history). */
  q?: string;
  /** tenants.id. */
  tenant?: string;
  os?: string;
  health?: string;
  exposure?: string;
  risk?: string;
  /** The bridge's overall risk level (device_risk `r`). */
  riskLevel?: RiskLevel;
  isolation?: IsolationStateName;
  tag?: string;
  group?: string;
  managed?: boolean;
  onboarding?: string;
  includeRemoved?: boolean;
}

export interface HostListRequest extends HostFilters, PageRequest {
  sort?: HostSort;
  order?: SortOrder;
}

const sortKeys: Record<HostSort, () => RawBuilder<unknown> | string> = {
  name: () => 'd.dns_name',
  lastSeen: () => 'd.last_seen',
  os: () => 'd.os_platform',
  health: () => 'd.health_status',
  risk: () => levelRank('d.risk_score', riskLevels),
  exposure: () => levelRank('d.exposure_level', exposureLevels),
};

/** The conditions of a host list on devices `d` (and isolation states `i` when filtering on isolation). */
export function hostConditions(filters: HostFilters, groups: DeviceGroups): RawBuilder<SqlBool>[] {
  const where: RawBuilder<SqlBool>[] = [inDeviceScope(groups, 'd.rbac_group_name')];
  const equals = (column: string, value: string | undefined) => {
    if (value !== undefined) where.push(sql<SqlBool>`${sql.ref(column)} = ${value}`);
  };
  if (!filters.includeRemoved) where.push(sql<SqlBool>`d.removed_at is null`);
  // Unmanaged hosts are endpoints, not devices (listHosts answers them from context/unmanaged-hosts.ts).
  if (filters.managed === false) where.push(sql<SqlBool>`1 = 0`);
  equals('d.tenant', filters.tenant);
  equals('d.os_platform', filters.os);
  equals('d.health_status', filters.health);
  equals('d.exposure_level', filters.exposure);
  equals('d.risk_score', filters.risk);
  equals('d.rbac_group_name', filters.group);
  equals('d.onboarding_status', filters.onboarding);
  if (filters.isolation !== undefined) {
    where.push(sql<SqlBool>`coalesce(i.state, 'unknown') = ${filters.isolation}`);
  }
  if (filters.riskLevel !== undefined) where.push(sql<SqlBool>`r.overall = ${filters.riskLevel}`);
  if (filters.tag !== undefined) {
    // machine_tags is a JSON array of strings: the quoted tag matches one element exactly.
    where.push(sql<SqlBool>`d.machine_tags like ${containsPattern(JSON.stringify(filters.tag))} escape '\\'`);
  }
  const q = filters.q?.trim().toLowerCase();
  if (q) where.push(searchCondition(q));
  return where;
}

/**
 * Name substring (dns_name is stored lower-case), machine ID prefix (IDs are lower-case hex), and for an IP
 * address its current address or any address in its history.
 */
function searchCondition(q: string): RawBuilder<SqlBool> {
  const alternatives = [
    sql<SqlBool>`d.dns_name like ${containsPattern(q)} escape '\\'`,
    sql<SqlBool>`d.id like ${`${likeLiteral(q)}%`} escape '\\'`,
  ];
  if (isIP(q)) {
    alternatives.push(
      sql<SqlBool>`d.last_ip_address = ${q}`,
      // Uncorrelated, so it is evaluated once (on device_ips_by_ip), not once per device.
      sql<SqlBool>`(d.tenant, d.id) in (select p.tenant, p.device_id from device_ips p where p.ip = ${q})`,
    );
  }
  return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
}

/** One page of hosts, filtered, sorted by a whitelisted field (ties broken on the machine ID), with the total. */
export async function listHosts(
  db: Kysely<Database>,
  request: HostListRequest,
  groups: DeviceGroups,
): Promise<ListPage<HostSummary>> {
  if (request.managed === false) return listUnmanagedHosts(db, request, groups);
  const { page, pageSize, limit, offset } = pageWindow(request);
  const where = allOf(hostConditions(request, groups));
  const order = orderBy(sortKeys[request.sort ?? 'name'](), request.order ?? 'asc', ['d.id', 'd.tenant']);
  // Deferred join: the page's keys are chosen from narrow index entries, and only those rows are read. A
  // device row holds Defender's whole JSON, so filtering and sorting whole rows would read every one of them.
  const keys = devicesMatching(db, request)
    .select(['d.tenant', 'd.id'])
    .where(where)
    .orderBy(order)
    .limit(limit)
    .offset(offset);
  const rows = await db
    .selectFrom(keys.as('k'))
    .innerJoin('devices as d', (join) => join.onRef('d.tenant', '=', 'k.tenant').onRef('d.id', '=', 'k.id'))
    .innerJoin('tenants as t', 't.id', 'd.tenant')
    .leftJoin('isolation_states as i', (join) =>
      join.onRef('i.tenant', '=', 'd.tenant').onRef('i.machine_id', '=', 'd.id'),
    )
    .leftJoin('device_risk as r', (join) =>
      join.onRef('r.tenant', '=', 'd.tenant').onRef('r.device_id', '=', 'd.id'),
    )
    .select(hostSummaryColumns)
    .select('r.overall as risk_level')
    .orderBy(order)
    .execute();
  const { n } = await devicesMatching(db, request)
    .select((eb) => eb.fn.countAll().as('n'))
    .where(where)
    .executeTakeFirstOrThrow();
  return { items: rows.map(toHostSummary), total: toCount(n), page, pageSize };
}

/** Devices `d`, joined to their isolation state `i` and risk `r` only when a filter needs them (a lookup per device). */
function devicesMatching(db: Kysely<Database>, filters: HostFilters) {
  let devices = db.selectFrom('devices as d');
  if (filters.isolation !== undefined) {
    devices = devices.leftJoin('isolation_states as i', (join) =>
      join.onRef('i.tenant', '=', 'd.tenant').onRef('i.machine_id', '=', 'd.id'),
    ) as unknown as typeof devices;
  }
  if (filters.riskLevel !== undefined) {
    devices = devices.leftJoin('device_risk as r', (join) =>
      join.onRef('r.tenant', '=', 'd.tenant').onRef('r.device_id', '=', 'd.id'),
    ) as unknown as typeof devices;
  }
  return devices;
}

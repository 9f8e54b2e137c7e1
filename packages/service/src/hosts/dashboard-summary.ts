import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { allOf, type DeviceGroups, inDeviceScope } from './device-scope.js';
import { ACTIVE_ALERT } from './host-detail.js';
import { type FacetValue, hostFacets, UNKNOWN } from './host-facets.js';
import { toCount } from './list-page.js';

export interface DashboardSummary {
  tenants: {
    id: string;
    name: string;
    isDemo: boolean;
    enabled: boolean;
    devices: number;
    /** When the tenant's last successful sync run finished; null when none has. */
    lastSync: string | null;
  }[];
  devices: {
    total: number;
    byHealth: FacetValue[];
    byOs: FacetValue[];
    byExposure: FacetValue[];
    byRisk: FacetValue[];
    byIsolation: FacetValue[];
  };
  alerts: { active: number; bySeverity: FacetValue[] };
}

/** The landing page's figures, counted over the hosts (and their alerts) the caller may see. */
export async function dashboardSummary(
  db: Kysely<Database>,
  groups: DeviceGroups,
): Promise<DashboardSummary> {
  const facets = await hostFacets(db, groups);
  const tenants = await db
    .selectFrom('tenants')
    .select(['id', 'name', 'is_demo', 'enabled'])
    .orderBy('name')
    .execute();
  const devicesByTenant = await db
    .selectFrom('devices as d')
    .select(['d.tenant', (eb) => eb.fn.countAll().as('n')])
    .where(allOf([inDeviceScope(groups, 'd.rbac_group_name'), sql<SqlBool>`d.removed_at is null`]))
    .groupBy('d.tenant')
    .execute();
  const lastSyncs = await db
    .selectFrom('sync_runs')
    .select(['tenant', (eb) => eb.fn.max('finished_at').as('last')])
    .where('status', '=', 'succeeded')
    .groupBy('tenant')
    .execute();
  const alertsBySeverity = await db
    .selectFrom('alerts as a')
    .leftJoin('devices as d', (join) =>
      join.onRef('d.tenant', '=', 'a.tenant').onRef('d.id', '=', 'a.machine_id'),
    )
    .select(['a.severity', (eb) => eb.fn.countAll().as('n')])
    .where(allOf([inDeviceScope(groups, 'd.rbac_group_name'), ACTIVE_ALERT]))
    .groupBy('a.severity')
    .execute();
  const deviceCount = new Map(devicesByTenant.map((r) => [r.tenant, toCount(r.n)]));
  const lastSync = new Map(lastSyncs.map((r) => [r.tenant, r.last ?? null]));
  const bySeverity = alertsBySeverity
    .map((r) => ({ value: r.severity ?? UNKNOWN, count: toCount(r.n) }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return {
    tenants: tenants.map((t) => ({
      id: t.id,
      name: t.name,
      isDemo: Number(t.is_demo) === 1,
      enabled: Number(t.enabled) === 1,
      devices: deviceCount.get(t.id) ?? 0,
      lastSync: lastSync.get(t.id) ?? null,
    })),
    devices: {
      total: facets.os.reduce((sum, f) => sum + f.count, 0),
      byHealth: facets.health,
      byOs: facets.os,
      byExposure: facets.exposure,
      byRisk: facets.risk,
      byIsolation: facets.isolation,
    },
    alerts: { active: bySeverity.reduce((sum, f) => sum + f.count, 0), bySeverity },
  };
}

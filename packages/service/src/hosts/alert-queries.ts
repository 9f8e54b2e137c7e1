import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { allOf, containsText, type DeviceGroups, inDeviceScope } from './device-scope.js';
import { type ListPage, type PageRequest, pageWindow, toCount } from './list-page.js';
import { levelRank, orderBy, type SortOrder, severityLevels } from './sort-order.js';

/** CONTRACT.md Alert; `evidence` only on the single-alert route (it can be large). */
export interface AlertView {
  id: string;
  tenantId: string;
  tenantName: string;
  machineId: string | null;
  hostName: string | null;
  title: string | null;
  severity: string | null;
  status: string | null;
  category: string | null;
  detectionSource: string | null;
  createdAt: string | null;
  lastUpdateTime: string;
  resolvedAt: string | null;
  mitreTechniques: string[];
  evidence?: Record<string, unknown>[];
}

export const alertSortFields = ['lastUpdateTime', 'severity', 'createdAt'] as const;
export type AlertSort = (typeof alertSortFields)[number];

export interface AlertListRequest extends PageRequest {
  /** tenants.id. */
  tenant?: string;
  severity?: string;
  status?: string;
  machineId?: string;
  /** Substring of the title, case-insensitive. */
  q?: string;
  /** lastUpdateTime window (ISO-8601, inclusive). */
  from?: string;
  to?: string;
  sort?: AlertSort;
  order?: SortOrder;
}

const sortKeys: Record<AlertSort, () => RawBuilder<unknown> | string> = {
  lastUpdateTime: () => 'a.last_update_time',
  severity: () => levelRank('a.severity', severityLevels),
  createdAt: () => 'a.alert_creation_time',
};

/**
 * Alerts joined to their device (`d`, for the host name and the caller's device groups) and tenant (`t`). A
 * limited caller sees only alerts on devices in its groups; alerts without a device only unlimited callers.
 */
function alertsFrom(db: Kysely<Database>) {
  return db
    .selectFrom('alerts as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant')
    .leftJoin('devices as d', (join) =>
      join.onRef('d.tenant', '=', 'a.tenant').onRef('d.id', '=', 'a.machine_id'),
    )
    .select([
      'a.id',
      'a.tenant',
      't.name as tenant_name',
      'a.machine_id',
      'd.computer_dns_name',
      'a.title',
      'a.severity',
      'a.status',
      'a.category',
      'a.detection_source',
      'a.alert_creation_time',
      'a.last_update_time',
      'a.resolved_time',
      'a.raw',
    ]);
}

type AlertRow = Awaited<ReturnType<ReturnType<typeof alertsFrom>['executeTakeFirstOrThrow']>>;

export async function listAlerts(
  db: Kysely<Database>,
  request: AlertListRequest,
  groups: DeviceGroups,
): Promise<ListPage<AlertView>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const where: RawBuilder<SqlBool>[] = [inDeviceScope(groups, 'd.rbac_group_name')];
  const equals = (column: string, value: string | undefined) => {
    if (value !== undefined) where.push(sql<SqlBool>`${sql.ref(column)} = ${value}`);
  };
  equals('a.tenant', request.tenant);
  equals('a.severity', request.severity);
  equals('a.status', request.status);
  equals('a.machine_id', request.machineId);
  if (request.q?.trim()) where.push(containsText('a.title', request.q.trim()));
  if (request.from !== undefined) where.push(sql<SqlBool>`a.last_update_time >= ${request.from}`);
  if (request.to !== undefined) where.push(sql<SqlBool>`a.last_update_time <= ${request.to}`);
  const condition = allOf(where);
  const rows = await alertsFrom(db)
    .where(condition)
    .orderBy(
      orderBy(sortKeys[request.sort ?? 'lastUpdateTime'](), request.order ?? 'desc', ['a.id', 'a.tenant']),
    )
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await db
    .selectFrom('alerts as a')
    .leftJoin('devices as d', (join) =>
      join.onRef('d.tenant', '=', 'a.tenant').onRef('d.id', '=', 'a.machine_id'),
    )
    .select((eb) => eb.fn.countAll().as('n'))
    .where(condition)
    .executeTakeFirstOrThrow();
  return { items: rows.map((r) => toAlertView(r, false)), total: toCount(n), page, pageSize };
}

/** One alert with its evidence, or null when it does not exist or its device is outside the caller's groups. */
export async function getAlert(
  db: Kysely<Database>,
  id: string,
  groups: DeviceGroups,
): Promise<AlertView | null> {
  const row = await alertsFrom(db)
    .where(allOf([sql<SqlBool>`a.id = ${id}`, inDeviceScope(groups, 'd.rbac_group_name')]))
    .orderBy('a.tenant')
    .limit(1)
    .executeTakeFirst();
  return row ? toAlertView(row, true) : null;
}

function toAlertView(row: AlertRow, withEvidence: boolean): AlertView {
  const raw = parseObject(row.raw);
  const view: AlertView = {
    id: row.id,
    tenantId: row.tenant,
    tenantName: row.tenant_name,
    machineId: row.machine_id,
    hostName: row.computer_dns_name,
    title: row.title,
    severity: row.severity,
    status: row.status,
    category: row.category,
    detectionSource: row.detection_source,
    createdAt: row.alert_creation_time,
    lastUpdateTime: row.last_update_time,
    resolvedAt: row.resolved_time,
    mitreTechniques: Array.isArray(raw.mitreTechniques)
      ? raw.mitreTechniques.filter((t): t is string => typeof t === 'string')
      : [],
  };
  if (withEvidence) {
    view.evidence = Array.isArray(raw.evidence)
      ? raw.evidence.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
      : [];
  }
  return view;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

/**
 * Reading detections and policy decisions for the API, within the caller's device groups: a scoped caller
 * sees only rows of devices in its groups (unmatched detections only when unscoped).
 */
import { type Kysely, type SqlBool, sql } from 'kysely';
import { allOf, containsText, type DeviceGroups, inDeviceScope } from '../hosts/device-scope.js';
import { type ListPage, type PageRequest, pageWindow, toCount } from '../hosts/list-page.js';
import { orderBy, type SortOrder } from '../hosts/sort-order.js';
import type { Database } from '../store/schema.js';
import { type Detection, type PolicyDecision, toDetection, toPolicyDecision } from './detection.js';

export const detectionSortFields = ['timestamp', 'receivedAt', 'threatScore'] as const;
export type DetectionSortField = (typeof detectionSortFields)[number];
const sortColumns: Record<DetectionSortField, string> = {
  timestamp: 'x.detected_at',
  receivedAt: 'x.received_at',
  threatScore: 'x.threat_score',
};

export interface DetectionListRequest extends PageRequest {
  q?: string;
  tenantId?: string;
  machineId?: string;
  outcome?: string;
  stitch?: string;
  since?: string;
  until?: string;
  sort?: DetectionSortField;
  order?: SortOrder;
}

/**
 * Detections with their device. `inDeviceScope` on the joined group is false for an unmatched detection (no
 * device row), so a scoped caller never sees those.
 */
function scopedDetections(db: Kysely<Database>, groups: DeviceGroups) {
  return db
    .selectFrom('detections as x')
    .leftJoin('devices as d', (j) => j.onRef('d.tenant', '=', 'x.tenant').onRef('d.id', '=', 'x.device_id'))
    .where(inDeviceScope(groups, 'd.rbac_group_name'));
}

export async function listDetections(
  db: Kysely<Database>,
  request: DetectionListRequest,
  groups: DeviceGroups,
): Promise<ListPage<Detection>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const conditions = [];
  if (request.q) {
    const q = request.q.trim();
    conditions.push(
      sql<SqlBool>`(${sql.join(
        ['x.host_name', 'x.host_ip', 'x.remote_ip', 'x.domain', 'd.computer_dns_name'].map((c) =>
          containsText(c, q),
        ),
        sql` or `,
      )})`,
    );
  }
  if (request.tenantId) conditions.push(sql<SqlBool>`x.tenant = ${request.tenantId}`);
  if (request.machineId) conditions.push(sql<SqlBool>`x.device_id = ${request.machineId}`);
  if (request.outcome) conditions.push(sql<SqlBool>`x.lockdown_outcome = ${request.outcome}`);
  if (request.stitch) conditions.push(sql<SqlBool>`x.stitch_state = ${request.stitch}`);
  if (request.since) conditions.push(sql<SqlBool>`x.detected_at >= ${request.since}`);
  if (request.until) conditions.push(sql<SqlBool>`x.detected_at < ${request.until}`);
  const query = scopedDetections(db, groups).where(allOf(conditions));
  const total = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const rows = await query
    .selectAll('x')
    .select('d.computer_dns_name as device_name')
    .orderBy(orderBy(sortColumns[request.sort ?? 'timestamp'], request.order ?? 'desc', ['x.id']))
    .limit(limit)
    .offset(offset)
    .execute();
  return {
    items: rows.map(({ device_name, ...row }) => toDetection(row, { deviceName: device_name })),
    total: toCount(total?.n),
    page,
    pageSize,
  };
}

/** One detection with its decisions, or null (unknown, or outside the caller's groups). */
export async function getDetection(
  db: Kysely<Database>,
  id: string,
  groups: DeviceGroups,
): Promise<Detection | null> {
  const row = await scopedDetections(db, groups)
    .selectAll('x')
    .select('d.computer_dns_name as device_name')
    .where('x.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const { device_name, ...detection } = row;
  const decisions = await db
    .selectFrom('policy_decisions as p')
    .leftJoin('lockdown_policies as l', 'l.id', 'p.policy_id')
    .selectAll('p')
    .select('l.name as policy_name')
    .where('p.detection_id', '=', id)
    .orderBy('p.decided_at')
    .orderBy('p.id')
    .execute();
  return toDetection(detection, {
    deviceName: device_name,
    full: true,
    decisions: decisions.map(({ policy_name, ...d }) =>
      toPolicyDecision(d, { policyName: policy_name, hostName: device_name ?? detection.host_name }),
    ),
  });
}

export interface DecisionListRequest extends PageRequest {
  policyId?: string;
  decision?: string;
  dryRun?: boolean;
}

/** Policy decisions, newest first. */
export async function listPolicyDecisions(
  db: Kysely<Database>,
  request: DecisionListRequest,
  groups: DeviceGroups,
): Promise<ListPage<PolicyDecision>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const conditions = [inDeviceScope(groups, 'd.rbac_group_name')];
  if (request.policyId) conditions.push(sql<SqlBool>`p.policy_id = ${request.policyId}`);
  if (request.decision) conditions.push(sql<SqlBool>`p.decision = ${request.decision}`);
  if (request.dryRun !== undefined) conditions.push(sql<SqlBool>`p.dry_run = ${request.dryRun ? 1 : 0}`);
  const query = db
    .selectFrom('policy_decisions as p')
    .leftJoin('devices as d', (j) => j.onRef('d.tenant', '=', 'p.tenant').onRef('d.id', '=', 'p.device_id'))
    .leftJoin('detections as x', 'x.id', 'p.detection_id')
    .leftJoin('lockdown_policies as l', 'l.id', 'p.policy_id')
    .where(allOf(conditions));
  const total = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const rows = await query
    .selectAll('p')
    .select(['l.name as policy_name', 'd.computer_dns_name as device_name', 'x.host_name as host_name'])
    .orderBy('p.decided_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return {
    items: rows.map(({ policy_name, device_name, host_name, ...d }) =>
      toPolicyDecision(d, { policyName: policy_name, hostName: device_name ?? host_name }),
    ),
    total: toCount(total?.n),
    page,
    pageSize,
  };
}

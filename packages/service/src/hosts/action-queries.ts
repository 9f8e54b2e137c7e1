import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { allOf, type DeviceGroups, inDeviceScope } from './device-scope.js';
import { type ListPage, type PageRequest, pageWindow, toCount } from './list-page.js';

/** CONTRACT.md MachineAction. */
export interface MachineActionView {
  id: string;
  tenantId: string;
  machineId: string | null;
  hostName: string | null;
  type: string;
  status: string;
  requestor: string | null;
  comment: string | null;
  scope: string | null;
  createdAt: string;
  lastUpdateTime: string;
}

export interface ActionListRequest extends PageRequest {
  /** tenants.id. */
  tenant?: string;
  machineId?: string;
  type?: string;
  status?: string;
}

/** Machine actions, newest first, limited to devices in the caller's groups. */
export async function listMachineActions(
  db: Kysely<Database>,
  request: ActionListRequest,
  groups: DeviceGroups,
): Promise<ListPage<MachineActionView>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const where: RawBuilder<SqlBool>[] = [inDeviceScope(groups, 'd.rbac_group_name')];
  const equals = (column: string, value: string | undefined) => {
    if (value !== undefined) where.push(sql<SqlBool>`${sql.ref(column)} = ${value}`);
  };
  equals('m.tenant', request.tenant);
  equals('m.machine_id', request.machineId);
  equals('m.type', request.type);
  equals('m.status', request.status);
  const condition = allOf(where);
  const from = () =>
    db
      .selectFrom('machine_actions as m')
      .leftJoin('devices as d', (join) =>
        join.onRef('d.tenant', '=', 'm.tenant').onRef('d.id', '=', 'm.machine_id'),
      )
      .where(condition);
  const rows = await from()
    .select([
      'm.id',
      'm.tenant',
      'm.machine_id',
      'd.computer_dns_name',
      'm.type',
      'm.status',
      'm.requestor',
      'm.requestor_comment',
      'm.scope',
      'm.creation_time',
      'm.last_update_time',
    ])
    .orderBy('m.creation_time', 'desc')
    .orderBy('m.id', 'desc')
    .orderBy('m.tenant', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await from()
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant,
      machineId: r.machine_id,
      hostName: r.computer_dns_name,
      type: r.type,
      status: r.status,
      requestor: r.requestor,
      comment: r.requestor_comment,
      scope: r.scope,
      createdAt: r.creation_time,
      lastUpdateTime: r.last_update_time,
    })),
    total: toCount(n),
    page,
    pageSize,
  };
}

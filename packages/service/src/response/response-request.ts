import type { Kysely, Selectable } from 'kysely';
import type { ResponseAction } from '../profiles/supported-actions.js';
import type { Database } from '../store/schema.js';
import type { ResponseRequestState, ResponseRequestTable } from '../store/schema-response.js';

export type ResponseRequestRow = Selectable<ResponseRequestTable>;

/** A response request as the API answers it (CONTRACT.md `ResponseRequest`). */
export interface ResponseRequest {
  id: string;
  tenantId: string;
  machineId: string;
  hostName: string | null;
  type: ResponseAction;
  state: ResponseRequestState;
  defenderActionId: string | null;
  defenderStatus: string | null;
  comment: string;
  isolationType: string | null;
  scanType: string | null;
  requestedBy: string;
  requestedAt: string;
  sentAt: string | null;
  completedAt: string | null;
  error: string | null;
  deduplicated?: boolean;
}

/** The Defender MachineAction.type of each bridge action. */
export const defenderActionType: Record<ResponseAction, string> = {
  isolate: 'Isolate',
  release: 'Unisolate',
  scan: 'RunAntiVirusScan',
  restrict: 'RestrictCodeExecution',
  unrestrict: 'UnrestrictCodeExecution',
  collect: 'CollectInvestigationPackage',
};

/**
 * Actions that cannot be in flight together on one device: isolate and release share a group (they would
 * race, and completions out of order leave a device isolated), as do restrict and unrestrict.
 */
export const inflightGroup: Record<ResponseAction, string> = {
  isolate: 'isolation',
  release: 'isolation',
  scan: 'scan',
  restrict: 'restriction',
  unrestrict: 'restriction',
  collect: 'collect',
};

export function inflightKey(tenant: string, deviceId: string, type: ResponseAction): string {
  return `${tenant}|${deviceId}|${inflightGroup[type]}`;
}

export function toResponseRequest(row: ResponseRequestRow & { host_name: string | null }): ResponseRequest {
  return {
    id: row.id,
    tenantId: row.tenant,
    machineId: row.device_id,
    hostName: row.host_name,
    type: row.type as ResponseAction,
    state: row.state,
    defenderActionId: row.defender_action_id,
    defenderStatus: row.defender_status,
    comment: row.comment,
    isolationType: row.isolation_type,
    scanType: row.scan_type,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    sentAt: row.sent_at,
    completedAt: row.completed_at,
    error: row.error,
  };
}

function requestQuery(db: Kysely<Database>) {
  return db
    .selectFrom('response_requests as r')
    .leftJoin('devices as d', (join) =>
      join.onRef('d.tenant', '=', 'r.tenant').onRef('d.id', '=', 'r.device_id'),
    )
    .selectAll('r')
    .select('d.computer_dns_name as host_name');
}

export async function getResponseRequest(db: Kysely<Database>, id: string): Promise<ResponseRequest | null> {
  const row = await requestQuery(db).where('r.id', '=', id).executeTakeFirst();
  return row ? toResponseRequest(row) : null;
}

/** A device's requests, newest first. */
export async function listResponseRequests(
  db: Kysely<Database>,
  tenant: string,
  deviceId: string,
  page: { page: number; pageSize: number },
): Promise<{ items: ResponseRequest[]; total: number; page: number; pageSize: number }> {
  const rows = await requestQuery(db)
    .where('r.tenant', '=', tenant)
    .where('r.device_id', '=', deviceId)
    .orderBy('r.requested_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  const count = await db
    .selectFrom('response_requests')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('tenant', '=', tenant)
    .where('device_id', '=', deviceId)
    .executeTakeFirstOrThrow();
  return {
    items: rows.map(toResponseRequest),
    total: Number(count.n),
    page: page.page,
    pageSize: page.pageSize,
  };
}

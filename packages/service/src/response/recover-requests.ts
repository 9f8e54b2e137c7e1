/**
 * Requests a crash left `sending`: the row was written, then the process died before it recorded Defender's
 * answer, so nobody knows whether the action went out. Once no process can still be sending it (2 minutes),
 * Defender's own list of the device's machine actions says: an action of that type created since the request
 * is adopted (pending, tracked as usual); none means it never went out, and the request fails with a message
 * saying so. Either way the in-flight slot is freed or kept truthfully, and it is audited.
 */
import type { MachineAction } from '@mde-bridge/client';
import { appendAudit } from '../audit/audit-log.js';
import type { ResponseDeps } from './request-action.js';
import { defenderActionType, type ResponseRequestRow } from './response-request.js';
import { applyDefenderStatus } from './track-requests.js';

/** A request `sending` longer than this was left by a crash (sending takes seconds, retries included). */
export const STALE_SENDING_MS = 2 * 60_000;
/** Defender's clock and ours may differ a little: actions created this long before the request count. */
const CLOCK_SLACK_MS = 60_000;
const TERMINAL = new Set(['Succeeded', 'Failed', 'TimeOut', 'Cancelled']);

/** Resolves every stale `sending` request; returns how many it adopted and failed. */
export async function recoverStaleRequests(
  deps: Pick<ResponseDeps, 'store' | 'clientFor' | 'now'>,
): Promise<{ adopted: number; failed: number }> {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();
  const stale = await db
    .selectFrom('response_requests')
    .selectAll()
    .where('state', '=', 'sending')
    .where('requested_at', '<=', new Date(now().getTime() - STALE_SENDING_MS).toISOString())
    .orderBy('requested_at')
    .execute();
  const counts = { adopted: 0, failed: 0 };
  // One tenant Defender cannot be asked about (disabled, bad key) must not hold the others back.
  let firstError: unknown = null;
  for (const row of stale) {
    try {
      const action = await findSentAction(deps, row);
      if (action) {
        if (await adopt(deps, row, action)) counts.adopted++;
      } else if (await fail(deps, row)) counts.failed++;
    } catch (err) {
      firstError ??= err;
    }
  }
  if (firstError) throw firstError;
  return counts;
}

/** The device's action of this type created since the request (the earliest one no other request owns). */
async function findSentAction(
  deps: Pick<ResponseDeps, 'store' | 'clientFor'>,
  row: ResponseRequestRow,
): Promise<MachineAction | null> {
  const client = await deps.clientFor(row.tenant);
  const type = defenderActionType[row.type as keyof typeof defenderActionType];
  const since = Date.parse(row.requested_at) - CLOCK_SLACK_MS;
  const found: MachineAction[] = [];
  for await (const a of client.listMachineActions({
    filter: `machineId eq '${row.device_id.replace(/'/g, "''")}' and type eq '${type}'`,
    priority: 'response',
  })) {
    if (Date.parse(a.creationDateTimeUtc) >= since) found.push(a);
  }
  found.sort((x, y) => x.creationDateTimeUtc.localeCompare(y.creationDateTimeUtc));
  for (const a of found) {
    const owner = await deps.store.db
      .selectFrom('response_requests')
      .select('id')
      .where('tenant', '=', row.tenant)
      .where('defender_action_id', '=', a.id)
      .executeTakeFirst();
    if (!owner) return a;
  }
  return null;
}

async function adopt(
  deps: Pick<ResponseDeps, 'store' | 'now'>,
  row: ResponseRequestRow,
  action: MachineAction,
): Promise<boolean> {
  const { db } = deps.store;
  const at = deps.now?.() ?? new Date();
  const result = await db
    .updateTable('response_requests')
    .set({
      state: 'pending',
      defender_action_id: action.id,
      defender_status: action.status,
      sent_at: action.creationDateTimeUtc,
    })
    .where('id', '=', row.id)
    .where('state', '=', 'sending')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  // The lockdown learns its request only after the send returns: the crash may have come first.
  if (row.lockdown_id && row.type === 'isolate') {
    await db
      .updateTable('lockdowns')
      .set({ isolate_request_id: row.id })
      .where('id', '=', row.lockdown_id)
      .where('isolate_request_id', 'is', null)
      .execute();
  }
  await audit(deps, row, 'success', {
    recovered: 'adopted',
    defenderActionId: action.id,
    defenderStatus: action.status,
  });
  if (TERMINAL.has(action.status)) {
    const pending = { ...row, state: 'pending' as const, defender_action_id: action.id };
    await applyDefenderStatus(db, pending, action.status, null, at);
  }
  return true;
}

async function fail(deps: Pick<ResponseDeps, 'store' | 'now'>, row: ResponseRequestRow): Promise<boolean> {
  const { db } = deps.store;
  const at = (deps.now?.() ?? new Date()).toISOString();
  const error =
    'the bridge stopped while sending this request and Defender has no such action: it was never sent; ask again';
  const result = await db
    .updateTable('response_requests')
    .set({ state: 'failed', inflight_key: null, error, completed_at: at })
    .where('id', '=', row.id)
    .where('state', '=', 'sending')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  if (row.lockdown_id && row.type === 'isolate') {
    await db
      .updateTable('lockdowns')
      .set({ state: 'failed', active_key: null })
      .where('id', '=', row.lockdown_id)
      .where('state', '=', 'locking')
      .execute();
  }
  await audit(deps, row, 'failure', { recovered: 'failed', error });
  return true;
}

function audit(
  deps: Pick<ResponseDeps, 'store' | 'now'>,
  row: ResponseRequestRow,
  outcome: 'success' | 'failure',
  detail: Record<string, unknown>,
) {
  return appendAudit(
    deps.store.db,
    {
      actorKind: 'system',
      actor: 'response-maintenance',
      ip: null,
      action: 'response.recovered',
      target: `${row.tenant}/${row.device_id}`,
      outcome,
      detail: { type: row.type, requestId: row.id, requestedBy: row.requested_by, ...detail },
    },
    deps.now?.() ?? new Date(),
  );
}

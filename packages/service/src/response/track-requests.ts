/**
 * Tracks sent requests to their outcome from the replica's machine actions: runs after every successful
 * `actions` sweep (service/after-sync.ts). Isolation state itself stays the sync's (sync/isolation-state.ts).
 */
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import type { ResponseRequestState } from '../store/schema-response.js';
import type { ResponseRequestRow } from './response-request.js';

const OUTCOME: Record<string, { state: ResponseRequestState; error: string | null }> = {
  Succeeded: { state: 'succeeded', error: null },
  Failed: { state: 'failed', error: 'Defender reports the action Failed on the device' },
  TimeOut: {
    state: 'failed',
    error: 'Defender timed the action out: the device did not pick it up in time (offline?)',
  },
  Cancelled: { state: 'cancelled', error: 'the action was cancelled in Defender' },
};

/** Updates every pending request of a tenant whose Defender action the replica shows changed; returns how many finished. */
export async function trackResponseRequests(
  db: Kysely<Database>,
  tenant: string,
  now: Date = new Date(),
): Promise<number> {
  const rows = await db
    .selectFrom('response_requests as r')
    .innerJoin('machine_actions as a', (join) =>
      join.onRef('a.tenant', '=', 'r.tenant').onRef('a.id', '=', 'r.defender_action_id'),
    )
    .selectAll('r')
    .select(['a.status as action_status', 'a.raw as action_raw'])
    .where('r.tenant', '=', tenant)
    .where('r.state', '=', 'pending')
    .execute();
  let finished = 0;
  for (const row of rows) {
    if (row.action_status === row.defender_status && !OUTCOME[row.action_status]) continue;
    if (await applyDefenderStatus(db, row, row.action_status, row.action_raw, now)) finished++;
  }
  return finished;
}

/**
 * Records Defender's status of a pending request; a final one ends it (and moves its lockdown on). Returns
 * true when this call ended it (another process may have already).
 */
export async function applyDefenderStatus(
  db: Kysely<Database>,
  row: ResponseRequestRow,
  status: string,
  raw: string | null,
  now: Date,
): Promise<boolean> {
  const outcome = OUTCOME[status];
  if (!outcome) {
    await db
      .updateTable('response_requests')
      .set({ defender_status: status })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .execute();
    return false;
  }
  const error = outcome.error ? `${outcome.error}${hresult(raw)}` : null;
  const result = await db
    .updateTable('response_requests')
    .set({
      state: outcome.state,
      defender_status: status,
      inflight_key: null,
      completed_at: now.toISOString(),
      error,
    })
    .where('id', '=', row.id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await appendAudit(
    db,
    {
      actorKind: 'system',
      actor: 'system',
      action: 'response.completed',
      target: `${row.tenant}/${row.device_id}`,
      outcome: outcome.state === 'succeeded' ? 'success' : 'failure',
      detail: {
        type: row.type,
        requestId: row.id,
        defenderActionId: row.defender_action_id,
        defenderStatus: status,
        requestedBy: row.requested_by,
        error,
      },
    },
    now,
  );
  await advanceLockdowns(db, row.id, outcome.state);
  return true;
}

/** A lockdown moves on when its isolate or its release finishes (a failed release is retried by the releaser). */
async function advanceLockdowns(db: Kysely<Database>, requestId: string, state: ResponseRequestState) {
  if (state === 'succeeded') {
    await db
      .updateTable('lockdowns')
      .set({ state: 'active' })
      .where('isolate_request_id', '=', requestId)
      .where('state', '=', 'locking')
      .execute();
    await db
      .updateTable('lockdowns')
      .set({ state: 'released', active_key: null })
      .where('release_request_id', '=', requestId)
      .where('state', '=', 'releasing')
      .execute();
  } else {
    await db
      .updateTable('lockdowns')
      .set({ state: 'failed', active_key: null })
      .where('isolate_request_id', '=', requestId)
      .where('state', '=', 'locking')
      .execute();
  }
}

function hresult(raw: string | null): string {
  if (!raw) return '';
  try {
    const code = (JSON.parse(raw) as { errorHResult?: unknown }).errorHResult;
    return typeof code === 'number' && code !== 0 ? ` (HRESULT ${code})` : '';
  } catch {
    return '';
  }
}

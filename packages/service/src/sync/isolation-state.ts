/**
 * Isolation state per device. Defender's Machine carries no isolation field (spec 5.5): it is derived from
 * the device's Isolate/Unisolate machine actions, from the one `/machineactions` sweep (never one call per
 * device, the pattern pitfalls names in Kibana).
 *
 * The newest Isolate/Unisolate action (by creationDateTimeUtc) decides:
 *
 * | newest action                           | state                                                      |
 * |-----------------------------------------|------------------------------------------------------------|
 * | Isolate   Pending / InProgress          | isolating                                                  |
 * | Isolate   Succeeded                     | isolated                                                   |
 * | Unisolate Pending / InProgress          | releasing                                                  |
 * | Unisolate Succeeded                     | not_isolated                                               |
 * | any       Failed / TimeOut / Cancelled  | as the newest *Succeeded* one before it (Isolate → isolated,|
 * |                                         | Unisolate → not_isolated); when there is none:             |
 * |   Isolate   Failed / TimeOut            |   failed (an isolation was asked for and never took hold)  |
 * |   Isolate   Cancelled                   |   not_isolated (withdrawn, nothing failed)                 |
 * |   Unisolate Failed / TimeOut / Cancelled|   isolated (a release was asked for, so the device was     |
 * |                                         |   isolated through a channel the API does not list)        |
 *
 * A device with no isolation action has no row: `not_isolated` is implied once a sweep of the tenant has
 * completed, `unknown` before that.
 */
import type { Kysely, Selectable } from 'kysely';
import { appendEvents, type NewEvent } from '../events/append-event.js';
import type { Database, IsolationStateName, MachineActionTable } from '../store/schema.js';
import { lastSucceededRun } from './run-recorder.js';
import { chunks } from './sync-context.js';

export const ISOLATION_TYPES = ['Isolate', 'Unisolate'] as const;

export type IsolationAction = Pick<
  Selectable<MachineActionTable>,
  'id' | 'type' | 'status' | 'requestor' | 'creation_time' | 'last_update_time'
>;

export interface DerivedIsolation {
  state: IsolationStateName;
  /** The action that explains the state (for a fallback, the earlier succeeded one). */
  action: IsolationAction;
}

const IN_FLIGHT = new Set(['Pending', 'InProgress']);

export function deriveIsolationState(actions: readonly IsolationAction[]): DerivedIsolation | null {
  const ordered = [...actions]
    .filter((a) => a.type === 'Isolate' || a.type === 'Unisolate')
    .sort(
      (a, b) =>
        cmp(b.creation_time, a.creation_time) ||
        cmp(b.last_update_time, a.last_update_time) ||
        cmp(b.id, a.id),
    );
  const newest = ordered[0];
  if (!newest) return null;
  const isolate = newest.type === 'Isolate';
  if (IN_FLIGHT.has(newest.status)) return { state: isolate ? 'isolating' : 'releasing', action: newest };
  if (newest.status === 'Succeeded') return { state: isolate ? 'isolated' : 'not_isolated', action: newest };
  const success = ordered.find((a) => a.status === 'Succeeded');
  if (success) return { state: success.type === 'Isolate' ? 'isolated' : 'not_isolated', action: success };
  if (!isolate) return { state: 'isolated', action: newest };
  return { state: newest.status === 'Cancelled' ? 'not_isolated' : 'failed', action: newest };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Re-derives the stored state of these machines from their stored actions (call in the sweep's transaction).
 * A state that differs from the stored one (a device without a row counts as `not_isolated`) is announced
 * as `isolation.changed` in the same transaction, unless `announce` is false (a tenant's first sweep).
 */
export async function recomputeIsolationStates(
  db: Kysely<Database>,
  tenant: string,
  machineIds: string[],
  announce = true,
) {
  const now = new Date().toISOString();
  for (const ids of chunks(machineIds)) {
    const before = new Map<string, IsolationStateName>();
    if (announce) {
      const stored = await db
        .selectFrom('isolation_states')
        .select(['machine_id', 'state'])
        .where('tenant', '=', tenant)
        .where('machine_id', 'in', ids)
        .execute();
      for (const r of stored) before.set(r.machine_id, r.state);
    }
    const actions = await db
      .selectFrom('machine_actions')
      .select(['id', 'machine_id', 'type', 'status', 'requestor', 'creation_time', 'last_update_time'])
      .where('tenant', '=', tenant)
      .where('machine_id', 'in', ids)
      .where('type', 'in', ISOLATION_TYPES)
      .execute();
    const byMachine = new Map<string, IsolationAction[]>();
    for (const a of actions) byMachine.set(a.machine_id!, [...(byMachine.get(a.machine_id!) ?? []), a]);
    const rows = [...byMachine].flatMap(([machine_id, list]) => {
      const derived = deriveIsolationState(list);
      if (!derived) return [];
      return [
        {
          tenant,
          machine_id,
          state: derived.state,
          action_id: derived.action.id,
          action_type: derived.action.type,
          requestor: derived.action.requestor,
          changed_at: derived.action.last_update_time,
          updated_at: now,
        },
      ];
    });
    if (rows.length === 0) continue;
    const events: NewEvent[] = announce
      ? rows
          .filter((r) => r.state !== (before.get(r.machine_id) ?? 'not_isolated'))
          .map((r) => ({
            tenant,
            type: 'isolation.changed',
            subject: r.machine_id,
            data: {
              previous: before.get(r.machine_id) ?? 'not_isolated',
              state: r.state,
              actionId: r.action_id,
              actionType: r.action_type,
              requestor: r.requestor,
              changedAt: r.changed_at,
            },
          }))
      : [];
    await db
      .insertInto('isolation_states')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['tenant', 'machine_id']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          action_id: eb.ref('excluded.action_id'),
          action_type: eb.ref('excluded.action_type'),
          requestor: eb.ref('excluded.requestor'),
          changed_at: eb.ref('excluded.changed_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    await appendEvents(db, events);
  }
}

/**
 * The isolation state of each device asked for: its stored row, else `not_isolated` when a machine-action
 * sweep of the tenant has completed, else `unknown` (nothing is known yet).
 */
export async function isolationStatesOf(
  db: Kysely<Database>,
  tenant: string,
  machineIds: string[],
): Promise<Map<string, IsolationStateName>> {
  const swept = (await lastSucceededRun(db, tenant, 'actions')) !== undefined;
  const states = new Map<string, IsolationStateName>(
    machineIds.map((id) => [id, swept ? 'not_isolated' : 'unknown']),
  );
  for (const ids of chunks(machineIds)) {
    const rows = await db
      .selectFrom('isolation_states')
      .select(['machine_id', 'state'])
      .where('tenant', '=', tenant)
      .where('machine_id', 'in', ids)
      .execute();
    for (const r of rows) states.set(r.machine_id, r.state);
  }
  return states;
}

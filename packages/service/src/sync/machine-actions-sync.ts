/**
 * Machine actions: one `/machineactions` sweep per run (`lastUpdateDateTimeUtc ge <cursor − overlap>`, in
 * that order), upserted, then the isolation state of every machine the page touched re-derived in the same
 * transaction (isolation-state.ts). The emulator accepts `lastUpdateDateTimeUtc` in `$filter` for sweeps.
 */
import type { MachineAction } from '@mde-bridge/client';
import type { Insertable, Kysely } from 'kysely';
import { type Database, isoMs, type MachineActionTable } from '../store/schema.js';
import { walkInChangeOrder } from './change-order-walk.js';
import { readCursor } from './cursors.js';
import { ISOLATION_TYPES, recomputeIsolationStates } from './isolation-state.js';
import { keepNewer } from './keep-newer.js';
import { lastSucceededRun, type RunCounters, recordRun } from './run-recorder.js';
import { chunks, type ResourceResult, type SyncContext, shiftIso } from './sync-context.js';

export const ACTIONS_OVERLAP_MS = 5 * 60_000;

export async function syncMachineActions(ctx: SyncContext): Promise<ResourceResult> {
  const startCursor = await readCursor(ctx.store.db, ctx.tenant, 'actions');
  const mode = startCursor === undefined || ctx.mode === 'full' ? 'full' : 'delta';
  // A tenant's first sweep reads its whole history: no `isolation.changed` events for that (an empty sweep
  // leaves no cursor, so "first" is "no sweep has succeeded yet", not "no cursor").
  const announce = (await lastSucceededRun(ctx.store.db, ctx.tenant, 'actions')) !== undefined;
  return recordRun(ctx, 'actions', mode, async (run) => {
    run.created = 0;
    run.updated = 0;
    await walkInChangeOrder(ctx, run, {
      resource: 'actions',
      listFrom: (cursor) =>
        ctx.client.listMachineActions({
          filter: cursor ? `lastUpdateDateTimeUtc ge ${shiftIso(cursor, -ACTIONS_OVERLAP_MS)}` : undefined,
          orderby: 'lastUpdateDateTimeUtc asc',
          priority: 'polling',
        }),
      startCursor: mode === 'delta' ? startCursor : undefined,
      changedAt: (a) => changedAt(a),
      apply: async (db, items, counters) => {
        await upsertActions(db, ctx.tenant, items, counters);
        const isolation = items.filter(
          (a) => a.machineId && (ISOLATION_TYPES as readonly string[]).includes(a.type),
        );
        await recomputeIsolationStates(
          db,
          ctx.tenant,
          [...new Set(isolation.map((a) => a.machineId!))],
          announce,
        );
      },
    });
  });
}

function changedAt(a: MachineAction): string {
  return isoMs(a.lastUpdateDateTimeUtc) ?? isoMs(a.creationDateTimeUtc) ?? new Date().toISOString();
}

function actionRow(tenant: string, a: MachineAction, now: string): Insertable<MachineActionTable> {
  return {
    tenant,
    id: a.id,
    machine_id: a.machineId ?? null,
    type: a.type,
    status: a.status,
    requestor: a.requestor ?? null,
    requestor_comment: a.requestorComment ?? null,
    scope: a.scope ?? null,
    creation_time: isoMs(a.creationDateTimeUtc) ?? changedAt(a),
    last_update_time: changedAt(a),
    raw: JSON.stringify(a),
    synced_at: now,
  };
}

async function upsertActions(db: Kysely<Database>, tenant: string, items: MachineAction[], run: RunCounters) {
  const now = new Date().toISOString();
  const rows = await keepNewer(
    db,
    'machine_actions',
    tenant,
    items.map((a) => actionRow(tenant, a, now)),
    run,
  );
  for (const batch of chunks(rows)) {
    await db
      .insertInto('machine_actions')
      .values(batch)
      .onConflict((oc) =>
        oc
          .columns(['tenant', 'id'])
          .doUpdateSet((eb) => ({
            machine_id: eb.ref('excluded.machine_id'),
            status: eb.ref('excluded.status'),
            requestor: eb.ref('excluded.requestor'),
            requestor_comment: eb.ref('excluded.requestor_comment'),
            scope: eb.ref('excluded.scope'),
            last_update_time: eb.ref('excluded.last_update_time'),
            raw: eb.ref('excluded.raw'),
            synced_at: eb.ref('excluded.synced_at'),
          }))
          .where(({ eb, ref }) =>
            eb(ref('excluded.last_update_time'), '>', ref('machine_actions.last_update_time')),
          ),
      )
      .execute();
  }
  run.upserted += rows.length;
}

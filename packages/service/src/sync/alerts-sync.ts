/**
 * Alerts, exactly once (pitfalls "Alert polling: duplicates and misses"): a cursor on `lastUpdateTime` with
 * an overlap window, `ge` rather than `gt` (alerts share timestamps), `$skip` paging in `lastUpdateTime asc`
 * order, de-duplication on (id, lastUpdateTime), and the cursor committed with the page it covers.
 */
import type { Alert } from '@mde-bridge/client';
import { type Insertable, type Kysely, sql } from 'kysely';
import { appendEvents, type NewEvent } from '../events/append-event.js';
import { type AlertTable, type Database, isoMs } from '../store/schema.js';
import { walkInChangeOrder } from './change-order-walk.js';
import { readCursor } from './cursors.js';
import { keepNewer } from './keep-newer.js';
import { lastSucceededRun, type RunCounters, recordRun } from './run-recorder.js';
import { chunks, type ResourceResult, type SyncContext, shiftIso } from './sync-context.js';

/** Re-read before the cursor: an alert can become visible a little after the time it carries. */
export const ALERTS_OVERLAP_MS = 5 * 60_000;

export async function syncAlerts(ctx: SyncContext): Promise<ResourceResult> {
  const startCursor = await readCursor(ctx.store.db, ctx.tenant, 'alerts');
  const mode = startCursor === undefined || ctx.mode === 'full' ? 'full' : 'delta';
  // A tenant's first sync reads its whole alert history: no `alert.raised` / `alert.updated` for that
  // (it would flood webhook receivers); only changes after a succeeded sweep are announced.
  const announce = (await lastSucceededRun(ctx.store.db, ctx.tenant, 'alerts')) !== undefined;
  return recordRun(ctx, 'alerts', mode, async (run) => {
    run.created = 0;
    run.updated = 0;
    await walkInChangeOrder(ctx, run, {
      resource: 'alerts',
      listFrom: (cursor) =>
        ctx.client.listAlerts({
          filter: cursor ? `lastUpdateTime ge ${shiftIso(cursor, -ALERTS_OVERLAP_MS)}` : undefined,
          orderby: 'lastUpdateTime asc',
          expandEvidence: true,
        }),
      startCursor: mode === 'delta' ? startCursor : undefined,
      changedAt: (a) => changedAt(a),
      apply: (db, items, counters) => upsertAlerts(db, ctx.tenant, items, counters, announce),
    });
  });
}

function changedAt(a: Alert): string {
  return isoMs(a.lastUpdateTime) ?? isoMs(a.alertCreationTime) ?? new Date().toISOString();
}

function alertRow(tenant: string, a: Alert, now: string): Insertable<AlertTable> {
  return {
    tenant,
    id: a.id,
    machine_id: a.machineId ?? null,
    title: a.title ?? null,
    severity: a.severity ?? null,
    status: a.status ?? null,
    category: a.category ?? null,
    detection_source: a.detectionSource ?? null,
    alert_creation_time: isoMs(a.alertCreationTime),
    last_update_time: changedAt(a),
    resolved_time: isoMs(a.resolvedTime),
    raw: JSON.stringify(a),
    first_synced_at: now,
    synced_at: now,
    versions: 1,
  };
}

const REFRESHED = [
  'machine_id',
  'title',
  'severity',
  'status',
  'category',
  'detection_source',
  'alert_creation_time',
  'last_update_time',
  'resolved_time',
  'raw',
  'synced_at',
] as const satisfies readonly (keyof AlertTable)[];

/**
 * New alerts are inserted, newer versions of stored ones overwrite them (`versions` + 1). A row read again
 * with the `lastUpdateTime` already stored — the overlap window, a restarted page — is not an update, and
 * an older one (a stale read) never overwrites a newer one.
 */
async function upsertAlerts(
  db: Kysely<Database>,
  tenant: string,
  items: Alert[],
  run: RunCounters,
  announce: boolean,
) {
  const now = new Date().toISOString();
  const events: NewEvent[] = [];
  const rows = await keepNewer(
    db,
    'alerts',
    tenant,
    items.map((a) => alertRow(tenant, a, now)),
    run,
    announce
      ? (row, kind) =>
          events.push({
            tenant,
            type: kind === 'created' ? 'alert.raised' : 'alert.updated',
            subject: row.id,
            data: alertEventData(row),
          })
      : undefined,
  );
  for (const batch of chunks(rows)) {
    await db
      .insertInto('alerts')
      .values(batch)
      .onConflict((oc) =>
        oc
          .columns(['tenant', 'id'])
          .doUpdateSet((eb) => ({
            ...Object.fromEntries(REFRESHED.map((c) => [c, eb.ref(`excluded.${c}`)])),
            versions: sql`alerts.versions + 1`,
          }))
          .where(({ eb, ref }) => eb(ref('excluded.last_update_time'), '>', ref('alerts.last_update_time'))),
      )
      .execute();
  }
  await appendEvents(db, events);
  run.upserted += rows.length;
}

function alertEventData(row: Insertable<AlertTable>): Record<string, unknown> {
  return {
    machineId: row.machine_id ?? null,
    title: row.title ?? null,
    severity: row.severity ?? null,
    status: row.status ?? null,
    category: row.category ?? null,
    detectionSource: row.detection_source ?? null,
    alertCreationTime: row.alert_creation_time ?? null,
    lastUpdateTime: row.last_update_time,
  };
}

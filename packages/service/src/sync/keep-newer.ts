import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { RunCounters } from './run-recorder.js';
import { chunks } from './sync-context.js';

/**
 * The rows of a page that change the replica: new ids (counted `created`) and newer versions of stored
 * ones (counted `updated`). A row read again with the change time already stored — the overlap window, a
 * restarted page — or an older one (a stale read) is dropped. Shared by every change-ordered resource.
 */
export async function keepNewer<R extends { id: string; last_update_time: string }>(
  db: Kysely<Database>,
  table: 'alerts' | 'machine_actions',
  tenant: string,
  rows: R[],
  run: RunCounters,
  /** Told which kept rows are new and which are newer versions (the alert events are built from it). */
  onKept?: (row: R, kind: 'created' | 'updated') => void,
): Promise<R[]> {
  const stored = new Map<string, string>();
  for (const ids of chunks(rows.map((r) => r.id))) {
    const found = await db
      .selectFrom(table as 'alerts')
      .select(['id', 'last_update_time'])
      .where('tenant', '=', tenant)
      .where('id', 'in', ids)
      .execute();
    for (const r of found) stored.set(r.id, r.last_update_time);
  }
  return rows.filter((row) => {
    const known = stored.get(row.id);
    if (known === undefined) run.created! += 1;
    else if (row.last_update_time > known) run.updated! += 1;
    else return false;
    onKept?.(row, known === undefined ? 'created' : 'updated');
    return true;
  });
}

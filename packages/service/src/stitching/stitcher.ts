/**
 * The background stitcher (issue 8, C12): every ~10 s, the detections waiting for stitching — of tenants
 * whose `settings.stitching.auto` is not false — are stitched in batches (stitch-detections.ts), oldest first.
 * At start, detections left `running` by a stopped bridge go back to waiting. The waiting detections are rows
 * in the store, so a restart loses nothing.
 */
import type { Kysely } from 'kysely';
import { type PeriodicLoopOptions, type PeriodicTask, startPeriodicTask } from '../jobs/periodic-task.js';
import type { Database } from '../store/schema.js';
import { type StitchDeps, stitchDetections } from './stitch-detections.js';

export const STITCH_INTERVAL_MS = 10_000;
export const DEFAULT_BATCH_SIZE = 50;

/** `started` settles when the first tick (the one at start) has finished; `stop()` waits for a tick in progress. */
export interface Stitcher extends PeriodicTask<number> {
  /** One pass now (every waiting batch); returns how many detections it settled. */
  tick(): Promise<number>;
}

export interface StitcherOptions extends StitchDeps, PeriodicLoopOptions {
  /** Detections per batch (one network query per tenant in the batch); default 50. */
  batchSize?: number;
}

/** Whether a tenant's settings ask for automatic stitching (`settings.stitching.auto`, default true). */
export function autoStitch(settings: string | null | undefined): boolean {
  try {
    const parsed = JSON.parse(settings || '{}') as { stitching?: { auto?: unknown } } | null;
    return parsed?.stitching?.auto !== false;
  } catch {
    return true;
  }
}

/** IDs of waiting detections of tenants with automatic stitching, oldest first. */
export async function waitingDetections(db: Kysely<Database>, limit: number): Promise<string[]> {
  const tenants = await db.selectFrom('tenants').select(['id', 'settings']).execute();
  const auto = tenants.filter((t) => autoStitch(t.settings)).map((t) => t.id);
  if (auto.length === 0) return [];
  const rows = await db
    .selectFrom('detections')
    .select('id')
    .where('stitch_state', '=', 'waiting')
    .where('tenant', 'in', auto)
    .orderBy('detected_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export function startStitcher(options: StitcherOptions): Stitcher {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const intervalMs = options.intervalMs ?? STITCH_INTERVAL_MS;

  const pass = async (stopping: AbortSignal): Promise<number> => {
    let settled = 0;
    const seen = new Set<string>();
    while (!stopping.aborted) {
      const ids = (await waitingDetections(options.store.db, batchSize)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      for (const id of ids) seen.add(id);
      const report = await stitchDetections(options, ids);
      const back = report.outcomes.filter((o) => o.state === 'waiting');
      settled += report.outcomes.length - back.length;
      // A spent quota or a failing tenant: try again on a later tick, not in a tight loop.
      if (back.length > 0) {
        options.logger?.warn(
          { detections: back.length, error: back[0].error },
          'stitching postponed; retrying on a later tick',
        );
        break;
      }
    }
    return settled;
  };

  // At start, detections a stopped bridge left `running` go back to waiting.
  const beforeStart = () =>
    options.store.db
      .updateTable('detections')
      .set({ stitch_state: 'waiting' })
      .where('stitch_state', '=', 'running')
      .execute();

  return startPeriodicTask({
    ...options,
    name: 'stitcher',
    intervalMs,
    tick: pass,
    fallback: 0,
    beforeStart,
  });
}

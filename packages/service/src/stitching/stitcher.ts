/**
 * The background stitcher (issue 8, C12): every ~10 s, the detections waiting for stitching — of tenants
 * whose `settings.stitching.auto` is not false — are stitched in batches (stitch-detections.ts), oldest first.
 * At start, detections left `running` by a stopped bridge go back to waiting. The waiting detections are rows
 * in the store, so a restart loses nothing.
 */
import type { Logger } from '@mde-bridge/client';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type StitchDeps, stitchDetections } from './stitch-detections.js';

export const STITCH_INTERVAL_MS = 10_000;
export const DEFAULT_BATCH_SIZE = 50;

export interface Stitcher {
  /** Settles when the first tick (the one at start) has finished. */
  readonly started: Promise<void>;
  /** One pass now (every waiting batch); returns how many detections it settled. */
  tick(): Promise<number>;
  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void>;
}

export interface StitcherOptions extends StitchDeps {
  /** Detections per batch (one network query per tenant in the batch); default 50. */
  batchSize?: number;
  intervalMs?: number;
  logger?: Pick<Logger, 'error' | 'warn'>;
  /** Injectable timers (tests). */
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
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
  let running: Promise<number> | null = null;
  let stopped = false;

  const pass = async (): Promise<number> => {
    let settled = 0;
    const seen = new Set<string>();
    while (!stopped) {
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

  const tick = (): Promise<number> => {
    if (running) return running;
    running = pass()
      .catch((err: unknown) => {
        options.logger?.error({ err }, 'stitcher pass failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const set = options.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
  const clear = options.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  const started = options.store.db
    .updateTable('detections')
    .set({ stitch_state: 'waiting' })
    .where('stitch_state', '=', 'running')
    .execute()
    .then(() => tick())
    .then(
      () => undefined,
      (err: unknown) => options.logger?.error({ err }, 'stitcher start failed'),
    );
  const handle = set(() => void tick(), options.intervalMs ?? STITCH_INTERVAL_MS);
  return {
    started,
    tick,
    async stop() {
      stopped = true;
      clear(handle);
      await started;
      if (running) await running;
    },
  };
}

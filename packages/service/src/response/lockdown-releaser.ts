/**
 * Releases lockdowns whose time is up: at start (a lockdown that ended while the bridge was down is released
 * at once and audited as late) and every 15 s. A release that fails is retried on the next tick. The due
 * lockdowns are rows in the store, so a restart loses nothing.
 */
import type { Kysely } from 'kysely';
import { type PeriodicLoopOptions, type PeriodicTask, startPeriodicTask } from '../jobs/periodic-task.js';
import type { Database } from '../store/schema.js';
import { LATE_AFTER_MS, type LockdownRow, releaseLockdown } from './lockdown.js';
import type { ResponseDeps } from './request-action.js';

export const RELEASE_INTERVAL_MS = 15_000;

/** `started` settles when the first tick (the one at start) has finished; `stop()` waits for a tick in progress. */
export interface LockdownReleaser extends PeriodicTask<number> {
  /** One pass now; returns how many lockdowns it released. */
  tick(): Promise<number>;
}

export interface LockdownReleaserOptions extends ResponseDeps, PeriodicLoopOptions {}

/** Lockdowns due for release: time is up and not released yet, or their release failed. */
export async function dueLockdowns(db: Kysely<Database>, now: Date): Promise<LockdownRow[]> {
  const at = now.toISOString();
  const due = await db
    .selectFrom('lockdowns')
    .selectAll()
    .where('state', 'in', ['locking', 'active'])
    .where('ends_at', '<=', at)
    .orderBy('ends_at')
    .execute();
  const retry = await db
    .selectFrom('lockdowns as l')
    .leftJoin('response_requests as r', 'r.id', 'l.release_request_id')
    .selectAll('l')
    .where('l.state', '=', 'releasing')
    .where((eb) =>
      eb.or([eb('l.release_request_id', 'is', null), eb('r.state', 'in', ['failed', 'cancelled'])]),
    )
    .orderBy('l.ends_at')
    .execute();
  return [...due, ...retry];
}

export function startLockdownReleaser(options: LockdownReleaserOptions): LockdownReleaser {
  const now = () => options.now?.() ?? new Date();
  const intervalMs = options.intervalMs ?? RELEASE_INTERVAL_MS;

  const pass = async (stopping: AbortSignal): Promise<number> => {
    let released = 0;
    for (const row of await dueLockdowns(options.store.db, now())) {
      if (stopping.aborted) break;
      const at = now();
      const late = at.getTime() - Date.parse(row.ends_at) > LATE_AFTER_MS;
      try {
        await releaseLockdown(
          options,
          row,
          { actorKind: 'system', actor: 'lockdown-releaser', ip: null },
          `lockdown ended (locked by ${row.locked_by} until ${row.ends_at}: ${row.comment})`.slice(0, 1000),
          late || Number(row.released_late) === 1,
        );
        released++;
      } catch (err) {
        options.logger?.warn(
          { err, lockdown: row.id, tenant: row.tenant, device: row.device_id },
          'lockdown release failed; retrying on the next tick',
        );
      }
    }
    return released;
  };

  return startPeriodicTask({ ...options, name: 'lockdown releaser', intervalMs, tick: pass, fallback: 0 });
}

/**
 * Releases lockdowns whose time is up: at start (a lockdown that ended while the bridge was down is released
 * at once and audited as late) and every 15 s. A release that fails is retried on the next tick. The due
 * lockdowns are rows in the store, so a restart loses nothing.
 */
import type { Logger } from '@mde-bridge/client';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { LATE_AFTER_MS, type LockdownRow, releaseLockdown } from './lockdown.js';
import type { ResponseDeps } from './request-action.js';

export const RELEASE_INTERVAL_MS = 15_000;

export interface LockdownReleaser {
  /** Settles when the first tick (the one at start) has finished. */
  readonly started: Promise<void>;
  /** One pass now; returns how many lockdowns it released. */
  tick(): Promise<number>;
  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void>;
}

export interface LockdownReleaserOptions extends ResponseDeps {
  intervalMs?: number;
  logger?: Pick<Logger, 'error' | 'warn'>;
  /** Injectable timers (tests). */
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

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
  let running: Promise<number> | null = null;
  let stopped = false;

  const pass = async (): Promise<number> => {
    let released = 0;
    for (const row of await dueLockdowns(options.store.db, now())) {
      if (stopped) break;
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

  const tick = (): Promise<number> => {
    if (running) return running;
    running = pass()
      .catch((err: unknown) => {
        options.logger?.error({ err }, 'lockdown releaser pass failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const set = options.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
  const clear = options.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  const started = tick().then(() => undefined);
  const handle = set(() => void tick(), options.intervalMs ?? RELEASE_INTERVAL_MS);
  return {
    started,
    tick,
    async stop() {
      stopped = true;
      clear(handle);
      if (running) await running;
    },
  };
}

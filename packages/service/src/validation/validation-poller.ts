/**
 * Polls running validations: a tick at start (validations that were polling while the bridge was down go on
 * where they stopped — their state is rows in the store) and every 30 s; each tick polls every validation
 * whose `next_poll_at` is due (validation-poll.ts decides detected / missed / keep polling).
 */
import { type PeriodicLoopOptions, type PeriodicTask, startPeriodicTask } from '../jobs/periodic-task.js';
import {
  dueValidations,
  POLL_INTERVAL_MS,
  pollValidation,
  type ValidationPollDeps,
} from './validation-poll.js';

/** `started` settles when the first tick has finished; `stop()` waits for a tick in progress. */
export interface ValidationPoller extends PeriodicTask<number> {
  /** One pass now; returns how many validations it polled. */
  tick(): Promise<number>;
}

export interface ValidationPollerOptions extends ValidationPollDeps, PeriodicLoopOptions {}

export function startValidationPoller(options: ValidationPollerOptions): ValidationPoller {
  const now = () => options.now?.() ?? new Date();
  const intervalMs = options.intervalMs ?? POLL_INTERVAL_MS;

  const pass = async (stopping: AbortSignal): Promise<number> => {
    let polled = 0;
    for (const row of await dueValidations(options.store.db, now())) {
      if (stopping.aborted) break;
      try {
        if (await pollValidation(options, row.id)) polled++;
      } catch (err) {
        options.logger?.warn({ err, validation: row.id, tenant: row.tenant }, 'validation poll failed');
      }
    }
    return polled;
  };

  return startPeriodicTask({ ...options, name: 'validation poller', intervalMs, tick: pass, fallback: 0 });
}

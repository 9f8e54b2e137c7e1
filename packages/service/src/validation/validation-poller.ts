/**
 * Polls running validations: a tick at start (validations that were polling while the bridge was down go on
 * where they stopped — their state is rows in the store) and every 30 s; each tick polls every validation
 * whose `next_poll_at` is due (validation-poll.ts decides detected / missed / keep polling).
 */
import type { Logger } from '@mde-bridge/client';
import {
  dueValidations,
  POLL_INTERVAL_MS,
  pollValidation,
  type ValidationPollDeps,
} from './validation-poll.js';

export interface ValidationPoller {
  /** Settles when the first tick has finished. */
  readonly started: Promise<void>;
  /** One pass now; returns how many validations it polled. */
  tick(): Promise<number>;
  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void>;
}

export interface ValidationPollerOptions extends ValidationPollDeps {
  logger?: Pick<Logger, 'error' | 'warn'>;
  /** Injectable timers (tests). */
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

export function startValidationPoller(options: ValidationPollerOptions): ValidationPoller {
  const now = () => options.now?.() ?? new Date();
  let running: Promise<number> | null = null;
  let stopped = false;

  const pass = async (): Promise<number> => {
    let polled = 0;
    for (const row of await dueValidations(options.store.db, now())) {
      if (stopped) break;
      try {
        if (await pollValidation(options, row.id)) polled++;
      } catch (err) {
        options.logger?.warn({ err, validation: row.id, tenant: row.tenant }, 'validation poll failed');
      }
    }
    return polled;
  };

  const tick = (): Promise<number> => {
    if (running) return running;
    running = pass()
      .catch((err: unknown) => {
        options.logger?.error({ err }, 'validation poller pass failed');
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
  const handle = set(() => void tick(), options.intervalMs ?? POLL_INTERVAL_MS);
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

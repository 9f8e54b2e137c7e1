/**
 * A background loop of the service (lockdown releaser, response maintenance, stitcher, validation poller): one
 * pass at start and every `intervalMs`. A pass asked for while one runs joins it (one pass at a time); a pass
 * that throws is logged and counts as `fallback`, and the next tick tries again. `stop()` stops ticking and
 * waits for the pass in progress; a pass sees `signal.aborted` once stop was asked, to end early.
 */
import type { Logger } from '@mde-bridge/client';

export interface PeriodicTask<T> {
  /** Settles when the start (`beforeStart`, then the first pass) has finished; never rejects. */
  readonly started: Promise<void>;
  /** One pass now, or the one already running. */
  tick(): Promise<T>;
  /** Stops ticking and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** The options a loop built on a periodic task takes from its caller: its interval, logger and timers. */
export interface PeriodicLoopOptions {
  intervalMs?: number;
  logger?: Pick<Logger, 'error' | 'warn'>;
  /** Injectable timers (tests). */
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

export interface PeriodicTaskOptions<T> extends Pick<PeriodicLoopOptions, 'setInterval' | 'clearInterval'> {
  /** Names the task in log messages ("<name> pass failed"). */
  name: string;
  intervalMs: number;
  /** One pass; `signal` is aborted once `stop()` was called. */
  tick: (signal: AbortSignal) => Promise<T>;
  /** What a pass that threw returns. */
  fallback: T;
  logger?: Pick<Logger, 'error'>;
  /** Whether the first pass runs at start (default true); else `started` settles at once (after `beforeStart`). */
  runAtStart?: boolean;
  /** Runs once before the first pass; when it throws, that is logged and the first pass is skipped. */
  beforeStart?: () => Promise<unknown>;
}

export function startPeriodicTask<T>(options: PeriodicTaskOptions<T>): PeriodicTask<T> {
  const stopping = new AbortController();
  let running: Promise<T> | null = null;

  const tick = (): Promise<T> => {
    if (running) return running;
    running = options
      .tick(stopping.signal)
      .catch((err: unknown) => {
        options.logger?.error({ err }, `${options.name} pass failed`);
        return options.fallback;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const first = async (): Promise<void> => {
    if (options.beforeStart) await options.beforeStart();
    if (options.runAtStart ?? true) await tick();
  };
  const started = first().catch((err: unknown) => {
    options.logger?.error({ err }, `${options.name} start failed`);
  });

  const set = options.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
  const clear = options.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  const handle = set(() => void tick(), options.intervalMs);
  return {
    started,
    tick,
    async stop() {
      stopping.abort();
      clear(handle);
      await started;
      if (running) await running;
    },
  };
}

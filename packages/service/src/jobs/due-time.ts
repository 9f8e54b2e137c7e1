import type { RunSummary } from '../sync/tenant-sync-status.js';

/** Runs land up to 10% either side of their interval, so tenants and resources drift apart over time. */
const JITTER = 0.1;
/** Overdue resources are spread over the first minute after start rather than all sent at once. */
export const START_SPREAD_MS = 60_000;
/** A failed resource is retried after 30 s, then 1 min, 2 min …, never later than its interval. */
export const RETRY_BASE_MS = 30_000;

/** `ms` moved by up to ±10%; `random` returns [0, 1) (0.5: no jitter). */
export function jittered(ms: number, random: () => number): number {
  return Math.round(ms * (1 + JITTER * (2 * random() - 1)));
}

/**
 * When a resource is first due after the scheduler starts (or picks a tenant up): one interval after its
 * last run ended (a retry delay after a failed or interrupted one); when that is past, somewhere in the first
 * minute. A tenant never synced at all runs at once: there is nothing to show until it has.
 */
export function firstDueAt(options: {
  now: number;
  intervalMs: number;
  lastRun: RunSummary | null;
  neverSynced: boolean;
  random: () => number;
}): number {
  const { now, intervalMs, lastRun, random } = options;
  if (options.neverSynced) return now;
  const spread = now + Math.floor(random() * START_SPREAD_MS);
  if (!lastRun) return spread;
  const ended = Date.parse(lastRun.finishedAt ?? lastRun.startedAt);
  const delay = lastRun.status === 'succeeded' ? intervalMs : Math.min(intervalMs, RETRY_BASE_MS);
  const due = ended + jittered(delay, random);
  return due <= now ? spread : due;
}

/** When a resource that just finished runs again, after `failures` consecutive failures (0: it succeeded). */
export function nextDueAt(options: {
  now: number;
  intervalMs: number;
  failures: number;
  random: () => number;
}): number {
  const { now, intervalMs, failures, random } = options;
  const delay = failures === 0 ? intervalMs : Math.min(intervalMs, RETRY_BASE_MS * 2 ** (failures - 1));
  return now + jittered(delay, random);
}

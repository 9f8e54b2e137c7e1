import type { BucketState, BucketStore, TakeResult } from './bucket-store.js';
import type { FamilyLimit } from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

interface Log {
  /** Grant times of the last hour, oldest first (at most `perHour` entries). */
  grants: number[];
  pausedUntilMs: number;
  /** After a 429 pause, one call may go at the end of the pause whatever the log says (the retry). */
  retryAllowed: boolean;
  limit: FamilyLimit | null;
}

/**
 * A store that counts grants the way Defender counts calls: over a sliding minute and a sliding hour.
 * A token bucket that starts full lets `2 × perMinute` calls through in the first minute after an idle
 * spell and earns a 429; counting the real window never does, and still allows the full published rate.
 * This is the governor's default store.
 */
export class SlidingWindowStore implements BucketStore {
  private readonly logs = new Map<string, Log>();

  take(key: string, nowMs: number, limit: FamilyLimit | null): TakeResult {
    const log = this.log(key, limit);
    if (log.pausedUntilMs > nowMs) return { granted: false, waitMs: Math.max(1, log.pausedUntilMs - nowMs) };
    if (log.retryAllowed) {
      log.retryAllowed = false;
      log.grants.push(nowMs);
      return { granted: true, waitMs: 0 };
    }
    if (limit === null) return { granted: true, waitMs: 0 };
    prune(log.grants, nowMs - HOUR_MS);
    const perMinute = Math.max(1, Math.floor(limit.perMinute));
    const perHour = Math.max(1, Math.floor(limit.perHour));
    const inMinute = countSince(log.grants, nowMs - MINUTE_MS);
    let waitMs = 0;
    if (inMinute >= perMinute) waitMs = log.grants[log.grants.length - perMinute] + MINUTE_MS - nowMs;
    if (log.grants.length >= perHour)
      waitMs = Math.max(waitMs, log.grants[log.grants.length - perHour] + HOUR_MS - nowMs);
    if (waitMs > 0) return { granted: false, waitMs: Math.max(1, Math.ceil(waitMs)) };
    log.grants.push(nowMs);
    return { granted: true, waitMs: 0 };
  }

  pause(key: string, _nowMs: number, untilMs: number, limit: FamilyLimit | null): void {
    const log = this.log(key, limit);
    if (untilMs > log.pausedUntilMs) log.pausedUntilMs = untilMs;
    log.retryAllowed = true;
  }

  get(key: string): BucketState | undefined {
    const log = this.logs.get(key);
    if (!log) return undefined;
    const last = log.grants.at(-1) ?? 0;
    const limit = log.limit;
    return {
      tokensMinute: limit
        ? Math.max(0, limit.perMinute - countSince(log.grants, last - MINUTE_MS))
        : Number.POSITIVE_INFINITY,
      tokensHour: limit ? Math.max(0, limit.perHour - log.grants.length) : Number.POSITIVE_INFINITY,
      updatedAtMs: last,
      pausedUntilMs: log.pausedUntilMs,
    };
  }

  /** Only the pause can be set from outside; the counts are the log itself. */
  set(key: string, state: BucketState): void {
    this.log(key, null).pausedUntilMs = state.pausedUntilMs;
  }

  private log(key: string, limit: FamilyLimit | null): Log {
    let log = this.logs.get(key);
    if (!log) {
      log = { grants: [], pausedUntilMs: 0, retryAllowed: false, limit };
      this.logs.set(key, log);
    }
    if (limit) log.limit = limit;
    return log;
  }
}

function prune(sorted: number[], beforeMs: number): void {
  let n = 0;
  while (n < sorted.length && sorted[n] <= beforeMs) n++;
  if (n > 0) sorted.splice(0, n);
}

function countSince(sorted: number[], sinceMs: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= sinceMs) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

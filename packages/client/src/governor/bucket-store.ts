import type { FamilyLimit } from './types.js';

/**
 * Where the governor keeps its token buckets. Each key (tenant + client + family) has two buckets that
 * refill continuously: a minute bucket (capacity `perMinute`, refilling `perMinute` per 60 s) and an hour
 * bucket (capacity `perHour`, refilling `perHour` per 3,600 s). A call needs a token from both.
 *
 * The store, not the governor, does the arithmetic, because the operation that must be atomic is
 * "refill to now, then take one token or say how long until one is there". A shared store (several
 * bridge processes calling Defender with the same app + tenant) implements `take` and `pause` as one
 * statement each, so two processes can never spend the same token. On PostgreSQL, for example:
 *
 *   INSERT INTO governor_buckets AS b (key, tokens_minute, tokens_hour, updated_at_ms, paused_until_ms)
 *   VALUES ($key, $capMinute, $capHour, $now, 0) ON CONFLICT (key) DO NOTHING;
 *   UPDATE governor_buckets SET tokens_minute = <refilled minute> - 1, tokens_hour = <refilled hour> - 1,
 *          updated_at_ms = $now
 *    WHERE key = $key AND paused_until_ms <= $now AND <refilled minute> >= 1 AND <refilled hour> >= 1
 *   RETURNING true;            -- no row back: read the row and compute waitMs as `bucketWaitMs` does
 *
 * The governor only ever sees `{ granted, waitMs }`, so a store may also swap the algorithm (a sliding
 * log, say) without the governor changing. This interface is synchronous because the only store today is
 * in memory; a PostgreSQL store would make `take`/`pause` return promises, which the governor's per-key
 * pump (one sequential loop per key) can await without other changes.
 */
export interface BucketStore {
  /**
   * Refill the key's buckets to `nowMs` and take one token from each. `limit: null` means no buckets (the
   * family has no published limit): only a running pause can refuse. When refused, `waitMs` (≥ 1) is how
   * long until a token, or the end of the pause, is there; nothing is taken.
   */
  take(key: string, nowMs: number, limit: FamilyLimit | null): TakeResult;
  /**
   * The service answered 429: refuse every `take` until `untilMs` (never shortening a longer pause) and
   * empty the minute bucket, save the one token that lets the caller retry when `Retry-After` says so.
   */
  pause(key: string, nowMs: number, untilMs: number, limit: FamilyLimit | null): void;
  /** The key's state, for inspection and tests; `undefined` while the key has never been used (full buckets). */
  get(key: string): BucketState | undefined;
  set(key: string, state: BucketState): void;
}

export interface BucketState {
  tokensMinute: number;
  tokensHour: number;
  /** When the token counts above were last brought up to date. */
  updatedAtMs: number;
  /** 0 when not paused. The minute bucket starts refilling again only when the pause ends. */
  pausedUntilMs: number;
}

export interface TakeResult {
  granted: boolean;
  /** 0 when granted; otherwise ms until it is worth asking again. */
  waitMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Refill is float arithmetic: a token that is there "up to rounding" counts as there. */
const EPSILON = 1e-6;

/** Bucket sizes for a (possibly fractional, after a safety factor) limit: at least one token each. */
export function bucketCapacity(limit: FamilyLimit): { minute: number; hour: number } {
  return { minute: Math.max(1, Math.floor(limit.perMinute)), hour: Math.max(1, Math.floor(limit.perHour)) };
}

/** The state brought up to `nowMs` (no token taken). A key never seen starts with full buckets. */
export function refillBuckets(
  state: BucketState | undefined,
  nowMs: number,
  limit: FamilyLimit,
): BucketState {
  const cap = bucketCapacity(limit);
  if (state === undefined) {
    return { tokensMinute: cap.minute, tokensHour: cap.hour, updatedAtMs: nowMs, pausedUntilMs: 0 };
  }
  // Clocks can step back (another process's clock, a test); refill never goes negative.
  const hourElapsed = Math.max(0, nowMs - state.updatedAtMs);
  const minuteElapsed = Math.max(0, nowMs - Math.max(state.updatedAtMs, state.pausedUntilMs));
  return {
    tokensMinute: Math.min(cap.minute, state.tokensMinute + (minuteElapsed * limit.perMinute) / MINUTE_MS),
    tokensHour: Math.min(cap.hour, state.tokensHour + (hourElapsed * limit.perHour) / HOUR_MS),
    updatedAtMs: Math.max(nowMs, state.updatedAtMs),
    pausedUntilMs: state.pausedUntilMs,
  };
}

/** How long until both buckets hold a token (0 if they do now), for a state already refilled to `nowMs`. */
export function bucketWaitMs(state: BucketState, nowMs: number, limit: FamilyLimit): number {
  if (state.pausedUntilMs > nowMs) return state.pausedUntilMs - nowMs;
  const minuteShort = Math.max(0, 1 - EPSILON - state.tokensMinute);
  const hourShort = Math.max(0, 1 - EPSILON - state.tokensHour);
  if (minuteShort === 0 && hourShort === 0) return 0;
  // Refill resumes at `updatedAtMs`, which is ahead of `nowMs` when another clock wrote it last.
  const refillStartsInMs = Math.max(0, state.updatedAtMs - nowMs);
  const waitMs = Math.max((minuteShort * MINUTE_MS) / limit.perMinute, (hourShort * HOUR_MS) / limit.perHour);
  return Math.max(1, Math.ceil(refillStartsInMs + waitMs));
}

/** The in-memory store: one process, one map. */
export class MemoryBucketStore implements BucketStore {
  private readonly states = new Map<string, BucketState>();

  take(key: string, nowMs: number, limit: FamilyLimit | null): TakeResult {
    if (limit === null) {
      const pausedUntilMs = this.states.get(key)?.pausedUntilMs ?? 0;
      return pausedUntilMs > nowMs ? { granted: false, waitMs: pausedUntilMs - nowMs } : granted();
    }
    const state = refillBuckets(this.states.get(key), nowMs, limit);
    const waitMs = bucketWaitMs(state, nowMs, limit);
    if (waitMs === 0) {
      state.tokensMinute = Math.max(0, state.tokensMinute - 1);
      state.tokensHour = Math.max(0, state.tokensHour - 1);
    }
    this.states.set(key, state);
    return waitMs === 0 ? granted() : { granted: false, waitMs };
  }

  pause(key: string, nowMs: number, untilMs: number, limit: FamilyLimit | null): void {
    const current = this.states.get(key);
    const state: BucketState =
      limit === null
        ? (current ?? { tokensMinute: 0, tokensHour: 0, updatedAtMs: nowMs, pausedUntilMs: 0 })
        : refillBuckets(current, nowMs, limit);
    state.pausedUntilMs = Math.max(state.pausedUntilMs, untilMs);
    state.tokensMinute = 1;
    this.states.set(key, state);
  }

  get(key: string): BucketState | undefined {
    const state = this.states.get(key);
    return state && { ...state };
  }

  set(key: string, state: BucketState): void {
    this.states.set(key, { ...state });
  }
}

function granted(): TakeResult {
  return { granted: true, waitMs: 0 };
}

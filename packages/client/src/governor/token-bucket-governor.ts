import { realTimer } from '../pipeline/real-timer.js';
import type { Timer } from '../pipeline/types.js';
import type { BucketStore } from './bucket-store.js';
import { defaultFamilyLimits } from './family-limits.js';
import { SlidingWindowStore } from './sliding-window-store.js';
import {
  type ApiFamily,
  type FamilyLimit,
  type Governor,
  type GovernorKey,
  type GovernorStats,
  Priorities,
  type Priority,
} from './types.js';

export interface TokenBucketGovernorOptions {
  /** Overrides of `defaultFamilyLimits`, per family; `null` turns a family's buckets off. */
  limits?: Partial<Record<ApiFamily, FamilyLimit | null>>;
  timer?: Timer;
  /** Bucket state; in memory by default. Share one store between governors to share the budget. */
  store?: BucketStore;
  /** Fraction of each published limit to use (0 < f ≤ 1), headroom for other clients of the same app. Default 1. */
  safetyFactor?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  priority: Priority;
  enqueuedAtMs: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Granted or aborted; an aborted waiter stays in its queue until skipped (O(1) abort). */
  settled: boolean;
}

/** FIFO of waiters with a moving head, so 10,000 queued calls never cost an O(n) `shift`. */
class WaiterQueue {
  private items: Waiter[] = [];
  private head = 0;

  push(waiter: Waiter): void {
    this.items.push(waiter);
  }

  /** The oldest waiter not yet settled, removed from the queue. */
  shiftLive(): Waiter | undefined {
    while (this.head < this.items.length) {
      const waiter = this.items[this.head++];
      if (!waiter.settled) {
        this.compact();
        return waiter;
      }
    }
    this.clear();
    return undefined;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head === this.items.length) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** Everything the governor knows about one (tenant, client, family). */
interface Lane {
  storeKey: string;
  family: ApiFamily;
  limit: FamilyLimit | null;
  /** One queue per priority, highest first (index = rank in `Priorities`). */
  queues: WaiterQueue[];
  /** Live (unsettled) waiters across the queues. Invariant: `waiting > 0` exactly when `wakeId` is not 0. */
  waiting: number;
  /** Which sleep is the lane's one pending timer (0: none); a sleep that is no longer it does nothing. */
  wakeId: number;
  /** Cancels the pending sleep. Reused from one sleep to the next: a fresh AbortController per grant was the bench's top cost. */
  wakeCancel: AbortController | null;
}

const PRIORITY_RANK = new Map<Priority, number>(Priorities.map((p, i) => [p, i]));

/**
 * Client-side rate-limit governor (C4): two token buckets per (tenant, client, family) at Defender's
 * published limits, and one queue per key served in strict priority order, FIFO within a priority.
 * A caller is granted at once while nobody of its key is waiting and both buckets hold a token;
 * otherwise it queues, and one timer per key wakes when the next token is due and serves the
 * highest-priority waiter. So a `response` call behind 10,000 queued `bulk` calls waits at most one
 * token interval (600 ms at 100/min), unless a 429 pause is running.
 *
 * @example
 * const governor = new TokenBucketGovernor({ safetyFactor: 0.9 });
 * await governor.acquire({ tenantId, clientId, family: 'machines' }, 'bulk', signal);
 */
export class TokenBucketGovernor implements Governor {
  private readonly limits: Record<ApiFamily, FamilyLimit | null>;
  private readonly timer: Timer;
  private readonly store: BucketStore;
  private readonly lanes = new Map<string, Lane>();
  private lastWakeId = 0;
  private readonly counters: GovernorStats = {
    granted: {},
    waits: {},
    throttled: {},
    queued: { response: 0, lookup: 0, polling: 0, bulk: 0 },
  };

  constructor(options: TokenBucketGovernorOptions = {}) {
    const safetyFactor = options.safetyFactor ?? 1;
    if (!(safetyFactor > 0 && safetyFactor <= 1)) {
      throw new RangeError(`safetyFactor must be in (0, 1], got ${safetyFactor}`);
    }
    const limits = { ...defaultFamilyLimits };
    for (const [family, limit] of Object.entries(options.limits ?? {}) as [ApiFamily, FamilyLimit | null][]) {
      if (limit === undefined) continue;
      if (limit !== null && !(isPositive(limit.perMinute) && isPositive(limit.perHour))) {
        throw new RangeError(`limit for ${family} must have positive perMinute and perHour`);
      }
      limits[family] = limit;
    }
    this.limits = Object.fromEntries(
      Object.entries(limits).map(([family, limit]) => [
        family,
        limit && { perMinute: limit.perMinute * safetyFactor, perHour: limit.perHour * safetyFactor },
      ]),
    ) as Record<ApiFamily, FamilyLimit | null>;
    this.timer = options.timer ?? realTimer;
    // Default: count like Defender does (sliding windows); MemoryBucketStore keeps classic token buckets.
    this.store = options.store ?? new SlidingWindowStore();
  }

  acquire(key: GovernorKey, priority: Priority, signal?: AbortSignal): Promise<void> {
    if (!PRIORITY_RANK.has(priority)) return Promise.reject(new TypeError(`unknown priority ${priority}`));
    if (signal?.aborted) return Promise.reject(signal.reason);
    let lane: Lane;
    try {
      lane = this.laneFor(key);
    } catch (error) {
      return Promise.reject(error);
    }
    if (lane.waiting > 0) return this.enqueue(lane, priority, signal);
    const result = this.store.take(lane.storeKey, this.timer.now(), lane.limit);
    if (result.granted) {
      increment(this.counters.granted, lane.family);
      return Promise.resolve();
    }
    const waiting = this.enqueue(lane, priority, signal);
    this.schedule(lane, result.waitMs);
    return waiting;
  }

  throttled(key: GovernorKey, retryAfterMs: number): void {
    const lane = this.laneFor(key);
    const nowMs = this.timer.now();
    // A missing or garbled Retry-After still empties the minute bucket; it just adds no pause.
    const pauseMs = Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : 0;
    this.store.pause(lane.storeKey, nowMs, nowMs + pauseMs, lane.limit);
    increment(this.counters.throttled, lane.family);
    // A pending wake that comes too early just finds the pause and sleeps again until its end.
  }

  stats(): GovernorStats {
    const { granted, waits, throttled, queued } = this.counters;
    return {
      granted: { ...granted },
      waits: Object.fromEntries(Object.entries(waits).map(([family, w]) => [family, { ...w }])),
      throttled: { ...throttled },
      queued: { ...queued },
    };
  }

  private laneFor(key: GovernorKey): Lane {
    const storeKey = `${key.tenantId}/${key.clientId}/${key.family}`;
    let lane = this.lanes.get(storeKey);
    if (lane === undefined) {
      const limit = this.limits[key.family];
      if (limit === undefined) throw new TypeError(`unknown API family ${key.family}`);
      lane = {
        storeKey,
        family: key.family,
        limit,
        queues: Priorities.map(() => new WaiterQueue()),
        waiting: 0,
        wakeId: 0,
        wakeCancel: null,
      };
      this.lanes.set(storeKey, lane);
    }
    return lane;
  }

  private enqueue(lane: Lane, priority: Priority, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        priority,
        enqueuedAtMs: this.timer.now(),
        signal,
        onAbort: undefined,
        settled: false,
      };
      if (signal) {
        waiter.onAbort = () => this.abandon(lane, waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      lane.queues[PRIORITY_RANK.get(priority)!].push(waiter);
      lane.waiting++;
      this.counters.queued[priority]++;
    });
  }

  private abandon(lane: Lane, waiter: Waiter): void {
    if (waiter.settled) return;
    this.settle(lane, waiter);
    if (lane.waiting === 0) {
      // Nobody left to serve: drop the timer and the skipped entries rather than wake for nothing.
      lane.wakeId = 0;
      lane.wakeCancel?.abort();
      lane.wakeCancel = null;
      for (const queue of lane.queues) queue.clear();
    }
    waiter.reject(waiter.signal?.reason);
  }

  private settle(lane: Lane, waiter: Waiter): void {
    waiter.settled = true;
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    lane.waiting--;
    this.counters.queued[waiter.priority]--;
  }

  private schedule(lane: Lane, waitMs: number): void {
    const wakeId = ++this.lastWakeId;
    lane.wakeId = wakeId;
    lane.wakeCancel ??= new AbortController();
    this.timer.sleep(waitMs, lane.wakeCancel.signal).then(
      () => this.wake(lane, wakeId),
      () => this.wake(lane, wakeId),
    );
  }

  private wake(lane: Lane, wakeId: number): void {
    if (lane.wakeId !== wakeId) return; // cancelled, or superseded
    lane.wakeId = 0;
    this.pump(lane);
  }

  /** Grant waiters, highest priority first, while tokens last; then sleep until the next one is due. */
  private pump(lane: Lane): void {
    while (lane.waiting > 0) {
      const nowMs = this.timer.now();
      const result = this.store.take(lane.storeKey, nowMs, lane.limit);
      if (!result.granted) {
        this.schedule(lane, result.waitMs);
        return;
      }
      const waiter = this.nextWaiter(lane);
      this.settle(lane, waiter);
      increment(this.counters.granted, lane.family);
      this.countWait(lane.family, nowMs - waiter.enqueuedAtMs);
      waiter.resolve();
    }
  }

  private countWait(family: ApiFamily, waitedMs: number): void {
    const waits = this.counters.waits[family] ?? { count: 0, totalMs: 0 };
    waits.count++;
    waits.totalMs += waitedMs;
    this.counters.waits[family] = waits;
  }

  private nextWaiter(lane: Lane): Waiter {
    for (const queue of lane.queues) {
      const waiter = queue.shiftLive();
      if (waiter) return waiter;
    }
    throw new Error('governor lane counted a waiter that no queue holds');
  }
}

function increment(counts: Record<string, number>, family: ApiFamily): void {
  counts[family] = (counts[family] ?? 0) + 1;
}

function isPositive(n: number): boolean {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

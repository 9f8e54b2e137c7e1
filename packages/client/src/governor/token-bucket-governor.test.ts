import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ApiFamily,
  defaultFamilyLimits,
  type GovernorKey,
  MemoryBucketStore,
  type Priority,
  TokenBucketGovernor,
} from './index.js';

/** These tests pin token-bucket arithmetic, so they use the bucket store explicitly (the default counts sliding windows). */
class BucketGovernor extends TokenBucketGovernor {
  constructor(options: ConstructorParameters<typeof TokenBucketGovernor>[0] = {}) {
    super({ store: new MemoryBucketStore(), ...options });
  }
}

const key = (family: ApiFamily = 'machines', tenantId = 'tenant-1', clientId = 'app-1'): GovernorKey => ({
  tenantId,
  clientId,
  family,
});

/** A promise's outcome, readable synchronously after the fake clock has moved. */
function track(promise: Promise<void>) {
  const state = { done: false, error: undefined as unknown };
  promise.then(
    () => {
      state.done = true;
    },
    (error: unknown) => {
      state.error = error;
    },
  );
  return state;
}

async function exhaust(governor: TokenBucketGovernor, k: GovernorKey, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) await governor.acquire(k, 'bulk');
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

describe('TokenBucketGovernor with its default store', () => {
  it('never lets more than 100 machine calls through in a sliding minute, even from idle', async () => {
    const governor = new TokenBucketGovernor();
    await exhaust(governor as BucketGovernor, key(), 100);
    const next = track(governor.acquire(key(), 'bulk'));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(next.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next.done).toBe(true);
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('defaultFamilyLimits', () => {
  it('carries the published limits of spec 9.1 and null for families without one', () => {
    expect(defaultFamilyLimits.machines).toEqual({ perMinute: 100, perHour: 1500 });
    expect(defaultFamilyLimits.alertsBatch).toEqual({ perMinute: 10, perHour: 500 });
    expect(defaultFamilyLimits.liveResponse).toEqual({ perMinute: 10, perHour: 600 });
    expect(defaultFamilyLimits.packageUri).toEqual({ perMinute: 2, perHour: 120 });
    expect(defaultFamilyLimits.machineVulnerabilities).toEqual({ perMinute: 50, perHour: 1500 });
    expect(defaultFamilyLimits.hunting).toEqual({ perMinute: 45, perHour: 1500 });
    for (const family of [
      'token',
      'vulnerabilities',
      'software',
      'recommendations',
      'scores',
      'graph',
    ] as const) {
      expect(defaultFamilyLimits[family]).toBeNull();
    }
  });
});

describe('TokenBucketGovernor limits', () => {
  it('grants 100 machine calls at once and makes the 101st wait one token interval (600 ms)', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    const call101 = track(governor.acquire(key(), 'bulk'));
    await vi.advanceTimersByTimeAsync(599);
    expect(call101.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call101.done).toBe(true);
  });

  it('holds calls to the hour limit even when the minute bucket has tokens', async () => {
    const governor = new BucketGovernor({ limits: { machines: { perMinute: 10, perHour: 12 } } });
    await exhaust(governor, key(), 10);
    const [call11, call12, call13] = [1, 2, 3].map(() => track(governor.acquire(key(), 'bulk')));
    await vi.advanceTimersByTimeAsync(6_000);
    expect([call11.done, call12.done]).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(6_000);
    expect([call12.done, call13.done]).toEqual([true, false]);
    // 12 tokens spent by 12 s; the hour bucket refills 12/h, one token per 300 s from t = 0.
    await vi.advanceTimersByTimeAsync(300_000 - 12_000 - 1);
    expect(call13.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call13.done).toBe(true);
  });

  it('uses only safetyFactor of the published limit', async () => {
    const governor = new BucketGovernor({ safetyFactor: 0.9 });
    await exhaust(governor, key(), 90);
    const call91 = track(governor.acquire(key(), 'bulk'));
    await vi.advanceTimersByTimeAsync(666);
    expect(call91.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1); // 60,000 / 90 = 666.7 ms
    expect(call91.done).toBe(true);
  });

  it('passes families without a published limit straight through', async () => {
    const governor = new BucketGovernor();
    const calls = ['vulnerabilities', 'software', 'token', 'graph'].flatMap((family) =>
      Array.from({ length: 500 }, () => track(governor.acquire(key(family as ApiFamily), 'bulk'))),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.every((c) => c.done)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(governor.stats().granted.vulnerabilities).toBe(500);
  });

  it('keeps keys independent: another tenant, app or family is not held by an exhausted key', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    const blocked = track(governor.acquire(key(), 'response'));
    const others = [key('machines', 'tenant-2'), key('machines', 'tenant-1', 'app-2'), key('alerts')].map(
      (k) => track(governor.acquire(k, 'bulk')),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(others.map((c) => c.done)).toEqual([true, true, true]);
    expect(blocked.done).toBe(false);
  });

  it('shares the budget between governors that share a store', async () => {
    const store = new MemoryBucketStore();
    const first = new BucketGovernor({ store });
    const second = new BucketGovernor({ store });
    await exhaust(first, key(), 60);
    await exhaust(second, key(), 40);
    const call101 = track(first.acquire(key(), 'bulk'));
    await vi.advanceTimersByTimeAsync(599);
    expect(call101.done).toBe(false);
    expect(store.get('tenant-1/app-1/machines')?.tokensMinute).toBeLessThan(1);
  });

  it('rejects bad options', () => {
    expect(() => new BucketGovernor({ safetyFactor: 0 })).toThrow(RangeError);
    expect(() => new BucketGovernor({ safetyFactor: 1.5 })).toThrow(RangeError);
    expect(() => new BucketGovernor({ limits: { machines: { perMinute: 0, perHour: 10 } } })).toThrow(
      RangeError,
    );
  });
});

describe('TokenBucketGovernor priorities', () => {
  it('serves a response call queued behind 50 bulk calls with the next token', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    const bulk = Array.from({ length: 50 }, () => track(governor.acquire(key(), 'bulk')));
    const response = track(governor.acquire(key(), 'response'));
    await vi.advanceTimersByTimeAsync(600);
    expect(response.done).toBe(true);
    expect(bulk.filter((c) => c.done)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(600);
    expect(bulk[0].done).toBe(true);
    expect(bulk[1].done).toBe(false);
  });

  it('delays a response call by at most one token interval behind 10,000 queued bulk calls', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    for (let i = 0; i < 10_000; i++) governor.acquire(key(), 'bulk');
    await vi.advanceTimersByTimeAsync(1_500); // mid-interval: two bulk grants so far, next due at 1,800
    const response = track(governor.acquire(key(), 'response'));
    await vi.advanceTimersByTimeAsync(300);
    expect(response.done).toBe(true);
    expect(governor.stats().queued.bulk).toBe(10_000 - 2);
  });

  it('grants in strict priority order, FIFO within a priority', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    const order: string[] = [];
    const queue: [Priority, string][] = [
      ['bulk', 'b1'],
      ['polling', 'p1'],
      ['lookup', 'l1'],
      ['bulk', 'b2'],
      ['response', 'r1'],
      ['polling', 'p2'],
      ['lookup', 'l2'],
      ['response', 'r2'],
    ];
    for (const [priority, name] of queue) governor.acquire(key(), priority).then(() => order.push(name));
    await vi.advanceTimersByTimeAsync(600 * queue.length);
    expect(order).toEqual(['r1', 'r2', 'l1', 'l2', 'p1', 'p2', 'b1', 'b2']);
  });

  it('keeps one timer per key however many callers wait', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    await exhaust(governor, key('alerts'), 100);
    for (let i = 0; i < 50; i++) {
      governor.acquire(key(), 'bulk');
      governor.acquire(key('alerts'), 'polling');
    }
    expect(vi.getTimerCount()).toBe(2);
  });
});

describe('TokenBucketGovernor abort', () => {
  it('removes an aborted waiter, rejects with the reason, and gives the token to the next one', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    const controller = new AbortController();
    const aborted = track(governor.acquire(key(), 'response', controller.signal));
    const next = track(governor.acquire(key(), 'bulk'));
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(aborted.error).toBe(reason);
    expect(governor.stats().queued).toEqual({ response: 0, lookup: 0, polling: 0, bulk: 1 });
    await vi.advanceTimersByTimeAsync(600);
    expect(next.done).toBe(true);
  });

  it('rejects an already aborted signal without taking a token', async () => {
    const governor = new BucketGovernor();
    const signal = AbortSignal.abort(new Error('too late'));
    await expect(governor.acquire(key(), 'lookup', signal)).rejects.toThrow('too late');
    expect(governor.stats().granted).toEqual({});
  });

  it('drops the key timer when every waiter has aborted', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    const controller = new AbortController();
    const waiters = Array.from({ length: 5 }, () => governor.acquire(key(), 'bulk', controller.signal));
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await Promise.allSettled(waiters);
    expect(vi.getTimerCount()).toBe(0);
    // The key still works afterwards: the next caller waits for the token due at 600 ms.
    const later = track(governor.acquire(key(), 'bulk'));
    await vi.advanceTimersByTimeAsync(600);
    expect(later.done).toBe(true);
  });
});

describe('TokenBucketGovernor throttled (429)', () => {
  it('pauses the key for Retry-After, then lets one retry through and refills from there', async () => {
    const governor = new BucketGovernor();
    await governor.acquire(key(), 'bulk');
    governor.throttled(key(), 5_000);
    const retry = track(governor.acquire(key(), 'response'));
    const after = track(governor.acquire(key(), 'response'));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(retry.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect([retry.done, after.done]).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(600);
    expect(after.done).toBe(true);
    expect(governor.stats().throttled).toEqual({ machines: 1 });
  });

  it('holds waiters already queued and never shortens a running pause', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    const waiting = track(governor.acquire(key(), 'response'));
    governor.throttled(key(), 30_000);
    governor.throttled(key(), 1_000);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(waiting.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.done).toBe(true);
    expect(governor.stats().throttled.machines).toBe(2);
  });

  it('pauses a family without buckets too, and no other key', async () => {
    const governor = new BucketGovernor();
    governor.throttled(key('vulnerabilities'), 2_000);
    const paused = track(governor.acquire(key('vulnerabilities'), 'lookup'));
    const otherTenant = track(governor.acquire(key('vulnerabilities', 'tenant-2'), 'lookup'));
    await vi.advanceTimersByTimeAsync(1_999);
    expect([paused.done, otherTenant.done]).toEqual([false, true]);
    await vi.advanceTimersByTimeAsync(1);
    expect(paused.done).toBe(true);
  });
});

describe('TokenBucketGovernor stats', () => {
  it('counts grants, waits with their time, 429s and callers queued by priority', async () => {
    const governor = new BucketGovernor();
    await exhaust(governor, key(), 100);
    await governor.acquire(key('graph'), 'lookup');
    const waiting = [
      governor.acquire(key(), 'bulk'),
      governor.acquire(key(), 'bulk'),
      governor.acquire(key(), 'polling'),
    ];
    expect(governor.stats().queued).toEqual({ response: 0, lookup: 0, polling: 1, bulk: 2 });
    governor.throttled(key('alerts'), 1_000);
    await vi.advanceTimersByTimeAsync(1_800);
    await Promise.all(waiting);
    expect(governor.stats()).toEqual({
      granted: { machines: 103, graph: 1 },
      // Granted at 600, 1,200 and 1,800 ms after queueing at 0.
      waits: { machines: { count: 3, totalMs: 3_600 } },
      throttled: { alerts: 1 },
      queued: { response: 0, lookup: 0, polling: 0, bulk: 0 },
    });
  });
});

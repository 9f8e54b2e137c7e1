import { describe, expect, it } from 'vitest';
import { MemoryBucketStore } from './bucket-store.js';

const limit = { perMinute: 100, perHour: 1500 };

describe('MemoryBucketStore.take', () => {
  it('starts full, then refuses with the wait until the next token and takes nothing', () => {
    const store = new MemoryBucketStore();
    for (let i = 0; i < 100; i++) expect(store.take('k', 0, limit).granted).toBe(true);
    expect(store.take('k', 0, limit)).toEqual({ granted: false, waitMs: 600 });
    expect(store.take('k', 300, limit)).toEqual({ granted: false, waitMs: 300 });
    expect(store.take('k', 600, limit)).toEqual({ granted: true, waitMs: 0 });
    expect(store.get('k')).toMatchObject({ tokensHour: 1400 + 0.25 - 1, updatedAtMs: 600, pausedUntilMs: 0 });
  });

  it('refuses until a pause ends, also for a family without buckets', () => {
    const store = new MemoryBucketStore();
    store.pause('k', 1_000, 3_000, limit);
    store.pause('none', 1_000, 3_000, null);
    expect(store.take('k', 2_000, limit)).toEqual({ granted: false, waitMs: 1_000 });
    expect(store.take('none', 2_000, null)).toEqual({ granted: false, waitMs: 1_000 });
    expect(store.take('k', 3_000, limit).granted).toBe(true);
    expect(store.take('k', 3_000, limit)).toEqual({ granted: false, waitMs: 600 });
    expect(store.take('none', 3_000, null).granted).toBe(true);
  });

  it('neither refills nor undercounts the wait when the clock steps back', () => {
    const store = new MemoryBucketStore();
    store.set('k', { tokensMinute: 0.5, tokensHour: 10, updatedAtMs: 10_000, pausedUntilMs: 0 });
    expect(store.take('k', 5_000, limit)).toEqual({ granted: false, waitMs: 5_300 });
    expect(store.get('k')?.tokensMinute).toBe(0.5);
  });
});

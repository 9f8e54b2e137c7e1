import { describe, expect, it } from 'vitest';
import { SlidingWindowStore } from './sliding-window-store.js';

const limit = { perMinute: 100, perHour: 1500 };

describe('SlidingWindowStore', () => {
  it('never grants more than perMinute in any sliding minute, even after an idle spell', () => {
    const store = new SlidingWindowStore();
    let granted = 0;
    for (let i = 0; i < 150; i++) if (store.take('k', 1_000 + i, limit).granted) granted++;
    expect(granted).toBe(100);
    const refused = store.take('k', 2_000, limit);
    expect(refused).toEqual({ granted: false, waitMs: 1_000 + 60_000 - 2_000 });
    expect(store.take('k', 61_000, limit).granted).toBe(true);
  });

  it('caps the hour at perHour', () => {
    const store = new SlidingWindowStore();
    let t = 0;
    let granted = 0;
    while (granted < 1500) {
      const r = store.take('k', t, limit);
      if (r.granted) granted++;
      else t += r.waitMs;
    }
    expect(t).toBeLessThan(15 * 60_000); // 1,500 calls at 100 a minute
    const next = store.take('k', t, limit);
    expect(next.granted).toBe(false);
    expect(next.waitMs).toBeGreaterThan(40 * 60_000); // the hour's first grant must age out
  });

  it('holds a paused key until the pause ends, then lets exactly the retry through', () => {
    const store = new SlidingWindowStore();
    for (let i = 0; i < 100; i++) store.take('k', i, limit);
    store.pause('k', 200, 5_000, limit);
    expect(store.take('k', 4_000, limit)).toEqual({ granted: false, waitMs: 1_000 });
    expect(store.take('k', 5_000, limit).granted).toBe(true);
    expect(store.take('k', 5_001, limit).granted).toBe(false);
  });

  it('passes families without a published limit straight through, unless paused', () => {
    const store = new SlidingWindowStore();
    for (let i = 0; i < 1000; i++) expect(store.take('n', i, null).granted).toBe(true);
    store.pause('n', 1000, 2000, null);
    expect(store.take('n', 1500, null).granted).toBe(false);
  });
});

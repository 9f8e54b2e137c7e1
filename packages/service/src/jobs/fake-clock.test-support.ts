import type { SchedulerClock } from './scheduler-clock.js';

/** A clock that moves only when told: `advance` fires the timers it passes, each at its own time. */
export class FakeClock implements SchedulerClock {
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private lastId = 0;

  // Starts at the wall clock, so times the sync code stamps with `Date.now()` compare sensibly with it.
  constructor(private current = Date.now()) {}

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    this.timers.set(++this.lastId, { at: this.current + Math.max(0, ms), callback });
    return this.lastId;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].callback();
    }
    this.current = end;
  }
}

/**
 * Governor benchmark: 5,000 callers queued on one exhausted key (machines, 100/min + 1,500/h), spread
 * over the four priorities, then drained on a virtual clock that jumps to each wake-up. What is measured
 * is the governor's own scheduling cost per grant (bucket take, priority pick, promise, next timer) —
 * the ~3 simulated hours of waiting cost nothing. Prints one JSON object.
 */

import { type GovernorKey, Priorities, TokenBucketGovernor } from '../packages/client/src/governor/index.js';
import type { Timer } from '../packages/client/src/pipeline/types.js';

const waiters = Number(process.env.BENCH_GOVERNOR_WAITERS ?? 5_000);

/** A clock that moves only when `runAll` jumps it to the earliest pending sleep. */
class VirtualTimer implements Timer {
  private nowMs = 0;
  private sleeps: { atMs: number; resolve: () => void }[] = [];

  now(): number {
    return this.nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.sleeps = this.sleeps.filter((s) => s !== entry);
        reject(signal?.reason);
      };
      const entry = {
        atMs: this.nowMs + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleeps.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async runAll(): Promise<void> {
    while (this.sleeps.length > 0) {
      this.sleeps.sort((a, b) => a.atMs - b.atMs);
      const next = this.sleeps.shift()!;
      this.nowMs = next.atMs;
      next.resolve();
      // One turn of the microtask queue runs the governor's wake-up, which grants and sleeps again.
      await null;
    }
  }
}

const timer = new VirtualTimer();
const governor = new TokenBucketGovernor({ timer });
const key: GovernorKey = { tenantId: 'bench-tenant', clientId: 'bench-app', family: 'machines' };
for (let i = 0; i < 100; i++) await governor.acquire(key, 'bulk');

const t0 = performance.now();
let grants = 0;
let lastRank = 0;
let outOfOrder = 0;
const pending: Promise<void>[] = [];
for (let i = 0; i < waiters; i++) {
  const priority = Priorities[i % Priorities.length];
  const rank = i % Priorities.length;
  pending.push(
    governor.acquire(key, priority).then(() => {
      grants++;
      if (rank < lastRank) outOfOrder++;
      lastRank = rank;
    }),
  );
}
await timer.runAll();
await Promise.all(pending);
const ms = performance.now() - t0;

if (outOfOrder > 0) {
  console.error(`governor bench: ${outOfOrder} grants out of priority order`);
  process.exitCode = 1;
}
console.log(
  JSON.stringify({
    bench: 'governor',
    waiters,
    grants,
    grantsPerSecond: Math.round(grants / (ms / 1000)),
    ms: Math.round(ms),
    simulatedHours: Number((timer.now() / 3_600_000).toFixed(2)),
  }),
);

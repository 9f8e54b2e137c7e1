import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../sync/tenant-sync-status.js';
import { firstDueAt, nextDueAt } from './due-time.js';

const now = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const MIN = 60_000;

function run(endedMsAgo: number, status: RunSummary['status'] = 'succeeded'): RunSummary {
  const at = new Date(now - endedMsAgo).toISOString();
  return {
    mode: 'delta',
    status,
    startedAt: at,
    finishedAt: status === 'running' ? null : at,
    fetched: 0,
    upserted: 0,
    removed: 0,
    apiCalls: 1,
    throttledMs: 0,
    error: null,
  };
}

describe('firstDueAt', () => {
  const due = (lastRun: RunSummary | null, random: number, neverSynced = false) =>
    firstDueAt({ now, intervalMs: HOUR, lastRun, neverSynced, random: () => random });

  it('puts a resource synced 10 minutes ago on a 1 h interval at 50 minutes from now, ±10% of the interval', () => {
    expect(due(run(10 * MIN), 0.5)).toBe(now + 50 * MIN);
    expect(due(run(10 * MIN), 0)).toBe(now + 44 * MIN);
    expect(due(run(10 * MIN), 1 - 1e-12)).toBe(now + 56 * MIN);
  });

  it('spreads overdue and never-run resources over the first minute', () => {
    expect(due(run(2 * HOUR), 0)).toBe(now);
    expect(due(run(2 * HOUR), 0.5)).toBe(now + 30_000);
    expect(due(null, 0.75)).toBe(now + 45_000);
  });

  it('runs every resource of a tenant never synced at once', () => {
    expect(due(null, 0.75, true)).toBe(now);
  });

  it('retries a failed or interrupted last run after 30 s rather than a whole interval', () => {
    expect(due(run(10_000, 'failed'), 0.5)).toBe(now + 20_000);
    expect(due(run(5 * MIN, 'running'), 0.5)).toBe(now + 30_000);
  });
});

describe('nextDueAt', () => {
  const next = (intervalMs: number, failures: number) =>
    nextDueAt({ now, intervalMs, failures, random: () => 0.5 }) - now;

  it('waits one interval after a success and backs off from 30 s up to the interval after failures', () => {
    expect(next(HOUR, 0)).toBe(HOUR);
    expect([1, 2, 3, 4].map((n) => next(HOUR, n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(next(HOUR, 20)).toBe(HOUR);
    expect([1, 2, 3].map((n) => next(MIN, n))).toEqual([30_000, MIN, MIN]);
  });
});

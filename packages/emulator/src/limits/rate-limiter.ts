/**
 * Defender's published limits (spec 9.1): counted per application + tenant and per API, over a minute
 * and an hour. A sliding log per key keeps at most `perHour` timestamps, so memory stays bounded.
 *
 * Modes: `real` (the published numbers and windows), `off`, and `scaled` — the same counts over windows
 * shortened by `windowScale`, so a test can hit and recover from a limit in a fraction of a second.
 * Windows run on wall-clock time, not the emulator clock: a client waiting out `Retry-After` waits in
 * real time even when the emulator clock is frozen.
 */
export type RateLimitMode = 'real' | 'off' | 'scaled';

export interface RateLimit {
  perMinute: number;
  perHour?: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
  /** Which window refused, for Defender's message (`maximum allowed 45 per 00:01:00`). */
  limit?: number;
  window?: '00:01:00' | '01:00:00';
}

export class RateLimiter {
  private logs = new Map<string, number[]>();

  constructor(
    public mode: RateLimitMode = 'real',
    public windowScale = 1,
    private readonly nowMs: () => number = Date.now,
  ) {}

  check(key: string, limit: RateLimit): RateLimitVerdict {
    if (this.mode === 'off') return { allowed: true, retryAfterSeconds: 0 };
    const scale = this.mode === 'scaled' ? this.windowScale : 1;
    const minuteMs = 60_000 * scale;
    const hourMs = 3_600_000 * scale;
    const now = this.nowMs();
    const log = this.logs.get(key) ?? [];
    while (log.length > 0 && log[0] <= now - hourMs) log.shift();
    const inMinute = countSince(log, now - minuteMs);
    if (inMinute >= limit.perMinute) {
      const oldest = log[log.length - inMinute];
      return refuse(oldest + minuteMs - now, limit.perMinute, '00:01:00');
    }
    if (limit.perHour !== undefined && log.length >= limit.perHour) {
      return refuse(log[0] + hourMs - now, limit.perHour, '01:00:00');
    }
    log.push(now);
    this.logs.set(key, log);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  reset(): void {
    this.logs.clear();
  }
}

function refuse(waitMs: number, limit: number, window: '00:01:00' | '01:00:00'): RateLimitVerdict {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), limit, window };
}

function countSince(sortedLog: number[], sinceMs: number): number {
  let lo = 0;
  let hi = sortedLog.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedLog[mid] <= sinceMs) lo = mid + 1;
    else hi = mid;
  }
  return sortedLog.length - lo;
}

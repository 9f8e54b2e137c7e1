import { describe, expect, it } from 'vitest';
import { LoginRateLimiter } from './login-rate-limiter.js';

function clock(start = '2026-03-01T10:00:00.000Z') {
  let ms = Date.parse(start);
  return { now: () => new Date(ms), advance: (by: number) => (ms += by) };
}

describe('LoginRateLimiter', () => {
  it('blocks a user name after 5 failures for the rest of the 15-minute window', () => {
    const c = clock();
    const limiter = new LoginRateLimiter(c.now);
    for (let i = 0; i < 4; i++) limiter.recordFailure('Alice', `10.0.0.${i}`);
    expect(limiter.retryAfterSeconds('alice', '10.0.0.9')).toBeNull();
    c.advance(60_000);
    limiter.recordFailure('alice', '10.0.0.5');
    // The first failure leaves the window 14 minutes from now.
    expect(limiter.retryAfterSeconds('ALICE', '10.0.0.9')).toBe(14 * 60);
    expect(limiter.retryAfterSeconds('bob', '10.0.0.9')).toBeNull();
    c.advance(14 * 60_000);
    expect(limiter.retryAfterSeconds('alice', '10.0.0.9')).toBeNull();
  });

  it('blocks an address after 20 failures across user names, and success clears only the user name', () => {
    const c = clock();
    const limiter = new LoginRateLimiter(c.now);
    for (let i = 0; i < 4; i++) limiter.recordFailure('carol', '192.0.2.1');
    limiter.recordSuccess('carol');
    expect(limiter.retryAfterSeconds('carol', '192.0.2.2')).toBeNull();
    for (let i = 0; i < 16; i++) limiter.recordFailure(`user${i}`, '192.0.2.1');
    expect(limiter.retryAfterSeconds('dave', '192.0.2.1')).toBe(15 * 60);
    expect(limiter.retryAfterSeconds('dave', '192.0.2.2')).toBeNull();
  });
});

/**
 * Failed sign-ins counted in memory over a sliding window, per user name and per client address: guessing
 * passwords for one account, or many accounts from one address, is stopped without locking anyone out for
 * long. In memory on purpose: one process serves logins, and a restart forgetting the counts is acceptable.
 */
export interface LoginRateLimits {
  windowMs: number;
  perUsername: number;
  perIp: number;
}

export const DEFAULT_LOGIN_RATE_LIMITS: LoginRateLimits = {
  windowMs: 15 * 60 * 1000,
  perUsername: 5,
  perIp: 20,
};

/** Keys kept at most; beyond it, keys whose failures have all expired are dropped first, then the oldest. */
const MAX_KEYS = 10_000;

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly limits: LoginRateLimits = DEFAULT_LOGIN_RATE_LIMITS,
  ) {}

  /** Seconds until another attempt is allowed, or null when this user name and address may try now. */
  retryAfterSeconds(username: string, ip: string): number | null {
    const waits = [
      this.wait(userKey(username), this.limits.perUsername),
      this.wait(ipKey(ip), this.limits.perIp),
    ].filter((w): w is number => w !== null);
    return waits.length === 0 ? null : Math.max(...waits);
  }

  recordFailure(username: string, ip: string): void {
    const at = this.now().getTime();
    for (const key of [userKey(username), ipKey(ip)]) {
      const list = this.recent(key);
      list.push(at);
      this.failures.delete(key);
      this.failures.set(key, list);
    }
    this.evict();
  }

  /** A successful sign-in forgives the user name's failures (the address's stay: it may be guessing others). */
  recordSuccess(username: string): void {
    this.failures.delete(userKey(username));
  }

  private wait(key: string, limit: number): number | null {
    const list = this.recent(key);
    if (list.length < limit) return null;
    const freedAt = list[list.length - limit] + this.limits.windowMs;
    return Math.max(1, Math.ceil((freedAt - this.now().getTime()) / 1000));
  }

  private recent(key: string): number[] {
    const since = this.now().getTime() - this.limits.windowMs;
    const list = (this.failures.get(key) ?? []).filter((at) => at > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  private evict(): void {
    if (this.failures.size <= MAX_KEYS) return;
    for (const key of [...this.failures.keys()]) this.recent(key);
    // Map order is insertion order and recordFailure re-inserts, so the first keys are the least recent.
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_KEYS) break;
      this.failures.delete(key);
    }
  }
}

const userKey = (username: string) => `u:${username.toLowerCase()}`;
const ipKey = (ip: string) => `i:${ip}`;

import type { Governor, GovernorKey } from '../governor/types.js';
import { retryAfterMs } from './read-response.js';
import type { Policy, Timer } from './types.js';

/** Hold for a minute when a 429 names no wait: the shortest window Defender's quotas count in (spec 9.1). */
export const DEFAULT_THROTTLE_IN_MS = 60_000;

/**
 * Takes a permit from the rate-limit governor before every attempt, and reports a 429 back so every caller
 * of that (tenant, app, family) holds off, not only this one. Token requests are not counted by Defender.
 */
export function governorPolicy(options: {
  governor: Governor;
  tenantId: string;
  clientId: string;
  timer: Timer;
}): Policy {
  const { governor, tenantId, clientId, timer } = options;
  return {
    name: 'governor',
    async send(request, next) {
      if (request.family === 'token') return next(request);
      const key: GovernorKey = { tenantId, clientId, family: request.family };
      await governor.acquire(key, request.priority, request.signal);
      const response = await next(request);
      if (response.status === 429) {
        governor.throttled(key, retryAfterMs(response.headers, timer.now()) ?? DEFAULT_THROTTLE_IN_MS);
      }
      return response;
    },
  };
}

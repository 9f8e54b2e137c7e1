import { RequestTimedOut } from '../errors.js';
import type { Policy } from './types.js';

export const DEFAULT_TIMEOUT_IN_MS = 30_000;

/**
 * Bounds one attempt (headers and body) to `timeoutInMs`. The timer and the caller's signal are combined
 * with `AbortSignal.any`; if the timer fired the failure becomes `RequestTimedOut`, if the caller aborted
 * the caller's own reason is thrown, never a timeout.
 */
export function timeoutPolicy(options: { timeoutInMs?: number } = {}): Policy {
  const timeoutInMs = options.timeoutInMs ?? DEFAULT_TIMEOUT_IN_MS;
  return {
    name: 'timeout',
    async send(request, next) {
      const timeout = AbortSignal.timeout(timeoutInMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      try {
        return await next({ ...request, signal });
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (timeout.aborted) {
          throw new RequestTimedOut(
            `${request.operation}: no answer from ${request.url.host} within ${timeoutInMs} ms`,
            { cause: error },
          );
        }
        throw error;
      }
    },
  };
}

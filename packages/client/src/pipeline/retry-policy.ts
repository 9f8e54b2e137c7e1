import { NetworkError, RequestTimedOut, ResponseParseError } from '../errors.js';
import { recordAttempt } from './attempts.js';
import { isTransientNetworkFailure } from './network-failure.js';
import { retryAfterMs } from './read-response.js';
import type { Logger, PipelineRequest, PipelineResponse, Policy, Timer } from './types.js';

export interface RetryPolicyOptions {
  /** Retries after the first attempt (default 5, so at most 6 sends). */
  maxRetries?: number;
  /** No retry is started whose wait would end later than this after the first send (default 2 min). */
  totalDeadlineInMs?: number;
  timer: Timer;
  /** Jitter source in [0, 1); injectable for tests. */
  random?: () => number;
  logger?: Logger;
}

export const BACKOFF_BASE_IN_MS = 500;
export const BACKOFF_CAP_IN_MS = 30_000;

/**
 * Statuses never retried because the same request gets the same answer (octokit/plugin-retry's list, plus
 * 405 for a wrong method on an action route, spec 3.1, and the two permanent 5xx). 401 is the auth policy's
 * business: it refreshes the token once, inside this loop. Every other 4xx but 429 is not retried either.
 */
const doNotRetry = new Set([400, 401, 403, 404, 405, 410, 422, 451, 501, 505]);

function isTransientStatus(status: number): boolean {
  return (status === 429 || status >= 500) && !doNotRetry.has(status);
}

/** Full jitter (AWS architecture blog): a uniform wait in [0, min(cap, base·2^(retry-1))). */
export function backoffInMs(retry: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_IN_MS, BACKOFF_BASE_IN_MS * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Retries network failures, 5xx and 429, and for a GET also timeouts and 2xx bodies that are not readable
 * JSON — nothing else (STYLE 3). Waits `Retry-After` when the answer has one (Defender sends it on 429,
 * spec 9.1), else exponential backoff with full jitter. Gives up when retries run out or the next wait would
 * pass the total deadline, returning the last response so the caller builds the error, or throwing the last
 * failure (`NetworkError`, `RequestTimedOut`, `ResponseParseError`) saying how many attempts were made.
 */
export function retryPolicy(options: RetryPolicyOptions): Policy {
  const { timer, logger } = options;
  const maxRetries = options.maxRetries ?? 5;
  const totalDeadlineInMs = options.totalDeadlineInMs ?? 120_000;
  const random = options.random ?? Math.random;
  return {
    name: 'retry',
    async send(request, next) {
      const deadline = timer.now() + totalDeadlineInMs;
      for (let attempt = 1; ; attempt++) {
        request.signal?.throwIfAborted();
        recordAttempt(request, attempt);
        let response: PipelineResponse | undefined;
        let failure: unknown;
        try {
          response = await next(request);
          if (!isTransientStatus(response.status)) return response;
        } catch (error) {
          // A GET that timed out or whose answer was cut off is safe to send again; a POST might have been
          // carried out already, so the caller hears of it.
          const retriableGet =
            (error instanceof RequestTimedOut || error instanceof ResponseParseError) &&
            request.method === 'GET';
          if (request.signal?.aborted || !(retriableGet || isTransientNetworkFailure(error))) throw error;
          failure = error;
        }
        const now = timer.now();
        const waitInMs = (response && retryAfterMs(response.headers, now)) ?? backoffInMs(attempt, random);
        if (attempt > maxRetries || now + waitInMs > deadline) {
          if (response) return response;
          throw giveUp(request, failure, attempt);
        }
        logger?.warn(
          {
            operation: request.operation,
            attempt,
            ...(response ? { status: response.status } : { error: String(failure) }),
            waitInMs,
          },
          `${request.operation}: retrying in ${waitInMs} ms after ${response ? response.status : failureKind(failure)} (attempt ${attempt} of ${maxRetries + 1})`,
        );
        await timer.sleep(waitInMs, request.signal);
      }
    },
  };
}

function failureKind(failure: unknown): string {
  if (failure instanceof RequestTimedOut) return 'a timeout';
  if (failure instanceof ResponseParseError) return 'an unreadable answer';
  return 'a network failure';
}

function giveUp(request: PipelineRequest, failure: unknown, attempts: number): Error {
  if (failure instanceof RequestTimedOut || failure instanceof ResponseParseError) {
    const Kind = failure instanceof RequestTimedOut ? RequestTimedOut : ResponseParseError;
    return new Kind(`${failure.message} — ${request.operation} gave up after ${attempts} attempts`, {
      cause: failure,
    });
  }
  const reason = failure instanceof Error ? failure.message : String(failure);
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return new NetworkError(`${reason} — ${request.operation} gave up after ${tries}`, { cause: failure });
}

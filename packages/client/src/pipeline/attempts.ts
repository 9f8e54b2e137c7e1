import type { PipelineRequest } from './types.js';

/**
 * Attempt counts by request object: the retry policy writes, the request log (which sits outside the retry
 * loop and gets the same object back) reads. A WeakMap keeps the contract's `PipelineRequest` unchanged.
 */
const attemptsByRequest = new WeakMap<PipelineRequest, number>();

export function recordAttempt(request: PipelineRequest, attempt: number): void {
  attemptsByRequest.set(request, attempt);
}

/** How many times the retry policy has sent this request object; undefined when no retry policy ran. */
export function attemptsMade(request: PipelineRequest): number | undefined {
  return attemptsByRequest.get(request);
}

import { ResponseParseError } from '@mde-bridge/client';
import type { RunCounters } from './run-recorder.js';

/** How many times one run starts its listing again after an answer that could not be read. */
export const MAX_LISTING_RESUMES = 5;

/**
 * Runs a listing again (from its last checkpoint: `attempt` decides where) when a page's answer arrived cut
 * off or unreadable. The client retries statuses, timeouts and network failures within its own budget, but
 * a 200 whose JSON ends early reaches the caller as `ResponseParseError`; on a GET listing that is a
 * transport fault like any other. Every other error is the client's final word and is thrown.
 */
export async function resumeAfterUnreadablePage(
  run: RunCounters,
  attempt: () => Promise<void>,
): Promise<void> {
  for (let resumes = 0; ; resumes++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ResponseParseError) || resumes >= MAX_LISTING_RESUMES) throw err;
      run.apiCalls += 1; // the call whose answer could not be read
    }
  }
}

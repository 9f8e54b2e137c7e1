import type { Timer } from './types.js';

/** setTimeout's delay is a signed 32-bit int; a longer one would fire at once. */
const MAX_TIMEOUT_IN_MS = 2 ** 31 - 1;

/**
 * The wall clock. `sleep` rejects with the signal's reason as soon as it aborts; shutdown ends pending
 * waits by aborting. The timer is deliberately not unref'd: a CLI awaiting a retry wait with nothing else
 * on the event loop would otherwise exit mid-wait (code 13, "unsettled top-level await").
 * Example: `await realTimer.sleep(500, signal);`
 */
export const realTimer: Timer = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(handle);
        reject(signal?.reason);
      };
      const handle = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.min(Math.max(0, ms), MAX_TIMEOUT_IN_MS),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

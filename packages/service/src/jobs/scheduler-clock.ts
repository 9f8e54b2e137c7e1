/** The scheduler's view of time: tests pass a fake one and move it by hand. */
export interface SchedulerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** setTimeout's delay is a signed 32-bit int; a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The wall clock. Its timers are unref'd: a pending scheduler wake-up must not keep a process alive whose
 * server has closed (the server, not the scheduler, is what keeps `mde-bridge start` running).
 */
export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, Math.min(Math.max(0, ms), MAX_TIMEOUT_MS));
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

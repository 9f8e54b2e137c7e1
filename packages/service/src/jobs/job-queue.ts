/**
 * The seam between the sync scheduler and whatever runs its jobs: `InProcessJobQueue` for one process, a
 * PostgreSQL queue (pg-boss) when several bridge processes share a store. What each part maps to in pg-boss:
 * - `register(name, handler)`: `createQueue(name, { policy: 'stately' })` (a queue must exist before `send`
 *   or `work`), then `work(name, handler)`. `stately` keeps at most one job per `singletonKey` waiting and one
 *   active, which is the coalescing below.
 * - `enqueue(name, payload, { singletonKey })`: `send(name, payload, { singletonKey })`, which also answers
 *   null when a waiting job with that key absorbed the new one.
 * - `group`: pg-boss has no per-group exclusion across different singleton keys; its handler would take
 *   `pg_try_advisory_xact_lock(hashtext(group))` and fail the job for a retry when the lock is held.
 * - `start()`/`stop({ timeoutMs })`: `start()`/`stop({ graceful: true, timeout })`; pg-boss keeps waiting jobs
 *   for the next start, the in-process queue (memory only) forgets them.
 */
export interface JobQueue {
  /** The handler of one job name; a job runs once (a failed one is not retried: the scheduler re-plans). */
  register<P>(name: string, handler: JobHandler<P>): void;
  /** The new job's id, or null when a waiting job of this name and `singletonKey` absorbed it. */
  enqueue<P>(name: string, payload: P, options?: EnqueueOptions): Promise<string | null>;
  start(): Promise<void>;
  /** Starts no more jobs; resolves when the running ones have finished, or at `timeoutMs`. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export interface EnqueueOptions {
  /** At most one waiting job per name and key; a running one does not absorb new jobs (they may see newer data). */
  singletonKey?: string;
  /** Jobs of one group run one at a time, in the order they were enqueued (the scheduler: one per tenant). */
  group?: string;
}

export interface Job<P> {
  id: string;
  name: string;
  payload: P;
  singletonKey: string | null;
}

export type JobHandler<P> = (job: Job<P>) => Promise<void>;

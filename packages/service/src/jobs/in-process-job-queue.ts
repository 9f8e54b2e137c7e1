import { type Logger, silentLogger } from '@mde-bridge/client';
import type { EnqueueOptions, Job, JobHandler, JobQueue } from './job-queue.js';
import { type SchedulerClock, systemClock } from './scheduler-clock.js';

export interface InProcessJobQueueOptions {
  /** Jobs running at once (default 2); jobs of one group still run one at a time. */
  concurrency?: number;
  clock?: SchedulerClock;
  logger?: Logger;
}

interface QueuedJob extends Job<unknown> {
  group: string | null;
}

/** A `JobQueue` in memory: first in, first out, skipping jobs whose group is busy. */
export class InProcessJobQueue implements JobQueue {
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private waiting: QueuedJob[] = [];
  private readonly active = new Map<string, { group: string | null; settled: Promise<void> }>();
  private readonly concurrency: number;
  private readonly clock: SchedulerClock;
  private readonly logger: Logger;
  private started = false;
  private lastId = 0;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  register<P>(name: string, handler: JobHandler<P>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  async enqueue<P>(name: string, payload: P, options: EnqueueOptions = {}): Promise<string | null> {
    if (!this.handlers.has(name)) throw new Error(`no handler is registered for job '${name}'`);
    const singletonKey = options.singletonKey ?? null;
    if (
      singletonKey !== null &&
      this.waiting.some((j) => j.name === name && j.singletonKey === singletonKey)
    ) {
      return null;
    }
    const job: QueuedJob = {
      id: String(++this.lastId),
      name,
      payload,
      singletonKey,
      group: options.group ?? null,
    };
    this.waiting.push(job);
    this.pump();
    return job.id;
  }

  async start(): Promise<void> {
    this.started = true;
    this.pump();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.started = false;
    this.waiting = [];
    if (this.active.size === 0) return;
    const running = Promise.all([...this.active.values()].map((a) => a.settled));
    await new Promise<void>((resolve) => {
      const deadline = this.clock.setTimeout(resolve, options.timeoutMs ?? 30_000);
      void running.then(() => {
        this.clock.clearTimeout(deadline);
        resolve();
      });
    });
  }

  private pump(): void {
    while (this.started && this.active.size < this.concurrency) {
      const busy = new Set([...this.active.values()].map((a) => a.group));
      const index = this.waiting.findIndex((j) => j.group === null || !busy.has(j.group));
      if (index < 0) return;
      const [{ group, ...job }] = this.waiting.splice(index, 1);
      const settled = this.run(job).finally(() => {
        this.active.delete(job.id);
        this.pump();
      });
      this.active.set(job.id, { group, settled });
    }
  }

  private async run(job: Job<unknown>): Promise<void> {
    try {
      await this.handlers.get(job.name)?.(job);
    } catch (err) {
      this.logger.error({ err, job: job.id, name: job.name }, 'job failed');
    }
  }
}

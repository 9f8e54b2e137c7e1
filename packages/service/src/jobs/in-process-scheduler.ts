import {
  type DefenderClient,
  type Governor,
  type Logger,
  silentLogger,
  TokenBucketGovernor,
} from '@mde-bridge/client';
import type { Store } from '../store/store.js';
import { lastRuns } from '../sync/run-recorder.js';
import { type Resource, Resources, type SyncMode } from '../sync/sync-context.js';
import { SyncFailedError, syncTenant } from '../sync/sync-tenant.js';
import { summary } from '../sync/tenant-sync-status.js';
import { openTenantClient } from '../tenants/tenant-client.js';
import { listTenants, type TenantView } from '../tenants/tenant-repository.js';
import { firstDueAt, nextDueAt } from './due-time.js';
import { InProcessJobQueue } from './in-process-job-queue.js';
import type { Job, JobQueue } from './job-queue.js';
import { resolveSchedules, type Schedules } from './schedule-settings.js';
import { type SchedulerClock, systemClock } from './scheduler-clock.js';
import type { SyncController, SyncRequest, TenantSchedule } from './sync-controller.js';

/** One resource run as the scheduler saw it end: what Prometheus metrics (and logs) are fed from. */
export interface RunFinishedEvent {
  tenantId: string;
  tenantName: string;
  resource: Resource;
  status: 'succeeded' | 'failed';
  durationMs: number;
  apiCalls: number;
  fetched: number;
  upserted: number;
  removed: number;
  throttledMs: number;
  /** The failure's message when it failed. */
  error: string | null;
  /** `scheduler`, or who triggered the run. */
  reason: string;
}

export interface InProcessSchedulerOptions {
  store: Store;
  /** For the master key that opens tenant credentials. */
  env?: NodeJS.ProcessEnv;
  /** Default: `openTenantClient`, one governor per tenant shared by all its runs (one rate budget). */
  clientFor?: (tenant: TenantView) => DefenderClient | Promise<DefenderClient>;
  clock?: SchedulerClock;
  /** [0, 1), for jitter; default Math.random. */
  random?: () => number;
  /** Tenants synced at once (default 2); a tenant's own runs never overlap. */
  concurrency?: number;
  /** How often the tenant list is re-read on its own (default 30 s); `refresh()` re-reads at once. */
  refreshIntervalMs?: number;
  /** Default: an `InProcessJobQueue` of `concurrency` on `clock`. */
  queue?: JobQueue;
  logger?: Logger;
  /** A first `onRunFinished` listener (metrics). */
  onRunFinished?: (event: RunFinishedEvent) => void;
  /** Told of each tenant's governor when it is created (metrics read its figures when scraped). */
  onGovernor?: (tenant: TenantView, governor: Governor) => void;
}

/** The payload of a `sync` job. */
export interface SyncJob {
  tenantId: string;
  only: Resource[];
  mode: SyncMode;
  reason: string;
}

export const SYNC_JOB = 'sync';

const defaultIntervals = resolveSchedules({});

interface TenantState {
  view: TenantView;
  /** What a refresh compares to tell whether the schedule must be planned again. */
  fingerprint: string;
  intervals: Schedules;
  dueAt: Partial<Record<Resource, number>>;
  /** Consecutive failures, for the retry backoff. */
  failures: Partial<Record<Resource, number>>;
}

/** A sync job in the queue, not started yet: a trigger for resources it covers joins it. */
interface PendingRun {
  job: SyncJob;
  done: Promise<void>;
  resolve: () => void;
  settled: boolean;
}

interface Progress {
  resource: Resource;
  startedAt: string;
  pages: number;
  items: number;
}

/**
 * Keeps every enabled tenant's replica fresh on its schedule (`settings.schedules`, else
 * `DEFAULT_SCHEDULES`) and runs what is asked for through `trigger`. Due time comes from each resource's last
 * run; each tenant has at most one run queued or going for the schedule, and all its runs go one at a time
 * (the `sync` job's group), so `syncTenant` never answers `SyncBusyError`.
 */
export class InProcessScheduler implements SyncController {
  private readonly store: Store;
  private readonly env: NodeJS.ProcessEnv;
  private readonly clock: SchedulerClock;
  private readonly random: () => number;
  private readonly refreshIntervalMs: number;
  private readonly queue: JobQueue;
  private readonly logger: Logger;
  private readonly clientFor: (tenant: TenantView) => DefenderClient | Promise<DefenderClient>;

  private readonly tenants = new Map<string, TenantState>();
  /** By singleton key. */
  private readonly pending = new Map<string, PendingRun>();
  /** Jobs queued or running, per tenant. */
  private readonly jobsPerTenant = new Map<string, number>();
  private readonly running = new Map<string, Progress>();
  private readonly listeners = new Set<(event: RunFinishedEvent) => void>();
  private readonly governors = new Map<string, Governor>();
  /** Governors already handed to `onGovernor`. */
  private readonly announced = new WeakSet<Governor>();
  private readonly clients = new Map<string, { updatedAt: string; client: DefenderClient }>();
  private readonly onGovernor: InProcessSchedulerOptions['onGovernor'];

  private phase: 'new' | 'started' | 'stopped' = 'new';
  private timer: unknown = null;
  private nextRefreshAt = Number.POSITIVE_INFINITY;
  private refreshing: Promise<void> = Promise.resolve();
  /** Refreshes and jobs under way; `whenIdle` waits for zero. */
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(options: InProcessSchedulerOptions) {
    this.store = options.store;
    this.env = options.env ?? process.env;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 30_000;
    this.logger = options.logger ?? silentLogger;
    this.clientFor = options.clientFor ?? ((tenant) => this.openClient(tenant));
    this.queue =
      options.queue ??
      new InProcessJobQueue({
        concurrency: options.concurrency ?? 2,
        clock: this.clock,
        logger: this.logger,
      });
    this.queue.register<SyncJob>(SYNC_JOB, (job) => this.runJob(job));
    if (options.onRunFinished) this.listeners.add(options.onRunFinished);
    this.onGovernor = options.onGovernor;
  }

  /** Reads the tenants, plans their runs and starts the ones due. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new Error('the scheduler was already started');
    this.phase = 'started';
    await this.queue.start();
    await this.refresh();
  }

  /**
   * Starts nothing more; lets the running resource finish (one not finished by `timeoutMs` is cut by the
   * process exit and resumes from its checkpoint next time). Queued runs are dropped, their `done` settled.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const run of this.pending.values()) this.settle(run);
    this.pending.clear();
    await this.queue.stop({ timeoutMs: options.timeoutMs ?? 30_000 });
  }

  refresh(): Promise<void> {
    this.track(1);
    // One after the other: a refresh asked for after a tenant change must read the table after that change.
    const next = this.refreshing
      .then(() => this.readTenants())
      .catch((err) => this.logger.error({ err }, 'reading the tenants failed; the schedule is unchanged'))
      .finally(() => {
        this.nextRefreshAt = this.clock.now() + this.refreshIntervalMs;
        this.arm();
        this.track(-1);
      });
    this.refreshing = next;
    return next;
  }

  /** Resolves once no refresh or run is under way or queued (tests and shutdown checks). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Calls `listener` after every resource run; returns the function that removes it. */
  onRunFinished(listener: (event: RunFinishedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  trigger(tenantId: string, request: SyncRequest = {}): { accepted: Resource[]; done: Promise<void> } {
    const state = this.tenants.get(tenantId);
    if (this.phase === 'stopped' || state?.view.enabled === false) {
      return { accepted: [], done: Promise.resolve() };
    }
    const asked = request.only ?? Resources;
    const only = withHealth(
      Resources.filter((r) => asked.includes(r)),
      state?.intervals,
    );
    if (only.length === 0) return { accepted: [], done: Promise.resolve() };
    const mode = request.mode ?? 'auto';
    const covering = [...this.pending.values()].find(
      (p) => p.job.tenantId === tenantId && p.job.mode === mode && only.every((r) => p.job.only.includes(r)),
    );
    if (covering) return { accepted: only, done: covering.done };
    return {
      accepted: only,
      done: this.enqueue({ tenantId, only, mode, reason: request.reason ?? 'manual' }),
    };
  }

  async status(tenantId?: string): Promise<TenantSchedule[]> {
    const views = (await listTenants(this.store.db)).filter(
      (v) => tenantId === undefined || v.id === tenantId,
    );
    return Promise.all(
      views.map(async (view) => {
        const runs = await lastRuns(this.store.db, view.id);
        const state = this.tenants.get(view.id);
        const intervals = state?.intervals ?? this.schedulesOf(view);
        const progress = this.running.get(view.id);
        return {
          tenantId: view.id,
          tenantName: view.name,
          enabled: view.enabled,
          isDemo: view.is_demo,
          resources: Resources.map((resource) => {
            const due = view.enabled ? state?.dueAt[resource] : undefined;
            const run = runs[resource];
            return {
              resource,
              // Switched off: the default, so the UI can show what "on" would mean.
              intervalMs: intervals[resource] ?? defaultIntervals[resource] ?? 0,
              enabled: intervals[resource] !== null,
              nextRunAt: due === undefined ? null : new Date(due).toISOString(),
              lastRun: run ? summary(run) : null,
              running:
                progress?.resource === resource
                  ? { startedAt: progress.startedAt, pages: progress.pages, items: progress.items }
                  : null,
            };
          }),
        };
      }),
    );
  }

  private async readTenants(): Promise<void> {
    const views = await listTenants(this.store.db);
    for (const view of views) {
      const fingerprint = JSON.stringify([view.enabled, view.updated_at, view.settings]);
      const known = this.tenants.get(view.id);
      if (known?.fingerprint === fingerprint) {
        known.view = view;
        continue;
      }
      const intervals = this.schedulesOf(view);
      const dueAt: TenantState['dueAt'] = {};
      if (view.enabled) {
        const runs = await lastRuns(this.store.db, view.id);
        const neverSynced = Object.keys(runs).length === 0;
        for (const resource of Resources) {
          const intervalMs = intervals[resource];
          if (intervalMs === null) continue;
          const run = runs[resource];
          dueAt[resource] = firstDueAt({
            now: this.clock.now(),
            intervalMs,
            lastRun: run ? summary(run) : null,
            neverSynced,
            random: this.random,
          });
        }
      }
      this.tenants.set(view.id, { view, fingerprint, intervals, dueAt, failures: known?.failures ?? {} });
    }
    const ids = new Set(views.map((v) => v.id));
    for (const id of this.tenants.keys()) {
      if (ids.has(id)) continue;
      this.tenants.delete(id);
      this.clients.delete(id);
      this.governors.delete(id);
    }
  }

  /** Settings are validated when saved; a tenant whose stored ones are still bad keeps the defaults. */
  private schedulesOf(view: TenantView): Schedules {
    try {
      return resolveSchedules(view.settings);
    } catch (err) {
      this.logger.warn(
        { tenant: view.name, err },
        'invalid schedules in the tenant settings; using the defaults',
      );
      return resolveSchedules({});
    }
  }

  /** Queues what is due and sets the timer for what is due next (and the next tenant re-read). */
  private arm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.phase !== 'started') return;
    const now = this.clock.now();
    if (now >= this.nextRefreshAt) {
      this.nextRefreshAt = Number.POSITIVE_INFINITY;
      void this.refresh();
    }
    let wake = this.nextRefreshAt;
    for (const [tenantId, state] of this.tenants) {
      // A tenant with a run queued or going is planned again when it ends.
      if (!state.view.enabled || (this.jobsPerTenant.get(tenantId) ?? 0) > 0) continue;
      const due = Resources.filter((r) => (state.dueAt[r] ?? Number.POSITIVE_INFINITY) <= now);
      if (due.length > 0) {
        void this.enqueue({
          tenantId,
          only: withHealth(due, state.intervals),
          mode: 'auto',
          reason: 'scheduler',
        });
        continue;
      }
      for (const at of Object.values(state.dueAt)) wake = Math.min(wake, at);
    }
    if (wake === Number.POSITIVE_INFINITY) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.arm();
    }, wake - now);
  }

  private enqueue(job: SyncJob): Promise<void> {
    const key = `${job.tenantId}|${job.mode}|${job.only.join(',')}`;
    const queued = this.pending.get(key);
    if (queued) return queued.done;
    let resolve = () => {};
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const run: PendingRun = { job, done, resolve, settled: false };
    this.pending.set(key, run);
    this.jobsPerTenant.set(job.tenantId, (this.jobsPerTenant.get(job.tenantId) ?? 0) + 1);
    this.track(1);
    this.queue.enqueue(SYNC_JOB, job, { singletonKey: key, group: job.tenantId }).then(
      (id) => {
        // Absorbed by a job another process queued (a shared queue): that one does the work.
        if (id === null && this.pending.get(key) === run) {
          this.pending.delete(key);
          this.settle(run);
        }
      },
      (err) => {
        this.logger.error({ err, tenant: job.tenantId }, 'queueing a sync failed');
        if (this.pending.get(key) === run) this.pending.delete(key);
        this.settle(run);
      },
    );
    return done;
  }

  private settle(run: PendingRun): void {
    if (run.settled) return;
    run.settled = true;
    const left = (this.jobsPerTenant.get(run.job.tenantId) ?? 1) - 1;
    if (left > 0) this.jobsPerTenant.set(run.job.tenantId, left);
    else this.jobsPerTenant.delete(run.job.tenantId);
    // Plan before counting down, so `whenIdle` does not resolve between a run and the one it makes due.
    this.arm();
    this.track(-1);
    run.resolve();
  }

  private async runJob(job: Job<SyncJob>): Promise<void> {
    const key = job.singletonKey ?? '';
    const run = this.pending.get(key);
    if (!run) return;
    // Started: a trigger from now on queues a new run, which will see what changed meanwhile.
    this.pending.delete(key);
    try {
      const { tenantId } = job.payload;
      if (!this.tenants.has(tenantId)) await this.refresh();
      for (const resource of job.payload.only) {
        const state = this.tenants.get(tenantId);
        if (this.phase === 'stopped' || !state?.view.enabled) break;
        await this.runResource(state.view, resource, job.payload);
      }
    } finally {
      this.settle(run);
    }
  }

  private async runResource(tenant: TenantView, resource: Resource, job: SyncJob): Promise<void> {
    const started = this.clock.now();
    const progress: Progress = { resource, startedAt: new Date(started).toISOString(), pages: 0, items: 0 };
    this.running.set(tenant.id, progress);
    let error: Error | null = null;
    let before = 0;
    try {
      before = await this.lastRunId(tenant.id, resource);
      const client = await this.clientFor(tenant);
      await syncTenant({
        store: this.store,
        tenant: tenant.id,
        client,
        only: [resource],
        mode: job.mode,
        onProgress: (p) => {
          progress.pages = p.pages;
          progress.items = p.items;
        },
      });
    } catch (err) {
      const cause = err instanceof SyncFailedError ? (err.failures[resource] ?? err) : err;
      error = cause instanceof Error ? cause : new Error(String(cause));
    } finally {
      this.running.delete(tenant.id);
    }
    const failures = this.reschedule(tenant.id, resource, error === null);
    if (error) {
      this.logger.warn(
        { tenant: tenant.name, resource, failures, err: error.message },
        'sync failed; it is retried on its schedule',
      );
    }
    const row = await this.store.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('tenant', '=', tenant.id)
      .where('resource', '=', resource)
      .where('id', '>', before)
      .orderBy('id', 'desc')
      .executeTakeFirst()
      .catch(() => undefined);
    const recorded = row ? summary(row) : null;
    const event: RunFinishedEvent = {
      tenantId: tenant.id,
      tenantName: tenant.name,
      resource,
      status: error ? 'failed' : 'succeeded',
      durationMs:
        recorded?.finishedAt != null
          ? Date.parse(recorded.finishedAt) - Date.parse(recorded.startedAt)
          : this.clock.now() - started,
      apiCalls: recorded?.apiCalls ?? 0,
      fetched: recorded?.fetched ?? 0,
      upserted: recorded?.upserted ?? 0,
      removed: recorded?.removed ?? 0,
      throttledMs: recorded?.throttledMs ?? 0,
      error: error?.message ?? null,
      reason: job.reason,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err }, 'a run listener failed');
      }
    }
  }

  /** Sets the resource's next due time after a run; returns its consecutive failures. */
  private reschedule(tenantId: string, resource: Resource, succeeded: boolean): number {
    const state = this.tenants.get(tenantId);
    if (!state) return 0;
    const failures = succeeded ? 0 : (state.failures[resource] ?? 0) + 1;
    state.failures[resource] = failures;
    const intervalMs = state.intervals[resource];
    if (intervalMs === null || !state.view.enabled) delete state.dueAt[resource];
    else
      state.dueAt[resource] = nextDueAt({ now: this.clock.now(), intervalMs, failures, random: this.random });
    return failures;
  }

  private async lastRunId(tenantId: string, resource: Resource): Promise<number> {
    const row = await this.store.db
      .selectFrom('sync_runs')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('tenant', '=', tenantId)
      .where('resource', '=', resource)
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  /**
   * The rate governor of a tenant (tenants.id), created on first use: the response module's clients take it
   * too, so a tenant's syncs and response actions draw from one budget (response calls first, by priority).
   */
  governorFor(tenantId: string): Governor {
    let governor = this.governors.get(tenantId);
    if (!governor) {
      governor = new TokenBucketGovernor();
      this.governors.set(tenantId, governor);
    }
    const view = this.tenants.get(tenantId)?.view;
    if (view && !this.announced.has(governor)) {
      this.announced.add(governor);
      this.onGovernor?.(view, governor);
    }
    return governor;
  }

  /** Cached per tenant until its row changes (credentials, URLs); the governor outlives the client. */
  private async openClient(tenant: TenantView): Promise<DefenderClient> {
    const cached = this.clients.get(tenant.id);
    if (cached?.updatedAt === tenant.updated_at) return cached.client;
    const governor = this.governorFor(tenant.id);
    if (!this.announced.has(governor)) {
      this.announced.add(governor);
      this.onGovernor?.(tenant, governor);
    }
    const { client } = await openTenantClient(this.store, tenant.name, this.env, {
      governor,
      logger: this.logger,
    });
    this.clients.set(tenant.id, { updatedAt: tenant.updated_at, client });
    return client;
  }

  private track(delta: number): void {
    this.inFlight += delta;
    if (this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Health is derived from the stored devices (no API call), so it follows every devices run unless off. */
function withHealth(resources: Resource[], intervals: Schedules | undefined): Resource[] {
  const healthOn = (intervals ?? defaultIntervals).health !== null;
  if (!resources.includes('machines') || resources.includes('health') || !healthOn) return resources;
  return Resources.filter((r) => r === 'health' || resources.includes(r));
}

import type { Resource, SyncMode } from '../sync/sync-context.js';
import type { RunSummary } from '../sync/tenant-sync-status.js';

/** One resource of one tenant as the scheduler sees it. */
export interface ResourceSchedule {
  resource: Resource;
  /** The configured interval (tenant settings `schedules.<resource>`, else the default). */
  intervalMs: number;
  /** False when the tenant's settings switch this resource off (`"off"`): it then runs only when triggered. */
  enabled: boolean;
  /** When the next scheduled run is due (jitter applied); null when the tenant is disabled. */
  nextRunAt: string | null;
  lastRun: RunSummary | null;
  /** Present while a run of this resource is in progress. */
  running: { startedAt: string; pages: number; items: number } | null;
}

export interface TenantSchedule {
  tenantId: string;
  tenantName: string;
  enabled: boolean;
  isDemo: boolean;
  resources: ResourceSchedule[];
}

export interface SyncRequest {
  only?: Resource[];
  mode?: SyncMode;
  /** Who asked (for logs and audit): a user name, `scheduler`, `action`. */
  reason?: string;
}

/**
 * What the API, the CLI and the response module need from the sync scheduler. The in-process scheduler
 * implements it for `mde-bridge start`; a PostgreSQL job queue can implement it for scale-out.
 */
export interface SyncController {
  /** Schedules of every tenant (or one, by tenants.id). */
  status(tenantId?: string): Promise<TenantSchedule[]>;
  /**
   * Queues a run now (coalesced with a run of the same resources already queued or running) and returns
   * without waiting for it; `done` settles when it has finished.
   */
  trigger(tenantId: string, request?: SyncRequest): { accepted: Resource[]; done: Promise<void> };
  /** Re-reads the tenants now (call after adding, removing, enabling or re-configuring one). */
  refresh?(): Promise<void>;
}

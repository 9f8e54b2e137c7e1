/**
 * The response module's housekeeping, one pass at start and every 15 s: expires approvals pending for 24 h,
 * resolves requests a crash left `sending` (recover-requests.ts), and while a tenant has a request pending
 * sweeps its machine actions every 15 s instead of the schedule's minute, so an outcome shows quickly.
 * Lockdown releases have their own loop (lockdown-releaser.ts).
 */
import { type PeriodicLoopOptions, type PeriodicTask, startPeriodicTask } from '../jobs/periodic-task.js';
import { expireApprovals } from './approvals.js';
import { recoverStaleRequests } from './recover-requests.js';
import type { ResponseDeps } from './request-action.js';

export const MAINTENANCE_INTERVAL_MS = 15_000;
/** How often a tenant with pending requests gets an `actions` sweep. */
export const PENDING_SWEEP_MS = 15_000;

/** `started` settles when the first pass (the one at start) has finished; `stop()` waits for a pass in progress. */
export type ResponseMaintenance = PeriodicTask<MaintenancePass>;

export interface MaintenancePass {
  expired: number;
  adopted: number;
  failed: number;
  /** Tenants whose machine actions were swept for their pending requests. */
  swept: string[];
}

export interface ResponseMaintenanceOptions extends ResponseDeps, PeriodicLoopOptions {}

export function startResponseMaintenance(options: ResponseMaintenanceOptions): ResponseMaintenance {
  const now = () => options.now?.() ?? new Date();
  const lastSweep = new Map<string, number>();

  const step = async <T>(what: string, fn: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      options.logger?.warn({ err }, `response maintenance: ${what} failed; retrying on the next tick`);
      return fallback;
    }
  };

  const sweepPending = async (): Promise<string[]> => {
    if (!options.sync) return [];
    const rows = await options.store.db
      .selectFrom('response_requests')
      .select('tenant')
      .distinct()
      .where('state', '=', 'pending')
      .execute();
    const at = now().getTime();
    const swept: string[] = [];
    for (const { tenant } of rows) {
      if (at - (lastSweep.get(tenant) ?? Number.NEGATIVE_INFINITY) < PENDING_SWEEP_MS) continue;
      lastSweep.set(tenant, at);
      // Coalesced with a sweep already queued or running; the tracker runs after it (service/after-sync.ts).
      options.sync.trigger(tenant, { only: ['actions'], reason: 'action' }).done.catch(() => {});
      swept.push(tenant);
    }
    return swept;
  };

  const pass = async (): Promise<MaintenancePass> => {
    const expired = await step('expiring approvals', () => expireApprovals(options), 0);
    const recovered = await step('recovering requests left sending', () => recoverStaleRequests(options), {
      adopted: 0,
      failed: 0,
    });
    const swept = await step('sweeping pending actions', sweepPending, []);
    return { expired, ...recovered, swept };
  };

  const fallback: MaintenancePass = { expired: 0, adopted: 0, failed: 0, swept: [] };
  const intervalMs = options.intervalMs ?? MAINTENANCE_INTERVAL_MS;
  return startPeriodicTask({ ...options, name: 'response maintenance', intervalMs, tick: pass, fallback });
}

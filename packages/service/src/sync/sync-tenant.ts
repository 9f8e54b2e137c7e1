import type { DefenderClient } from '@mde-bridge/client';
import type { Store } from '../store/store.js';
import { syncAlerts } from './alerts-sync.js';
import { syncHealth } from './health-sync.js';
import { syncMachineActions } from './machine-actions-sync.js';
import { syncMachines } from './machines-sync.js';
import { failInterruptedRuns } from './run-recorder.js';
import { syncScores } from './scores-sync.js';
import { syncSoftware } from './software-sync.js';
import {
  type Resource,
  type ResourceResult,
  Resources,
  type SyncContext,
  type SyncMode,
  type SyncProgress,
} from './sync-context.js';
import { syncVulnerabilities } from './vulnerabilities-sync.js';

export interface SyncTenantOptions {
  store: Store;
  /** The bridge's tenant key (`tenants.id`). */
  tenant: string;
  client: DefenderClient;
  /** Default: every resource, in the order of `Resources`. */
  only?: readonly Resource[];
  mode?: SyncMode;
  onProgress?: (progress: SyncProgress) => void;
}

export type SyncTenantResult = Partial<Record<Resource, ResourceResult>>;

/** Some resources failed; the others' results are kept. */
export class SyncFailedError extends Error {
  override name = 'SyncFailedError';
  constructor(
    readonly results: SyncTenantResult,
    readonly failures: Partial<Record<Resource, Error>>,
  ) {
    super(
      Object.entries(failures)
        .map(([resource, err]) => `${resource}: ${err.message}`)
        .join('; '),
    );
  }
}

/** A tenant is already being synced by this process. */
export class SyncBusyError extends Error {
  override name = 'SyncBusyError';
}

const syncers: Record<Resource, (ctx: SyncContext) => Promise<ResourceResult>> = {
  machines: syncMachines,
  alerts: syncAlerts,
  actions: syncMachineActions,
  vulnerabilities: syncVulnerabilities,
  software: syncSoftware,
  scores: syncScores,
  health: syncHealth,
};

const busy = new Set<string>();

/**
 * Syncs the chosen resources of one tenant, one after the other; a failing resource does not stop the
 * others (the error names each failure). Runs left `running` by a killed process are marked failed first.
 */
export async function syncTenant(options: SyncTenantOptions): Promise<SyncTenantResult> {
  const { store, tenant } = options;
  const key = `${store.location}\u0000${tenant}`;
  if (busy.has(key)) throw new SyncBusyError(`tenant ${tenant} is already being synced`);
  busy.add(key);
  try {
    await failInterruptedRuns(store.db, tenant);
    const ctx: SyncContext = {
      store,
      tenant,
      client: options.client,
      mode: options.mode ?? 'auto',
      onProgress: options.onProgress,
    };
    const results: SyncTenantResult = {};
    const failures: Partial<Record<Resource, Error>> = {};
    for (const resource of Resources.filter((r) => !options.only || options.only.includes(r))) {
      try {
        results[resource] = await syncers[resource](ctx);
      } catch (err) {
        failures[resource] = err instanceof Error ? err : new Error(String(err));
      }
    }
    if (Object.keys(failures).length > 0) throw new SyncFailedError(results, failures);
    return results;
  } finally {
    busy.delete(key);
  }
}

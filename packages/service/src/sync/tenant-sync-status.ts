import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { lastRuns, type SyncRun } from './run-recorder.js';
import { type Resource, Resources } from './sync-context.js';

export interface RunSummary {
  mode: 'full' | 'delta';
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  fetched: number;
  upserted: number;
  removed: number;
  apiCalls: number;
  throttledMs: number;
  error: string | null;
}

export interface TenantSyncStatus {
  /** Keyed as the emulator's `/_emulator/info` counts, so the two compare directly. */
  counts: {
    devices: number;
    alerts: number;
    machineActions: number;
    /** CVE catalogue rows. */
    vulnerabilities: number;
    deviceVulnerabilities: number;
    software: number;
    recommendations: number;
  };
  /** The newest run of each resource; null when it never ran. */
  lastRuns: Record<Resource, RunSummary | null>;
}

/** What the replica of one tenant holds and how its last runs went. */
export async function tenantSyncStatus(db: Kysely<Database>, tenant: string): Promise<TenantSyncStatus> {
  const count = async (
    table:
      | 'devices'
      | 'alerts'
      | 'machine_actions'
      | 'vulnerabilities'
      | 'device_vulnerabilities'
      | 'software'
      | 'recommendations',
  ) => {
    let query = db
      .selectFrom(table as 'devices')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant', '=', tenant);
    if (table === 'devices') query = query.where('removed_at', 'is', null);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };
  const runs = await lastRuns(db, tenant);
  return {
    counts: {
      devices: await count('devices'),
      alerts: await count('alerts'),
      machineActions: await count('machine_actions'),
      vulnerabilities: await count('vulnerabilities'),
      deviceVulnerabilities: await count('device_vulnerabilities'),
      software: await count('software'),
      recommendations: await count('recommendations'),
    },
    lastRuns: Object.fromEntries(Resources.map((r) => [r, runs[r] ? summary(runs[r]) : null])) as Record<
      Resource,
      RunSummary | null
    >,
  };
}

export function summary(run: SyncRun): RunSummary {
  return {
    mode: run.mode,
    status: run.status,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    fetched: Number(run.fetched),
    upserted: Number(run.upserted),
    removed: Number(run.removed),
    apiCalls: Number(run.api_calls),
    throttledMs: Number(run.throttled_ms),
    error: run.error,
  };
}

import type { ApiFamily, DefenderClient } from '@mde-bridge/client';
import type { Store } from '../store/store.js';

/**
 * What a sync can replicate: devices, alerts, machine actions with isolation state, vulnerabilities (CVE
 * catalogue + per-device rows), software with recommendations, scores, and device health (derived from the
 * devices, so it runs after `machines`).
 */
export const Resources = [
  'machines',
  'alerts',
  'actions',
  'vulnerabilities',
  'software',
  'scores',
  'health',
] as const;
export type Resource = (typeof Resources)[number];

/** The governor families each resource's calls are counted under (throttle waits are read per family). */
export const resourceFamily: Record<Resource, readonly ApiFamily[]> = {
  machines: ['machines'],
  alerts: ['alerts'],
  actions: ['machineActions'],
  vulnerabilities: ['vulnerabilities'],
  software: ['software', 'recommendations'],
  scores: ['scores'],
  health: [],
};

/** `auto`: full when there is no cursor yet (machines also when the last full reconcile is over 24 h old). */
export type SyncMode = 'full' | 'delta' | 'auto';

export interface SyncProgress {
  resource: Resource;
  pages: number;
  items: number;
}

export interface SyncContext {
  store: Store;
  /** The bridge's tenant key (`tenants.id`), not the Entra tenant id. */
  tenant: string;
  client: DefenderClient;
  mode?: SyncMode;
  onProgress?: (progress: SyncProgress) => void;
}

/** One resource's run, as `syncTenant` and `mde-bridge sync --json` report it. */
export interface ResourceResult {
  fetched: number;
  upserted: number;
  removed: number;
  /** Pages fetched (one listing call each; retries of a page are not counted again). */
  apiCalls: number;
  ms: number;
  /** Alerts and machine actions: rows seen for the first time vs new versions of known rows. */
  created?: number;
  updated?: number;
}

/** Multi-row statements are cut to this many rows, well under SQLite's bound-variable limit. */
export const MAX_ROWS_PER_STATEMENT = 500;

export function chunks<T>(items: readonly T[], size = MAX_ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `iso` moved by `deltaMs`, in the sortable millisecond form the store keeps. */
export function shiftIso(iso: string, deltaMs: number): string {
  return new Date(Date.parse(iso) + deltaMs).toISOString();
}

export function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a >= b ? a : b;
}

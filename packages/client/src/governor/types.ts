/**
 * Contract of the rate-limit governor (C4). Defender counts calls per application + tenant and per API
 * (spec 9.1); the governor keeps token buckets per (tenant, client, family) at the published limits and
 * hands out permits by priority, so a bulk sync never starves an isolation request.
 */
export const ApiFamilies = [
  'token',
  'machines',
  'alerts',
  'alertsBatch',
  'machineActions',
  'responseActions',
  'liveResponse',
  'packageUri',
  'machineVulnerabilities',
  'vulnerabilities',
  'software',
  'recommendations',
  'scores',
  'indicators',
  'files',
  'hunting',
  'graph',
] as const;
export type ApiFamily = (typeof ApiFamilies)[number];

/** Highest first: response actions, on-demand look-ups, alert polling, bulk sync. */
export const Priorities = ['response', 'lookup', 'polling', 'bulk'] as const;
export type Priority = (typeof Priorities)[number];

export interface FamilyLimit {
  perMinute: number;
  perHour: number;
}

export interface GovernorKey {
  tenantId: string;
  clientId: string;
  family: ApiFamily;
}

export interface GovernorStats {
  /** Permits granted, by family. */
  granted: Record<string, number>;
  /** Callers that had to wait, and for how long in total (ms), by family. */
  waits: Record<string, { count: number; totalMs: number }>;
  /** 429 answers reported back by the pipeline, by family. */
  throttled: Record<string, number>;
  /** Callers waiting now, by priority. */
  queued: Record<Priority, number>;
}

export interface Governor {
  /** Resolves when a call of this family may be sent; rejects with the signal's reason on abort. */
  acquire(key: GovernorKey, priority: Priority, signal?: AbortSignal): Promise<void>;
  /** The service answered 429: hold every caller of this key for `retryAfterMs`. */
  throttled(key: GovernorKey, retryAfterMs: number): void;
  stats(): GovernorStats;
}

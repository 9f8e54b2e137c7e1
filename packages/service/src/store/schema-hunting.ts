/**
 * Tables of advanced hunting, stitching and detection validation (issue 8). Add each table's interface to
 * `HuntingTables`, and its name to exactly one of the two lists below. The detections themselves and their
 * root cause are in schema-detections.ts.
 */

export interface HuntingTables {
  hunting_queries: HuntingQueryTable;
  hunting_runs: HuntingRunTable;
  hunting_cache: HuntingCacheTable;
  validations: ValidationTable;
}

/** A saved query of one user (CONTRACT.md `SavedQuery`). */
export interface HuntingQueryTable {
  id: string;
  /** users.id of the owner (or `token:<id>` for an API token). */
  owner: string;
  name: string;
  query: string;
  created_at: string;
  updated_at: string;
}

/**
 * Every hunting query the bridge ran or refused: a user's history, and the quota ledger (rows with
 * `api_called` = 1 are calls Defender counted).
 */
export interface HuntingRunTable {
  id: string;
  tenant: string;
  /** users.id / `token:<id>` / 'system' (stitching). */
  actor: string;
  /** 'user' | 'stitch' | 'probe' */
  purpose: string;
  query: string;
  /** 'mde' | 'graph' | null (refused before any call) */
  api: string | null;
  api_called: number;
  /** succeeded | failed | refused */
  state: string;
  row_count: number | null;
  /** Defender's Stats.ExecutionTime (seconds), MDE API only. */
  execution_seconds: number | null;
  /** CPU seconds from Stats.resource_usage.cpu['total cpu'], MDE API only. */
  cpu_seconds: number | null;
  error: string | null;
  started_at: string;
  duration_ms: number | null;
}

/** Results of queries recently run, by query text (stitching re-uses them). */
export interface HuntingCacheTable {
  tenant: string;
  /** sha256 of the query text */
  query_hash: string;
  /** JSON {columns, rows} */
  result: string;
  created_at: string;
  expires_at: string;
}

/** A detection validation run (CONTRACT.md `Validation`). */
export interface ValidationTable {
  id: string;
  tenant: string;
  /** The actor host as given, and the device it matched (null when unmanaged). */
  host: string;
  device_id: string | null;
  /** JSON string[]: every name the host goes by (given alternates + the device's names). */
  host_names: string;
  activity_start: string;
  activity_end: string;
  grace_seconds: number;
  /** JSON string[] of MITRE technique IDs, e.g. T1059.001. */
  expected_techniques: string;
  /** polling | detected | missed | failed */
  state: string;
  /** JSON of CONTRACT.md `ValidationReport` (filled as alerts are found, final when not polling). */
  report: string | null;
  error: string | null;
  polls: number;
  next_poll_at: string | null;
  requested_by: string;
  created_at: string;
  finished_at: string | null;
}

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const huntingTenantTables = {
  hunting_runs: true,
  hunting_cache: true,
  validations: true,
} as const satisfies Partial<Record<keyof HuntingTables, true>>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const huntingBridgeTables = ['hunting_queries'] as const satisfies readonly (keyof HuntingTables)[];

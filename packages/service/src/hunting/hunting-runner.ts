/**
 * The one way the bridge runs a hunting query on a tenant (issue 8): checked by the KQL parser first, counted
 * in the quota ledger (`hunting_runs`), through the MDE API or Graph per the tenant's setting with fallback.
 * Users (API, CLI) and the stitcher both go through it.
 *
 * PLACEHOLDER: the hunting helper implements `HuntingRunner`; the stitcher depends only on this interface.
 */

export interface HuntingColumn {
  name: string;
  type: string;
}

export interface HuntingRunInput {
  /** tenants.id */
  tenant: string;
  query: string;
  /** users.id, `token:<id>` or 'system' */
  actor: string;
  purpose: 'user' | 'stitch' | 'probe';
  /** Graph Timespan (ISO 8601 interval); the MDE API ignores it. */
  timespan?: string;
  /** Re-use a result of the same query text younger than this (stitching); default: no cache. */
  cacheSeconds?: number;
}

export interface HuntingRunOutput {
  runId: string;
  tenantId: string;
  api: 'mde' | 'graph';
  columns: HuntingColumn[];
  /** Rows keyed by column name; DateTime values as ISO strings. */
  rows: Record<string, unknown>[];
  rowCount: number;
  executionSeconds: number | null;
  /** True when answered from the cache (no call spent). */
  cached: boolean;
}

export interface HuntingRunner {
  /**
   * Runs a query. Throws HuntingError (hunting/hunting-errors.ts, the helper defines it) with a code:
   * 'invalid_query' (with diagnostics), 'hunting_unavailable', 'hunting_quota', 'defender_error'.
   */
  run(input: HuntingRunInput): Promise<HuntingRunOutput>;
}

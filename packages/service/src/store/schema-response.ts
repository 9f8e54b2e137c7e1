/**
 * Tables of response actions and manual lockdowns (issue 7). Add each table's interface to `ResponseTables`,
 * and its name to exactly one of the two lists below: the store will not compile until every table is in one
 * (removing a tenant must not leave its rows behind).
 */

export interface ResponseTables {
  response_requests: ResponseRequestTable;
  lockdowns: LockdownTable;
}

export type ResponseRequestState = 'sending' | 'pending' | 'succeeded' | 'failed' | 'cancelled';

/** One response action asked of the bridge (response/request-action.ts), from the request to its outcome. */
export interface ResponseRequestTable {
  id: string;
  tenant: string;
  device_id: string;
  /** ResponseAction: isolate, release, scan, restrict, unrestrict, collect. */
  type: string;
  state: ResponseRequestState;
  /**
   * `tenant|device|group` while the request is in flight (sending or pending), NULL afterwards. Unique: at
   * most one in-flight request per device and group, across every process (isolate and release share the
   * group `isolation`, restrict and unrestrict `restriction`, so they cannot race).
   */
  inflight_key: string | null;
  defender_action_id: string | null;
  /** Defender's MachineAction.status as last seen. */
  defender_status: string | null;
  comment: string;
  isolation_type: string | null;
  scan_type: string | null;
  requested_by: string;
  requested_at: string;
  /** When Defender answered 201 (or the existing action was adopted). */
  sent_at: string | null;
  completed_at: string | null;
  error: string | null;
  /** The lockdown this request locks or releases, if any. */
  lockdown_id: string | null;
}

export type LockdownState = 'locking' | 'active' | 'releasing' | 'released' | 'failed';

/** A manual lockdown: a host isolated until `ends_at`, then released by the lockdown releaser. */
export interface LockdownTable {
  id: string;
  tenant: string;
  device_id: string;
  state: LockdownState;
  /** `tenant|device` while the lockdown is not over (locking, active, releasing), NULL afterwards. Unique. */
  active_key: string | null;
  comment: string;
  locked_by: string;
  locked_at: string;
  ends_at: string;
  released_at: string | null;
  released_by: string | null;
  /** 1 when the release was sent after its time (the bridge was down at ends_at). */
  released_late: number;
  isolate_request_id: string | null;
  release_request_id: string | null;
}

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const responseTenantTables = { response_requests: true, lockdowns: true } as const satisfies Partial<
  Record<keyof ResponseTables, true>
>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const responseBridgeTables = [] as const satisfies readonly (keyof ResponseTables)[];

/**
 * Tables of network detections, automatic lockdown policies and approvals (issue 7), and the root cause
 * the stitcher attaches to a detection (issue 8). Add each table's interface to `DetectionTables`, and its
 * name to exactly one of the two lists below.
 */

export interface DetectionTables {
  detections: DetectionTable;
  lockdown_policies: LockdownPolicyTable;
  policy_decisions: PolicyDecisionTable;
  approvals: ApprovalTable;
  approval_rules: ApprovalRuleTable;
}

/**
 * A network detection posted to `POST /api/v1/detections` (by an NDR, a SIEM…). `id` is the bridge's;
 * (`source`, `external_id`) is unique, so a detection posted twice is stored once. A bridge table: a
 * detection outlives the tenant it was matched to (tenant/device become unmatched history).
 */
export interface DetectionTable {
  id: string;
  source: string;
  /** The sender's own ID of the detection (body `id`). */
  external_id: string;
  host_ip: string | null;
  host_name: string | null;
  /** 0–100 */
  threat_score: number | null;
  /** 0–100 */
  certainty_score: number | null;
  /** Observed privilege, 0–10. */
  privilege: number | null;
  category: string | null;
  remote_ip: string | null;
  remote_port: number | null;
  protocol: string | null;
  domain: string | null;
  url: string | null;
  /** When the detection happened (ISO). */
  detected_at: string;
  received_at: string;
  received_by: string;
  /** The device the host identifiers matched at `detected_at` (context matching), if any. */
  tenant: string | null;
  device_id: string | null;
  /** How it matched (`dns_name`, `ip_at_time`, … from context/) or `unmatched` / `ambiguous`. */
  match: string;
  /** What the automatic lockdown did: see CONTRACT.md `Detection.lockdown`. */
  lockdown_outcome: string | null;
  lockdown_id: string | null;
  approval_id: string | null;
  /** Stitching (issue 8): 'waiting' | 'running' | 'stitched' | 'not_found' | 'failed' | 'skipped'. */
  stitch_state: string;
  /** JSON of CONTRACT.md `RootCause`, when stitched. */
  root_cause: string | null;
  stitch_error: string | null;
  stitched_at: string | null;
  stitch_attempts: number;
}

/** An automatic lockdown policy (CONTRACT.md `LockdownPolicy`); list fields are JSON arrays. */
export interface LockdownPolicyTable {
  id: string;
  name: string;
  enabled: number;
  dry_run: number;
  /** NULL: every tenant. */
  tenant: string | null;
  min_threat: number | null;
  min_certainty: number | null;
  min_privilege: number | null;
  /** Informational | Low | Medium | High: the device has an active alert at least this severe. */
  min_alert_severity: string | null;
  /** low | medium | high | critical (risk/): the device's overall risk level at least this. */
  min_risk_level: string | null;
  /** '4h', '90m' … (parseLockdownDuration). */
  duration: string;
  isolation_type: string;
  /** JSON string[] */
  exclude_tags: string;
  exclude_high_value: number;
  /** JSON string[] */
  exclude_device_groups: string;
  /** JSON string[]: host names, IP addresses or machine IDs never locked. */
  allow_list: string;
  max_per_hour: number;
  require_approval: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** What one policy decided about one detection (also the hourly cap's ledger). */
export interface PolicyDecisionTable {
  id: string;
  policy_id: string;
  detection_id: string;
  tenant: string | null;
  device_id: string | null;
  /** locked | would_lock | awaiting_approval | below_threshold | excluded | capped | already_locked | unmatched | failed */
  decision: string;
  reason: string;
  dry_run: number;
  lockdown_id: string | null;
  approval_id: string | null;
  decided_at: string;
}

/** A response action or lockdown waiting for a second person (CONTRACT.md `Approval`). */
export interface ApprovalTable {
  id: string;
  tenant: string;
  device_id: string;
  /** 'action' (POST /hosts/:id/actions) or 'lockdown' (POST /hosts/:id/lockdown or a policy). */
  kind: string;
  /** ResponseAction for kind 'action'; 'isolate' for kind 'lockdown'. */
  action_type: string;
  /** JSON: the request to carry out once approved ({comment, isolationType?, scanType?, duration?}). */
  payload: string;
  /** pending | approved | rejected | expired | failed */
  state: string;
  /** Why an approval is needed: `policy '<name>'` or `device group '<group>'`. */
  reason: string;
  requested_by: string;
  requested_by_kind: string;
  requested_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  /** The response request or lockdown made once approved. */
  result_request_id: string | null;
  result_lockdown_id: string | null;
  error: string | null;
  policy_id: string | null;
  detection_id: string | null;
}

/** Device groups whose disruptive actions need a second person's approval. */
export interface ApprovalRuleTable {
  id: string;
  tenant: string;
  device_group: string;
  created_by: string;
  created_at: string;
}

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const detectionsTenantTables = { approvals: true, approval_rules: true } as const satisfies Partial<
  Record<keyof DetectionTables, true>
>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const detectionsBridgeTables = [
  'detections',
  'lockdown_policies',
  'policy_decisions',
] as const satisfies readonly (keyof DetectionTables)[];

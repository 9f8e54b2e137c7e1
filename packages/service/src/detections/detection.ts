/**
 * Detections and policy decisions as the API answers them (CONTRACT.md `Detection`, `PolicyDecision`), mapped
 * from their rows. `rootCause` is the stitcher's JSON (issue 8), passed through as it stored it.
 */
import type { Selectable } from 'kysely';
import type { DetectionTable, PolicyDecisionTable } from '../store/schema-detections.js';

export type DetectionRow = Selectable<DetectionTable>;
export type PolicyDecisionRow = Selectable<PolicyDecisionTable>;

export const DecisionKinds = [
  'locked',
  'awaiting_approval',
  'would_lock',
  'failed',
  'capped',
  'already_locked',
  'excluded',
  'below_threshold',
  'unmatched',
] as const;
/** Strongest first: a detection's `lockdown.outcome` is the strongest of its decisions. */
export type DecisionKind = (typeof DecisionKinds)[number];
export const LockdownOutcomes = [...DecisionKinds, 'no_policy'] as const;
export const StitchStates = ['waiting', 'running', 'stitched', 'not_found', 'failed', 'skipped'] as const;
export type StitchState = (typeof StitchStates)[number];

export interface PolicyDecision {
  id: string;
  policyId: string;
  policyName: string | null;
  detectionId: string;
  tenantId: string | null;
  machineId: string | null;
  hostName: string | null;
  decision: DecisionKind;
  reason: string;
  dryRun: boolean;
  lockdownId: string | null;
  approvalId: string | null;
  decidedAt: string;
}

export interface Detection {
  id: string;
  source: string;
  externalId: string;
  hostIp: string | null;
  hostName: string | null;
  threatScore: number | null;
  certaintyScore: number | null;
  privilege: number | null;
  category: string | null;
  remoteIp: string | null;
  remotePort: number | null;
  protocol: string | null;
  domain: string | null;
  url: string | null;
  timestamp: string;
  receivedAt: string;
  receivedBy: string;
  tenantId: string | null;
  machineId: string | null;
  deviceName: string | null;
  match: string;
  lockdown: {
    outcome: string | null;
    lockdownId: string | null;
    approvalId: string | null;
    decisions?: PolicyDecision[];
  };
  stitch: { state: StitchState; error: string | null; stitchedAt: string | null; attempts: number };
  /** CONTRACT.md `RootCause` (issue 8); lists omit its `evidence`. */
  rootCause: Record<string, unknown> | null;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** The stored root cause, or null when there is none or it cannot be read. */
function rootCauseOf(text: string | null, withEvidence: boolean): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const rootCause = { ...(value as Record<string, unknown>) };
    if (!withEvidence) delete rootCause.evidence;
    return rootCause;
  } catch {
    return null;
  }
}

/**
 * A detection row as the API answers it. `deviceName` comes from the device the row matched (null when
 * unmatched); `decisions` are included only for the full view (GET /detections/:id, POST /detections).
 */
export function toDetection(
  row: DetectionRow,
  extra: { deviceName?: string | null; decisions?: PolicyDecision[]; full?: boolean } = {},
): Detection {
  const full = extra.full ?? extra.decisions !== undefined;
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    hostIp: row.host_ip,
    hostName: row.host_name,
    threatScore: num(row.threat_score),
    certaintyScore: num(row.certainty_score),
    privilege: num(row.privilege),
    category: row.category,
    remoteIp: row.remote_ip,
    remotePort: num(row.remote_port),
    protocol: row.protocol,
    domain: row.domain,
    url: row.url,
    timestamp: row.detected_at,
    receivedAt: row.received_at,
    receivedBy: row.received_by,
    tenantId: row.tenant,
    machineId: row.device_id,
    deviceName: extra.deviceName ?? null,
    match: row.match,
    lockdown: {
      outcome: row.lockdown_outcome,
      lockdownId: row.lockdown_id,
      approvalId: row.approval_id,
      ...(extra.decisions ? { decisions: extra.decisions } : {}),
    },
    stitch: {
      state: row.stitch_state as StitchState,
      error: row.stitch_error,
      stitchedAt: row.stitched_at,
      attempts: Number(row.stitch_attempts),
    },
    rootCause: rootCauseOf(row.root_cause, full),
  };
}

export function toPolicyDecision(
  row: PolicyDecisionRow,
  extra: { policyName: string | null; hostName: string | null },
): PolicyDecision {
  return {
    id: row.id,
    policyId: row.policy_id,
    policyName: extra.policyName,
    detectionId: row.detection_id,
    tenantId: row.tenant,
    machineId: row.device_id,
    hostName: extra.hostName,
    decision: row.decision as DecisionKind,
    reason: row.reason,
    dryRun: Number(row.dry_run) === 1,
    lockdownId: row.lockdown_id,
    approvalId: row.approval_id,
    decidedAt: row.decided_at,
  };
}

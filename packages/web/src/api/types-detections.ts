// Types of the detections, automatic lockdown policy and approval routes (issue 7); they mirror
// packages/service/src/api/CONTRACT.md "Detections, automatic lockdown policies, approvals".

import type { Lockdown, ResponseRequest } from './types.js';
import type { RootCause } from './types-hunting.js';

/** A policy's answer for one detection, strongest first (the detection's outcome is the strongest one). */
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
export type DecisionKind = (typeof DecisionKinds)[number];

/** `lockdown.outcome`: a decision kind, or `no_policy` when no enabled policy applied. */
export type LockdownOutcome = DecisionKind | 'no_policy';

export type StitchState = 'waiting' | 'running' | 'stitched' | 'not_found' | 'failed' | 'skipped';
export const StitchStates: StitchState[] = [
  'waiting',
  'running',
  'stitched',
  'not_found',
  'failed',
  'skipped',
];

export interface PolicyDecision {
  id: string;
  policyId: string;
  policyName: string | null;
  detectionId: string;
  tenantId: string | null;
  machineId: string | null;
  hostName: string | null;
  decision: DecisionKind | string;
  reason: string;
  dryRun: boolean;
  lockdownId: string | null;
  approvalId: string | null;
  decidedAt: string;
}

export interface Detection {
  /** The bridge's ID. */
  id: string;
  source: string;
  /** The sender's ID (`id` of the DetectionInput). */
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
  /** 'dns_name' | 'alternate_name' | 'short_name' | 'ip_at_time' | 'current_ip' | 'unmatched' | 'ambiguous' … */
  match: string;
  lockdown: {
    outcome: LockdownOutcome | string | null;
    lockdownId: string | null;
    approvalId: string | null;
    /** Only on GET /detections/:id (and the POST answer). */
    decisions?: PolicyDecision[];
  };
  stitch: { state: StitchState; error: string | null; stitchedAt: string | null; attempts: number };
  rootCause: RootCause | null;
}

export interface DetectionInput {
  id: string;
  source: string;
  hostIp?: string;
  hostName?: string;
  threatScore?: number;
  certaintyScore?: number;
  privilege?: number;
  category?: string;
  remoteIp?: string;
  remotePort?: number;
  protocol?: string;
  domain?: string;
  url?: string;
  timestamp: string;
}

export type AlertSeverity = 'Informational' | 'Low' | 'Medium' | 'High';
export const AlertSeverities: AlertSeverity[] = ['Informational', 'Low', 'Medium', 'High'];
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export const RiskLevels: RiskLevel[] = ['low', 'medium', 'high', 'critical'];

export interface PolicyThresholds {
  minThreat: number | null;
  minCertainty: number | null;
  minPrivilege: number | null;
  minAlertSeverity: AlertSeverity | null;
  minRiskLevel: RiskLevel | null;
}

export interface PolicyExclusions {
  tags: string[];
  highValue: boolean;
  deviceGroups: string[];
  allowList: string[];
}

export interface LockdownPolicyInput {
  name: string;
  enabled?: boolean;
  dryRun?: boolean;
  tenantId?: string | null;
  thresholds: Partial<PolicyThresholds>;
  duration: string;
  isolationType?: 'Full' | 'Selective';
  exclusions?: Partial<PolicyExclusions>;
  maxPerHour?: number;
  requireApproval?: boolean;
}

export interface LockdownPolicy {
  id: string;
  name: string;
  enabled: boolean;
  dryRun: boolean;
  tenantId: string | null;
  thresholds: PolicyThresholds;
  duration: string;
  isolationType: 'Full' | 'Selective';
  exclusions: PolicyExclusions;
  maxPerHour: number;
  requireApproval: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired' | 'failed';
export const ApprovalStates: ApprovalState[] = ['pending', 'approved', 'rejected', 'expired', 'failed'];

export interface Approval {
  id: string;
  tenantId: string;
  machineId: string;
  hostName: string | null;
  kind: 'action' | 'lockdown';
  actionType: string;
  comment: string;
  duration: string | null;
  isolationType: string | null;
  scanType: string | null;
  state: ApprovalState;
  reason: string | null;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  resultRequestId: string | null;
  resultLockdownId: string | null;
  error: string | null;
  policyId: string | null;
  detectionId: string | null;
}

export interface ApprovalRule {
  id: string;
  tenantId: string;
  deviceGroup: string;
  createdBy: string;
  createdAt: string;
}

/** The 202 answer of POST /hosts/:id/actions and /hosts/:id/lockdown when a second person must approve. */
export interface ApprovalRequired {
  approvalRequired: true;
  approval: Approval;
}

export function isApprovalRequired(value: unknown): value is ApprovalRequired {
  return typeof value === 'object' && value !== null && (value as ApprovalRequired).approvalRequired === true;
}

export type ActionAnswer = ResponseRequest | ApprovalRequired;
export type LockdownAnswer = Lockdown | ApprovalRequired;

/**
 * Approvals (issue 7): a disruptive action (isolate, restrict, collect, lockdown) on a device whose group
 * has an approval rule, or asked by a policy with `requireApproval`, waits for a second person holding the
 * action's permission. CONTRACT.md "Detections, automatic lockdown policies, approvals".
 *
 * PLACEHOLDER SIGNATURES: the approvals helper implements them; the policy engine (detections/) calls
 * `approvalNeeded` and `createApproval`.
 */
import type { ResponseAction } from '../profiles/supported-actions.js';
import type { Requester, ResponseDeps } from './request-action.js';

/** An approval as the API answers it (CONTRACT.md `Approval`). */
export interface Approval {
  id: string;
  tenantId: string;
  machineId: string;
  hostName: string | null;
  kind: 'action' | 'lockdown';
  actionType: ResponseAction;
  comment: string;
  duration: string | null;
  isolationType: string | null;
  scanType: string | null;
  state: 'pending' | 'approved' | 'rejected' | 'expired' | 'failed';
  reason: string;
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

export interface NewApproval {
  tenant: string;
  deviceId: string;
  kind: 'action' | 'lockdown';
  actionType: ResponseAction;
  payload: {
    comment: string;
    isolationType?: 'Full' | 'Selective';
    scanType?: 'Quick' | 'Full';
    /** kind 'lockdown' */
    duration?: string;
  };
  /** Why it needs approval: `policy 'X'` or `device group 'Y'`. */
  reason: string;
  requestedBy: Requester;
  policyId?: string;
  detectionId?: string;
}

/**
 * Why this action on this device needs an approval (`device group 'Y'`), or null. Only isolate, restrict,
 * collect and lockdowns can need one.
 */
export async function approvalNeeded(
  _deps: Pick<ResponseDeps, 'store'>,
  _input: { tenant: string; deviceId: string; kind: 'action' | 'lockdown'; actionType: ResponseAction },
): Promise<string | null> {
  return null;
}

/** Records a pending approval (audited); sends nothing to Defender. */
export async function createApproval(_deps: ResponseDeps, _input: NewApproval): Promise<Approval> {
  throw new Error('approvals are not implemented yet');
}

/** Schemas of approvals and approval rules (CONTRACT.md "Detections, automatic lockdown policies, approvals"). */
import { Type } from 'typebox';
import { ResponseActions } from '../../../profiles/supported-actions.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });

export const ApprovalStates = ['pending', 'approved', 'rejected', 'expired', 'failed'] as const;

export const ApprovalSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    machineId: Type.String(),
    hostName: NullableString,
    kind: oneOf(['action', 'lockdown'] as const),
    actionType: oneOf(ResponseActions),
    comment: Type.String(),
    duration: NullableString,
    isolationType: NullableString,
    scanType: NullableString,
    state: oneOf(ApprovalStates),
    reason: Type.String(),
    requestedBy: Type.String(),
    requestedAt: Type.String(),
    expiresAt: Type.String(),
    decidedBy: NullableString,
    decidedAt: NullableString,
    decisionComment: NullableString,
    resultRequestId: NullableString,
    resultLockdownId: NullableString,
    error: NullableString,
    policyId: NullableString,
    detectionId: NullableString,
  },
  closed,
);

/** What POST /hosts/:id/actions and /lockdown answer (202) when the action waits for a second person. */
export const ApprovalRequiredSchema = Type.Object(
  { approvalRequired: Type.Literal(true), approval: ApprovalSchema },
  closed,
);

export const ApprovalRuleSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    deviceGroup: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
  },
  closed,
);

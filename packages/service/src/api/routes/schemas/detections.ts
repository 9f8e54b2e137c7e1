/**
 * Schemas of detections and lockdown policies (CONTRACT.md "Detections, automatic lockdown policies,
 * approvals"): bodies and queries (unknown fields are a 400), responses listing every field.
 */
import { Type } from 'typebox';
import { DecisionKinds, LockdownOutcomes, StitchStates } from '../../../detections/detection.js';
import { detectionSortFields } from '../../../detections/detection-queries.js';
import { AlertSeverities, MAX_EXCLUSION_ITEMS, PolicyRiskLevels } from '../../../detections/policies.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });
const nullableOneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T | null>({ type: ['string', 'null'], enum: [...values, null] });
/** An IP address; its syntax is checked by node:net (detections/detection-input.ts). */
const Ip = Type.String({ minLength: 1, maxLength: 64 });
const IsoTime = Type.String({ minLength: 1, maxLength: 64 });

/** Null first: with Ajv's type coercion a null would otherwise be taken as 0 by the integer branch. */
const OptionalScore = (max: number) =>
  Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: max })]));

export const DetectionBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    source: Type.String({ minLength: 1, maxLength: 100 }),
    hostIp: Type.Optional(Ip),
    hostName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    threatScore: OptionalScore(100),
    certaintyScore: OptionalScore(100),
    privilege: OptionalScore(10),
    category: Type.Optional(Type.String({ maxLength: 100 })),
    remoteIp: Type.Optional(Ip),
    remotePort: OptionalScore(65535),
    protocol: Type.Optional(Type.String({ maxLength: 16 })),
    domain: Type.Optional(Type.String({ maxLength: 255 })),
    url: Type.Optional(Type.String({ maxLength: 2048 })),
    timestamp: IsoTime,
  },
  closed,
);

export const DetectionListQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    tenantId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    machineId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    outcome: Type.Optional(oneOf(LockdownOutcomes)),
    stitch: Type.Optional(oneOf(StitchStates)),
    since: Type.Optional(IsoTime),
    until: Type.Optional(IsoTime),
    sort: Type.Optional(oneOf(detectionSortFields)),
    order: Type.Optional(oneOf(['asc', 'desc'] as const)),
  },
  closed,
);

export const PolicyDecisionSchema = Type.Object(
  {
    id: Type.String(),
    policyId: Type.String(),
    policyName: NullableString,
    detectionId: Type.String(),
    tenantId: NullableString,
    machineId: NullableString,
    hostName: NullableString,
    decision: oneOf(DecisionKinds),
    reason: Type.String(),
    dryRun: Type.Boolean(),
    lockdownId: NullableString,
    approvalId: NullableString,
    decidedAt: Type.String(),
  },
  closed,
);

export const DecisionListQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    policyId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    decision: Type.Optional(oneOf(DecisionKinds)),
    dryRun: Type.Optional(Type.Boolean()),
  },
  closed,
);

/** CONTRACT.md `RootCause` (issue 8): passed through as the stitcher stored it. */
const RootCauseSchema = Type.Object({}, { additionalProperties: true });

export const DetectionSchema = Type.Object(
  {
    id: Type.String(),
    source: Type.String(),
    externalId: Type.String(),
    hostIp: NullableString,
    hostName: NullableString,
    threatScore: NullableInt,
    certaintyScore: NullableInt,
    privilege: NullableInt,
    category: NullableString,
    remoteIp: NullableString,
    remotePort: NullableInt,
    protocol: NullableString,
    domain: NullableString,
    url: NullableString,
    timestamp: Type.String(),
    receivedAt: Type.String(),
    receivedBy: Type.String(),
    tenantId: NullableString,
    machineId: NullableString,
    deviceName: NullableString,
    match: Type.String(),
    lockdown: Type.Object(
      {
        outcome: NullableString,
        lockdownId: NullableString,
        approvalId: NullableString,
        decisions: Type.Optional(Type.Array(PolicyDecisionSchema)),
      },
      closed,
    ),
    stitch: Type.Object(
      {
        state: oneOf(StitchStates),
        error: NullableString,
        stitchedAt: NullableString,
        attempts: Type.Integer(),
      },
      closed,
    ),
    rootCause: Type.Union([RootCauseSchema, Type.Null()]),
  },
  closed,
);

// Null first: with Ajv's type coercion a null would otherwise be taken as 0 by the integer branch.
const Threshold = (max: number) =>
  Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: max })]));
const NameList = Type.Array(Type.String({ maxLength: 255 }), { maxItems: MAX_EXCLUSION_ITEMS });

export const LockdownPolicyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    enabled: Type.Optional(Type.Boolean()),
    dryRun: Type.Optional(Type.Boolean()),
    tenantId: Type.Optional(Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 64 })])),
    thresholds: Type.Object(
      {
        minThreat: Threshold(100),
        minCertainty: Threshold(100),
        minPrivilege: Threshold(10),
        minAlertSeverity: Type.Optional(nullableOneOf(AlertSeverities)),
        minRiskLevel: Type.Optional(nullableOneOf(PolicyRiskLevels)),
      },
      closed,
    ),
    duration: Type.String({ minLength: 1, maxLength: 16 }),
    isolationType: Type.Optional(oneOf(['Full', 'Selective'] as const)),
    exclusions: Type.Optional(
      Type.Object(
        {
          tags: Type.Optional(NameList),
          highValue: Type.Optional(Type.Boolean()),
          deviceGroups: Type.Optional(NameList),
          allowList: Type.Optional(NameList),
        },
        closed,
      ),
    ),
    maxPerHour: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    requireApproval: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const LockdownPolicySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    enabled: Type.Boolean(),
    dryRun: Type.Boolean(),
    tenantId: NullableString,
    thresholds: Type.Object(
      {
        minThreat: NullableInt,
        minCertainty: NullableInt,
        minPrivilege: NullableInt,
        minAlertSeverity: NullableString,
        minRiskLevel: NullableString,
      },
      closed,
    ),
    duration: Type.String(),
    isolationType: oneOf(['Full', 'Selective'] as const),
    exclusions: Type.Object(
      {
        tags: Type.Array(Type.String()),
        highValue: Type.Boolean(),
        deviceGroups: Type.Array(Type.String()),
        allowList: Type.Array(Type.String()),
      },
      closed,
    ),
    maxPerHour: Type.Integer(),
    requireApproval: Type.Boolean(),
    createdBy: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  closed,
);

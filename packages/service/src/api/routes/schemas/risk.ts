/** Schemas of a device's risk (CONTRACT.md "Host context, risk, profiles, webhooks"; risk/device-risk.ts). */
import { Type } from 'typebox';
import { RiskLevels } from '../../../risk/device-risk.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const RiskLevelSchema = Type.Unsafe<(typeof RiskLevels)[number]>({
  type: 'string',
  enum: [...RiskLevels],
});

const deviceRiskFields = {
  overall: RiskLevelSchema,
  exposure: RiskLevelSchema,
  alert: RiskLevelSchema,
  reasons: Type.Array(Type.String()),
  topVulnerability: Type.Union([
    Type.Object(
      {
        cveId: Type.String(),
        description: NullableString,
        cvssV3: Type.Union([Type.Number(), Type.Null()]),
        severity: NullableString,
        exploitAvailable: Type.Boolean(),
      },
      closed,
    ),
    Type.Null(),
  ]),
  vulnerabilityCount: Type.Integer(),
  topAlert: Type.Union([
    Type.Object({ id: Type.String(), title: NullableString, severity: NullableString }, closed),
    Type.Null(),
  ]),
  computedAt: Type.String(),
};

export const DeviceRiskSchema = Type.Object(deviceRiskFields, closed);

export const DeviceRiskWithHistorySchema = Type.Object(
  {
    ...deviceRiskFields,
    history: Type.Array(
      Type.Object(
        { at: Type.String(), overall: RiskLevelSchema, exposure: RiskLevelSchema, alert: RiskLevelSchema },
        closed,
      ),
    ),
  },
  closed,
);

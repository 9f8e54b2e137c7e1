/** Schemas of the profile and profile-rule routes (CONTRACT.md "Host context, risk, profiles, webhooks"). */
import { Type } from 'typebox';
import { MatchScores } from '../../../profiles/endpoint-profile.js';
import { RuleMatchScores } from '../../../profiles/profile-rules.js';
import { ResponseActions } from '../../../profiles/supported-actions.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });
const ProfileKindSchema = oneOf(['os', 'os_version', 'standard'] as const);

export const IdParams = Type.Object(
  { id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' }) },
  closed,
);

export const ProfileListQuery = Type.Object(
  {
    tenant: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })),
    kind: Type.Optional(ProfileKindSchema),
  },
  closed,
);

export const ProfileSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: ProfileKindSchema,
    tenantId: NullableString,
    tenantName: NullableString,
    os: NullableString,
    osVersion: NullableString,
    memberCount: Type.Integer(),
    supportedActions: Type.Array(oneOf(ResponseActions)),
  },
  closed,
);

export const ProfileMemberSchema = Type.Object(
  {
    kind: oneOf(['device', 'endpoint'] as const),
    id: Type.String(),
    name: NullableString,
    tenantId: NullableString,
    tenantName: NullableString,
    matchScore: oneOf(MatchScores),
    assignedAt: Type.String(),
  },
  closed,
);

const Attributes = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
  Type.String({ maxLength: 256 }),
  {
    maxProperties: 16,
  },
);

const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: 128 }),
  profileName: Type.String({ minLength: 1, maxLength: 128 }),
  hostnamePattern: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  attributes: Type.Optional(Attributes),
  matchScore: oneOf(RuleMatchScores),
  priority: Type.Optional(Type.Integer({ minimum: -1000000, maximum: 1000000 })),
  enabled: Type.Optional(Type.Boolean()),
};

export const ProfileRuleBody = Type.Object(ruleFields, closed);

export const ProfileRulePatchBody = Type.Object(
  {
    name: Type.Optional(ruleFields.name),
    profileName: Type.Optional(ruleFields.profileName),
    hostnamePattern: ruleFields.hostnamePattern,
    attributes: ruleFields.attributes,
    matchScore: Type.Optional(ruleFields.matchScore),
    priority: ruleFields.priority,
    enabled: ruleFields.enabled,
  },
  closed,
);

export const ProfileRuleSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    profileName: Type.String(),
    hostnamePattern: NullableString,
    attributes: Type.Record(Type.String(), Type.String()),
    matchScore: oneOf(RuleMatchScores),
    priority: Type.Integer(),
    enabled: Type.Boolean(),
    builtin: Type.Boolean(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  closed,
);

export const ApplyResultSchema = Type.Object(
  { devices: Type.Integer(), endpoints: Type.Integer(), dynamicProfiles: Type.Integer() },
  closed,
);

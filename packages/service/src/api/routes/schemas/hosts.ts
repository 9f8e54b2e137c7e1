/**
 * Schemas of the host and Defender-data routes (CONTRACT.md "Hosts and Defender data"): queries (unknown
 * parameters are a 400), and responses listing every field so OpenAPI describes them and nothing else leaks.
 */
import { type TSchema, Type } from 'typebox';
import { alertSortFields } from '../../../hosts/alert-queries.js';
import { hostSortFields } from '../../../hosts/host-queries.js';
import { deviceVulnerabilitySortFields, vulnerabilitySortFields } from '../../../hosts/tvm-queries.js';
import { HostMatchSchema } from './context.js';
import { DeviceRiskSchema, RiskLevelSchema } from './risk.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
/** A filter value: a Defender enum value or name, never empty. */
const Filter = Type.String({ minLength: 1, maxLength: 256 });
const Order = Type.Union([Type.Literal('asc'), Type.Literal('desc')]);
const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** Machine, alert and action IDs: Defender's are hex, GUIDs or `da…_…`; nothing else gets to a query. */
export const ItemParams = Type.Object(
  { id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' }) },
  closed,
);
const TenantFilter = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });

const paging = {
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
};

export const PageQuery = Type.Object(paging, closed);

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object(
    { items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
    closed,
  );

export const IsolationStateSchema = oneOf([
  'isolated',
  'isolating',
  'releasing',
  'not_isolated',
  'failed',
  'unknown',
]);

export const HostListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 256 })),
    tenant: Type.Optional(TenantFilter),
    os: Type.Optional(Filter),
    health: Type.Optional(Filter),
    exposure: Type.Optional(Filter),
    risk: Type.Optional(Filter),
    riskLevel: Type.Optional(RiskLevelSchema),
    isolation: Type.Optional(IsolationStateSchema),
    tag: Type.Optional(Filter),
    group: Type.Optional(Filter),
    managed: Type.Optional(Type.Boolean()),
    onboarding: Type.Optional(Filter),
    includeRemoved: Type.Boolean({ default: false }),
    ...paging,
    sort: Type.Optional(oneOf(hostSortFields)),
    order: Type.Optional(Order),
  },
  closed,
);

export const FacetsQuery = Type.Object({ tenant: Type.Optional(TenantFilter) }, closed);

const hostSummaryFields = {
  id: Type.String(),
  tenantId: Type.String(),
  tenantName: Type.String(),
  name: Type.String(),
  os: NullableString,
  osVersion: NullableString,
  healthStatus: NullableString,
  onboardingStatus: NullableString,
  riskScore: NullableString,
  exposureLevel: NullableString,
  riskLevel: Type.Union([RiskLevelSchema, Type.Null()]),
  deviceValue: NullableString,
  isolationState: IsolationStateSchema,
  lastSeen: NullableString,
  lastIpAddress: NullableString,
  tags: Type.Array(Type.String()),
  deviceGroup: NullableString,
  managed: Type.Boolean(),
  removed: Type.Boolean(),
};

export const HostSummarySchema = Type.Object(hostSummaryFields, closed);

export const HostDetailSchema = Type.Object(
  {
    ...hostSummaryFields,
    firstSeen: NullableString,
    aadDeviceId: NullableString,
    lastExternalIpAddress: NullableString,
    ipAddresses: Type.Array(
      Type.Object(
        { ip: Type.String(), firstSeenAt: Type.String(), lastSeenAt: Type.String(), current: Type.Boolean() },
        closed,
      ),
    ),
    isolation: Type.Union([
      Type.Object(
        {
          state: IsolationStateSchema,
          requestedBy: NullableString,
          at: NullableString,
          actionId: NullableString,
        },
        closed,
      ),
      Type.Null(),
    ]),
    health: Type.Union([Type.Object({ state: Type.String(), since: Type.String() }, closed), Type.Null()]),
    links: Type.Union([
      Type.Object({ overview: Type.String(), vulnerabilities: Type.String(), alerts: Type.String() }, closed),
      Type.Null(),
    ]),
    risk: Type.Union([DeviceRiskSchema, Type.Null()]),
    counts: Type.Object({ activeAlerts: Type.Integer(), vulnerabilities: Type.Integer() }, closed),
    isPotentialDuplicate: Type.Boolean(),
    mergedIntoMachineId: NullableString,
    match: Type.Optional(HostMatchSchema),
  },
  closed,
);

const FacetList = Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }, closed));

export const FacetsSchema = Type.Object(
  {
    os: FacetList,
    health: FacetList,
    risk: FacetList,
    exposure: FacetList,
    isolation: FacetList,
    groups: FacetList,
    tags: FacetList,
  },
  closed,
);

export const AlertListQuery = Type.Object(
  {
    tenant: Type.Optional(TenantFilter),
    severity: Type.Optional(Filter),
    status: Type.Optional(Filter),
    machineId: Type.Optional(ItemParams.properties.id),
    q: Type.Optional(Type.String({ maxLength: 256 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    ...paging,
    sort: Type.Optional(oneOf(alertSortFields)),
    order: Type.Optional(Order),
  },
  closed,
);

const alertFields = {
  id: Type.String(),
  tenantId: Type.String(),
  tenantName: Type.String(),
  machineId: NullableString,
  hostName: NullableString,
  title: NullableString,
  severity: NullableString,
  status: NullableString,
  category: NullableString,
  detectionSource: NullableString,
  createdAt: NullableString,
  lastUpdateTime: Type.String(),
  resolvedAt: NullableString,
  mitreTechniques: Type.Array(Type.String()),
};

export const AlertSchema = Type.Object(alertFields, closed);

export const AlertWithEvidenceSchema = Type.Object(
  {
    ...alertFields,
    evidence: Type.Array(
      Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true }),
    ),
  },
  closed,
);

export const ActionListQuery = Type.Object(
  {
    tenant: Type.Optional(TenantFilter),
    machineId: Type.Optional(ItemParams.properties.id),
    type: Type.Optional(Filter),
    status: Type.Optional(Filter),
    ...paging,
  },
  closed,
);

export const MachineActionSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    machineId: NullableString,
    hostName: NullableString,
    type: Type.String(),
    status: Type.String(),
    requestor: NullableString,
    comment: NullableString,
    scope: NullableString,
    createdAt: Type.String(),
    lastUpdateTime: Type.String(),
  },
  closed,
);

export const VulnerabilityListQuery = Type.Object(
  {
    tenant: Type.Optional(TenantFilter),
    severity: Type.Optional(Filter),
    q: Type.Optional(Type.String({ maxLength: 256 })),
    exploit: Type.Optional(Type.Boolean()),
    ...paging,
    sort: Type.Optional(oneOf(vulnerabilitySortFields)),
    order: Type.Optional(Order),
  },
  closed,
);

export const VulnerabilitySchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    severity: NullableString,
    cvssV3: NullableNumber,
    publicExploit: Type.Boolean(),
    exploitVerified: Type.Boolean(),
    exploitInKit: Type.Boolean(),
    description: NullableString,
    publishedOn: NullableString,
    exposedMachines: Type.Integer(),
  },
  closed,
);

export const DeviceVulnerabilityQuery = Type.Object(
  { ...paging, sort: Type.Optional(oneOf(deviceVulnerabilitySortFields)), order: Type.Optional(Order) },
  closed,
);

export const DeviceVulnerabilitySchema = Type.Object(
  {
    cveId: Type.String(),
    severity: NullableString,
    cvssV3: NullableNumber,
    publicExploit: Type.Boolean(),
    description: NullableString,
    productVendor: Type.String(),
    productName: Type.String(),
    productVersion: Type.String(),
    fixingKbId: NullableString,
  },
  closed,
);

export const SoftwareListQuery = Type.Object(
  { tenant: Type.Optional(TenantFilter), q: Type.Optional(Type.String({ maxLength: 256 })), ...paging },
  closed,
);

export const SoftwareSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    name: Type.String(),
    vendor: Type.String(),
    version: Type.Optional(Type.String()),
    exposedMachines: Type.Integer(),
    publicExploit: Type.Boolean(),
    weaknesses: Type.Integer(),
  },
  closed,
);

export const DashboardSchema = Type.Object(
  {
    tenants: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          name: Type.String(),
          isDemo: Type.Boolean(),
          enabled: Type.Boolean(),
          devices: Type.Integer(),
          lastSync: NullableString,
        },
        closed,
      ),
    ),
    devices: Type.Object(
      {
        total: Type.Integer(),
        byHealth: FacetList,
        byOs: FacetList,
        byExposure: FacetList,
        byRisk: FacetList,
        byIsolation: FacetList,
      },
      closed,
    ),
    alerts: Type.Object({ active: Type.Integer(), bySeverity: FacetList }, closed),
  },
  closed,
);

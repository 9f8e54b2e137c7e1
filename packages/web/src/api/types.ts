// These types mirror packages/service/src/api/CONTRACT.md (the /api/v1 contract). The UI never imports server
// code, so when the contract changes, change it here too.

export type Permission =
  | 'config.view'
  | 'config.edit'
  | 'hosts.view'
  | 'lockdown.edit'
  | 'actions.scan'
  | 'detections.submit'
  | 'hunting.run'
  | 'validation.run'
  | 'users.manage'
  | 'audit.view';

export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string; permission?: string; retryAfterSeconds?: number };
  testConnection?: TestConnectionResult;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  roleId: string;
  roleName: string;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface Role {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  permissions: Permission[];
  deviceGroups: string[] | null;
}

export interface RolesResponse {
  items: Role[];
  permissions: { name: Permission; description: string }[];
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  roleId: string;
  roleName: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorKind: 'user' | 'token' | 'cli' | 'system';
  actor: string;
  action: string;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  detail: Record<string, unknown>;
  ip: string | null;
}

export interface LoginResponse {
  user: User;
  csrfToken: string;
}

export interface Me {
  user: User | null;
  token: { id: string; name: string } | null;
  role: Role;
  permissions: Permission[];
  csrfToken: string | null;
}

export type Resource =
  | 'machines'
  | 'alerts'
  | 'actions'
  | 'vulnerabilities'
  | 'software'
  | 'scores'
  | 'health';
export const resources: readonly Resource[] = [
  'machines',
  'alerts',
  'actions',
  'vulnerabilities',
  'software',
  'scores',
  'health',
];

export interface TenantSettings {
  /** Per resource: a duration such as `1h`, `15m`, or `off`. */
  schedules?: Partial<Record<Resource, string>>;
  [key: string]: unknown;
}

export interface TenantInput {
  name: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificatePem?: string;
  privateKeyPem?: string;
  cloud?: string;
  apiUrl?: string | null;
  loginUrl?: string | null;
  graphUrl?: string | null;
  proxy?: string | null;
  enabled?: boolean;
  settings?: TenantSettings;
  validate?: boolean;
}

export interface Tenant {
  id: string;
  name: string;
  tenantId: string;
  clientId: string;
  cloud: string;
  apiUrl: string | null;
  loginUrl: string | null;
  graphUrl: string | null;
  proxy: string | null;
  credentialKind: 'secret' | 'certificate';
  credential: string;
  enabled: boolean;
  isDemo: boolean;
  settings: TenantSettings;
  createdAt: string;
  updatedAt: string;
}

export interface TestConnectionStep {
  name: string;
  ok: boolean;
  detail: string;
  ms?: number;
  /** From `mde-bridge test-connection --json`: informational steps (licence, clock) do not decide `ok`. */
  required?: boolean;
}

/**
 * A feature against the application's roles. The contract names `available` / `missing`; the client's own report
 * (`packages/client/src/operations/test-connection.ts`) names them `enabled` / `anyOf`, so both are read.
 */
export interface TestConnectionFeature {
  available?: boolean;
  missing?: string[];
  enabled?: boolean;
  anyOf?: string[];
  reason?: string;
}

export interface TestConnectionResult {
  ok: boolean;
  steps: TestConnectionStep[];
  permissions: Record<string, boolean>;
  features: Record<string, TestConnectionFeature>;
}

export interface RunSummary {
  mode: 'full' | 'delta';
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  fetched: number;
  upserted: number;
  removed: number;
  apiCalls: number;
  throttledMs: number;
  error: string | null;
}

export interface ResourceSchedule {
  resource: Resource;
  intervalMs: number;
  nextRunAt: string | null;
  lastRun: RunSummary | null;
  running: { startedAt: string; pages: number; items: number } | null;
}

export interface TenantSchedule {
  tenantId: string;
  tenantName: string;
  enabled: boolean;
  isDemo: boolean;
  resources: ResourceSchedule[];
}

export interface SyncRun {
  id: string;
  tenantId: string;
  tenantName: string;
  resource: Resource;
  mode: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  fetched: number;
  upserted: number;
  removed: number;
  apiCalls: number;
  throttledMs: number;
  error: string | null;
}

export type IsolationState = 'isolated' | 'isolating' | 'releasing' | 'not_isolated' | 'failed' | 'unknown';

export interface HostSummary {
  id: string;
  tenantId: string;
  tenantName: string;
  name: string;
  os: string | null;
  osVersion: string | null;
  healthStatus: string | null;
  onboardingStatus: string | null;
  riskScore: string | null;
  exposureLevel: string | null;
  /** The bridge's overall risk level (C6); null until first computed. */
  riskLevel: RiskLevel | null;
  deviceValue: string | null;
  isolationState: IsolationState;
  lastSeen: string | null;
  lastIpAddress: string | null;
  tags: string[];
  deviceGroup: string | null;
  managed: boolean;
  removed: boolean;
}

export interface HostDetail extends HostSummary {
  firstSeen: string | null;
  aadDeviceId: string | null;
  lastExternalIpAddress: string | null;
  ipAddresses: { ip: string; firstSeenAt: string; lastSeenAt: string; current: boolean }[];
  isolation: {
    state: IsolationState;
    requestedBy: string | null;
    at: string | null;
    actionId: string | null;
  } | null;
  health: { state: string; since: string | null } | null;
  /** Defender portal deep links; null when the tenant's cloud has no known portal (a custom cloud). */
  links: { overview: string; vulnerabilities: string; alerts: string } | null;
  /** The bridge's risk levels with their reasons (C6); null until first computed. */
  risk: DeviceRisk | null;
  counts: { activeAlerts: number; vulnerabilities: number };
  isPotentialDuplicate: boolean;
  mergedIntoMachineId: string | null;
  /** How network-observed endpoints were matched to this device (the newest endpoint row), when any. */
  match?: HostMatchInfo;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface HostFacets {
  os: FacetValue[];
  health: FacetValue[];
  risk: FacetValue[];
  exposure: FacetValue[];
  isolation: FacetValue[];
  groups: FacetValue[];
  tags: FacetValue[];
}

export interface Alert {
  id: string;
  tenantId: string;
  tenantName: string;
  machineId: string | null;
  hostName: string | null;
  title: string;
  severity: string;
  status: string;
  category: string | null;
  detectionSource: string | null;
  createdAt: string;
  lastUpdateTime: string | null;
  resolvedAt: string | null;
  mitreTechniques: string[];
  evidence?: Record<string, unknown>[];
}

export interface MachineAction {
  id: string;
  tenantId: string;
  machineId: string;
  hostName: string | null;
  type: string;
  status: string;
  requestor: string | null;
  comment: string | null;
  scope: string | null;
  createdAt: string;
  lastUpdateTime: string | null;
}

export interface Vulnerability {
  id: string;
  tenantId: string;
  severity: string;
  cvssV3: number | null;
  publicExploit: boolean;
  exploitVerified: boolean;
  exploitInKit: boolean;
  description: string | null;
  publishedOn: string | null;
  exposedMachines: number;
}

export interface DeviceVulnerability {
  cveId: string;
  severity: string;
  cvssV3: number | null;
  publicExploit: boolean;
  description: string | null;
  productVendor: string | null;
  productName: string | null;
  productVersion: string | null;
  fixingKbId: string | null;
}

export interface Software {
  id: string;
  tenantId: string;
  name: string;
  vendor: string | null;
  version?: string | null;
  exposedMachines: number;
  publicExploit: boolean;
  weaknesses: number;
}

export interface Dashboard {
  tenants: {
    id: string;
    name: string;
    isDemo: boolean;
    enabled: boolean;
    devices: number;
    lastSync: string | null;
  }[];
  devices: {
    total: number;
    byHealth: FacetValue[];
    byOs: FacetValue[];
    byExposure: FacetValue[];
    byRisk: FacetValue[];
    byIsolation: FacetValue[];
  };
  alerts: { active: number; bySeverity: FacetValue[] };
}

/** Webhooks (issue 6): what a subscription can receive. */
export const WebhookEventTypes = [
  'risk.changed',
  'isolation.changed',
  'device.added',
  'device.removed',
  'alert.raised',
  'alert.updated',
] as const;
export type WebhookEventType = (typeof WebhookEventTypes)[number];
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A webhook subscription; the secret is write-only and never comes back. */
export interface Webhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  lastDelivery: {
    status: WebhookDeliveryStatus;
    at: string;
    eventType: string;
    responseStatus: number | null;
  } | null;
}

/** One delivery attempt (a retried event has one row per attempt). */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: WebhookDeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  at: string;
  nextAttemptAt: string | null;
}

/** Risk levels (issue 6, C6), lowest first. */
export const RiskLevels = ['None', 'Low', 'Medium', 'High', 'Critical'] as const;
export type RiskLevel = (typeof RiskLevels)[number];

/** A device's risk levels with the reasons behind them (GET /hosts/:id/risk, HostDetail.risk). */
export interface DeviceRisk {
  overall: RiskLevel;
  exposure: RiskLevel;
  alert: RiskLevel;
  reasons: string[];
  topVulnerability: {
    cveId: string;
    description: string | null;
    cvssV3: number | null;
    severity: string | null;
    exploitAvailable: boolean;
  } | null;
  vulnerabilityCount: number;
  topAlert: { id: string; title: string | null; severity: string | null } | null;
  computedAt: string;
}

export interface DeviceRiskWithHistory extends DeviceRisk {
  history: { at: string; overall: RiskLevel; exposure: RiskLevel; alert: RiskLevel }[];
}

/** OS profiles (issue 6, C7): dynamic ones from a tenant's Defender data, standard ones from the rules. */
export type ProfileKind = 'os' | 'os_version' | 'standard';
export type MatchScore = 'Very High' | 'High' | 'Medium' | 'Low';
export type ResponseAction = 'isolate' | 'release' | 'scan' | 'restrict' | 'unrestrict' | 'collect';

export interface Profile {
  id: string;
  name: string;
  kind: ProfileKind;
  tenantId: string | null;
  tenantName: string | null;
  os: string | null;
  osVersion: string | null;
  memberCount: number;
  supportedActions: ResponseAction[];
}

/** A profile's member: a Defender device (`id` is the machine ID) or an unmanaged endpoint. */
export interface ProfileMember {
  kind: 'device' | 'endpoint';
  id: string;
  name: string | null;
  tenantId: string | null;
  tenantName: string | null;
  matchScore: MatchScore;
  assignedAt: string;
}

/** A standard profiling rule (user-editable). */
export interface ProfileRule {
  id: string;
  name: string;
  profileName: string;
  hostnamePattern: string | null;
  attributes: Record<string, string>;
  matchScore: Exclude<MatchScore, 'Very High'>;
  priority: number;
  enabled: boolean;
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

/** How a network-observed host was matched to its Defender device (CONTRACT.md, issue 6). */
export type MatchBy = 'dnsName' | 'alternateName' | 'shortName' | 'ipAtTime' | 'currentIp' | 'findByIp';

export interface HostMatchInfo {
  by: MatchBy | string;
  hostname: string | null;
  ip: string | null;
  lastSeenAt: string;
}

export interface HostContext {
  endpointId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  machineId: string | null;
  name: string | null;
  os: string | null;
  osVersion: string | null;
  isolationState: IsolationState | null;
  healthStatus: string | null;
  lastSeen: string | null;
  ipAddresses: string[];
  riskScore: string | null;
  exposureLevel: string | null;
  tags: string[];
  deviceGroup: string | null;
  risk: { overall: string; exposure: string; alert: string; reasons: string[] } | null;
  profile: { name: string; matchScore: string } | null;
  links: { overview: string; vulnerabilities: string; alerts: string } | null;
  match: {
    status: 'matched' | 'ambiguous' | 'unmanaged';
    by: MatchBy | null;
    candidates?: { machineId: string; name: string; tenantName: string; lastSeen: string | null }[];
  };
  refreshed: boolean;
}

/** A host seen on the network (GET /endpoints), managed by Defender or not. */
export interface Endpoint {
  id: string;
  managed: boolean;
  tenantId: string | null;
  machineId: string | null;
  hostname: string | null;
  alternateNames: string[];
  ip: string | null;
  matchBy: MatchBy | null;
  source: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** Response actions and lockdown (issue 7): POST /hosts/:id/actions. */
export type ResponseActionType = 'isolate' | 'release' | 'scan' | 'restrict' | 'unrestrict' | 'collect';

export interface ResponseActionBody {
  type: ResponseActionType;
  comment: string;
  isolationType?: 'Full' | 'Selective';
  scanType?: 'Quick' | 'Full';
}

export interface ResponseRequest {
  id: string;
  tenantId: string;
  machineId: string;
  hostName: string | null;
  type: ResponseActionType;
  state: 'sending' | 'pending' | 'succeeded' | 'failed' | 'cancelled';
  defenderActionId: string | null;
  defenderStatus: string | null;
  comment: string;
  isolationType: 'Full' | 'Selective' | null;
  scanType: 'Quick' | 'Full' | null;
  requestedBy: string;
  requestedAt: string;
  sentAt: string | null;
  completedAt: string | null;
  error: string | null;
  /** True when the answer is a request already in flight (a repeat answers 200 with it). */
  deduplicated?: boolean;
}

export type LockdownState = 'locking' | 'active' | 'releasing' | 'released' | 'failed';

/** GET /hosts/:id/lockdown (404 when the host has never been locked). */
export interface Lockdown {
  id: string;
  tenantId: string;
  machineId: string;
  state: LockdownState;
  comment: string;
  lockedBy: string;
  lockedAt: string;
  endsAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releasedLate: boolean;
  secondsLeft: number | null;
  isolateRequestId: string | null;
  releaseRequestId: string | null;
}

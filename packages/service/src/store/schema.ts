/**
 * Table interfaces (kysely). Every table is keyed by `tenant` (the bridge's tenant row id), so one bridge
 * holds many Defender tenants. Portable types only: text, integer (booleans are 0/1), real; times are
 * ISO-8601 UTC strings normalised to milliseconds (`2024-01-02T03:04:05.678Z`) so they sort as text on
 * both engines; JSON is text.
 */
import type { Generated } from 'kysely';
import { type ContextTables, contextBridgeTables } from './schema-context.js';
import { type DetectionTables, detectionsBridgeTables } from './schema-detections.js';
import { type HuntingTables, huntingBridgeTables } from './schema-hunting.js';
import { type ProfilesTables, profilesBridgeTables } from './schema-profiles.js';
import { type ResponseTables, responseBridgeTables } from './schema-response.js';
import { type RiskTables, riskBridgeTables } from './schema-risk.js';
import { type WebhooksTables, webhooksBridgeTables } from './schema-webhooks.js';

export interface TenantTable {
  id: string;
  name: string;
  tenant_id: string;
  client_id: string;
  cloud: string;
  api_url: string | null;
  login_url: string | null;
  graph_url: string | null;
  proxy: string | null;
  credential_kind: 'secret' | 'certificate';
  /** AES-256-GCM envelope of the client secret or the certificate's private key (never plain). */
  credential_ciphertext: string;
  /** Public certificate (PEM) when credential_kind is 'certificate'. */
  certificate_pem: string | null;
  enabled: Generated<number>;
  /** 1 for the emulated demo tenant `mde-bridge start` adds. */
  is_demo: Generated<number>;
  /** JSON: schedules, page sizes, timeouts (the "advanced" settings). */
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface DeviceTable {
  tenant: string;
  id: string;
  computer_dns_name: string;
  /** lower(computer_dns_name), for matching and duplicate resolution. */
  dns_name: string;
  os_platform: string | null;
  os_version: string | null;
  version: string | null;
  os_build: number | null;
  health_status: string | null;
  onboarding_status: string | null;
  risk_score: string | null;
  exposure_level: string | null;
  device_value: string | null;
  rbac_group_id: number | null;
  rbac_group_name: string | null;
  last_ip_address: string | null;
  last_external_ip_address: string | null;
  aad_device_id: string | null;
  first_seen: string | null;
  last_seen: string | null;
  is_potential_duplication: number;
  merged_into_machine_id: string | null;
  machine_tags: string;
  /** 1 for the record that represents its DNS name (re-imaged duplicates resolved). */
  is_primary: number;
  /** The whole Machine as Defender sent it (JSON). */
  raw: string;
  /** Tombstone: set when a complete listing no longer contains the device. */
  removed_at: string | null;
  synced_at: string;
}

export interface DeviceIpTable {
  tenant: string;
  device_id: string;
  ip: string;
  /** First and last time a sync saw the device with this IP (observation window, not lease). */
  first_seen_at: string;
  last_seen_at: string;
}

export interface AlertTable {
  tenant: string;
  id: string;
  machine_id: string | null;
  title: string | null;
  severity: string | null;
  status: string | null;
  category: string | null;
  detection_source: string | null;
  alert_creation_time: string | null;
  last_update_time: string;
  resolved_time: string | null;
  /** The whole Alert with its evidence (JSON). */
  raw: string;
  first_synced_at: string;
  synced_at: string;
  /** How many distinct `lastUpdateTime` versions the bridge has seen. */
  versions: Generated<number>;
}

export interface MachineActionTable {
  tenant: string;
  id: string;
  machine_id: string | null;
  type: string;
  status: string;
  requestor: string | null;
  requestor_comment: string | null;
  scope: string | null;
  creation_time: string;
  last_update_time: string;
  raw: string;
  synced_at: string;
}

export type IsolationStateName =
  | 'isolated'
  | 'isolating'
  | 'releasing'
  | 'not_isolated'
  | 'failed'
  | 'unknown';

export interface IsolationStateTable {
  tenant: string;
  machine_id: string;
  state: IsolationStateName;
  action_id: string | null;
  action_type: string | null;
  requestor: string | null;
  changed_at: string | null;
  updated_at: string;
}

export interface SyncCursorTable {
  tenant: string;
  resource: string;
  cursor: string;
  updated_at: string;
}

export interface SyncRunTable {
  id: Generated<number>;
  tenant: string;
  resource: string;
  mode: 'full' | 'delta';
  status: 'running' | 'succeeded' | 'failed';
  started_at: string;
  finished_at: string | null;
  fetched: Generated<number>;
  upserted: Generated<number>;
  removed: Generated<number>;
  api_calls: Generated<number>;
  throttled_ms: Generated<number>;
  error: string | null;
}

export interface VulnerabilityTable {
  tenant: string;
  /** CVE id. */
  id: string;
  severity: string | null;
  cvss_v3: number | null;
  public_exploit: number;
  exploit_verified: number;
  exploit_in_kit: number;
  description: string | null;
  published_on: string | null;
  updated_on: string | null;
  exposed_machines: number;
  raw: string;
  synced_at: string;
}

/** One row of the machinesVulnerabilities export: a CVE on a product version on a device. */
export interface DeviceVulnerabilityTable {
  tenant: string;
  device_id: string;
  cve_id: string;
  product_vendor: string;
  product_name: string;
  product_version: string;
  fixing_kb_id: string | null;
  severity: string | null;
  /** The sync that last reported the row; a complete export deletes rows of older generations. */
  sync_generation: number;
}

export interface SoftwareTable {
  tenant: string;
  id: string;
  name: string;
  vendor: string;
  weaknesses: number;
  public_exploit: number;
  exposed_machines: number;
  raw: string;
  synced_at: string;
}

export interface RecommendationTable {
  tenant: string;
  id: string;
  name: string | null;
  product_name: string | null;
  vendor: string | null;
  category: string | null;
  severity_score: number | null;
  status: string | null;
  exposed_machines: number;
  raw: string;
  synced_at: string;
}

export type ScoreKind = 'exposure' | 'configuration' | 'exposureByGroup';

export interface ScoreTable {
  tenant: string;
  kind: ScoreKind;
  /** The machine group for `exposureByGroup`; '' for the tenant-wide scores. */
  group_name: string;
  score: number;
  time: string | null;
  synced_at: string;
}

export type DeviceHealthState = 'healthy' | 'installation_issue' | 'heartbeat_issue' | 'not_applicable';

export interface DeviceHealthTable {
  tenant: string;
  device_id: string;
  state: DeviceHealthState;
  health_status: string | null;
  onboarding_status: string | null;
  /** When `state` last changed (kept while the state stays the same). */
  changed_at: string;
  updated_at: string;
}

export interface Database
  extends ContextTables,
    RiskTables,
    ProfilesTables,
    WebhooksTables,
    ResponseTables,
    DetectionTables,
    HuntingTables {
  tenants: TenantTable;
  devices: DeviceTable;
  device_ips: DeviceIpTable;
  alerts: AlertTable;
  machine_actions: MachineActionTable;
  isolation_states: IsolationStateTable;
  sync_cursors: SyncCursorTable;
  sync_runs: SyncRunTable;
  vulnerabilities: VulnerabilityTable;
  device_vulnerabilities: DeviceVulnerabilityTable;
  software: SoftwareTable;
  recommendations: RecommendationTable;
  scores: ScoreTable;
  device_health: DeviceHealthTable;
  roles: RoleTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  audit_log: AuditLogTable;
}

/** Tables of the bridge itself (users, access, audit), not of one Defender tenant. */
export const bridgeTables = [
  'tenants',
  'roles',
  'users',
  'sessions',
  'api_tokens',
  'audit_log',
  ...contextBridgeTables,
  ...riskBridgeTables,
  ...profilesBridgeTables,
  ...webhooksBridgeTables,
  ...responseBridgeTables,
  ...detectionsBridgeTables,
  ...huntingBridgeTables,
] as const;
export type BridgeTable = (typeof bridgeTables)[number];

/** Normalises any Defender timestamp (1–7 fraction digits) to a fixed-width, sortable ISO string. */
export function isoMs(value: string | number | Date | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export interface RoleTable {
  id: string;
  name: string;
  description: string;
  /** 1 for Super Admin, Admin, Analyst, Read-only: their permissions cannot be edited, they cannot be deleted. */
  builtin: number;
  /** JSON array of `Permission`. */
  permissions: string;
  /** JSON array of Defender device group names the role is limited to; null = every device group. */
  device_groups: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  /** `scrypt$N$r$p$saltBase64$hashBase64`. */
  password_hash: string;
  role_id: string;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionTable {
  /** SHA-256 (hex) of the session cookie's value. */
  token_hash: string;
  user_id: string;
  /** Sent back as `x-csrf-token` on every state-changing request made with this session. */
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  /** The first characters of the token, to recognise it in a list. */
  prefix: string;
  role_id: string;
  /** User name (or `cli`) that issued it. */
  created_by: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_kind: 'user' | 'token' | 'cli' | 'system';
  /** User name, token name, or `system`. */
  actor: string;
  /** Dotted verb: `login.succeeded`, `tenant.created`, `token.revoked`, `host.isolated`… */
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'denied';
  /** JSON, secrets already masked. */
  detail: string;
  ip: string | null;
}

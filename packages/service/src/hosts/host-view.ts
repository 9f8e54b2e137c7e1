import type { DeviceRisk, RiskLevel } from '../risk/device-risk.js';
import type { IsolationStateName } from '../store/schema.js';
import { stringArray } from './list-page.js';

/** One host in a list (CONTRACT.md HostSummary). */
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
  /** The bridge's overall risk level (risk/risk-rules.ts); null until first computed. */
  riskLevel: RiskLevel | null;
  deviceValue: string | null;
  isolationState: IsolationStateName;
  lastSeen: string | null;
  lastIpAddress: string | null;
  tags: string[];
  deviceGroup: string | null;
  /** false for an endpoint seen on the network that matches no Defender device (context/unmanaged-hosts.ts). */
  managed: boolean;
  removed: boolean;
}

export interface HostDetail extends HostSummary {
  firstSeen: string | null;
  aadDeviceId: string | null;
  lastExternalIpAddress: string | null;
  ipAddresses: { ip: string; firstSeenAt: string; lastSeenAt: string; current: boolean }[];
  isolation: {
    state: IsolationStateName;
    requestedBy: string | null;
    at: string | null;
    actionId: string | null;
  } | null;
  health: { state: string; since: string } | null;
  /** Defender portal pages for the tenant's cloud; null when the cloud has no portal (a custom cloud). */
  links: { overview: string; vulnerabilities: string; alerts: string } | null;
  /** The bridge's risk levels with their reasons (C6); null until first computed. */
  risk: DeviceRisk | null;
  counts: { activeAlerts: number; vulnerabilities: number };
  isPotentialDuplicate: boolean;
  mergedIntoMachineId: string | null;
  /** How network-observed endpoints were matched to this device (the newest endpoint row), when any. */
  match?: { by: string; hostname: string | null; ip: string | null; lastSeenAt: string };
}

/** The columns a host summary is read from (device `d`, tenant `t`, isolation state `i`). */
export interface HostSummaryRow {
  tenant: string;
  id: string;
  tenant_name: string;
  computer_dns_name: string;
  os_platform: string | null;
  os_version: string | null;
  health_status: string | null;
  onboarding_status: string | null;
  risk_score: string | null;
  exposure_level: string | null;
  device_value: string | null;
  isolation_state: string | null;
  last_seen: string | null;
  last_ip_address: string | null;
  machine_tags: string;
  rbac_group_name: string | null;
  removed_at: string | null;
  /** device_risk.overall, where the query joins it (`r.overall as risk_level`). */
  risk_level?: string | null;
}

export const hostSummaryColumns = [
  'd.tenant',
  'd.id',
  't.name as tenant_name',
  'd.computer_dns_name',
  'd.os_platform',
  'd.os_version',
  'd.health_status',
  'd.onboarding_status',
  'd.risk_score',
  'd.exposure_level',
  'd.device_value',
  'i.state as isolation_state',
  'd.last_seen',
  'd.last_ip_address',
  'd.machine_tags',
  'd.rbac_group_name',
  'd.removed_at',
] as const;

export function toHostSummary(row: HostSummaryRow): HostSummary {
  return {
    id: row.id,
    tenantId: row.tenant,
    tenantName: row.tenant_name,
    name: row.computer_dns_name,
    os: row.os_platform,
    osVersion: row.os_version,
    healthStatus: row.health_status,
    onboardingStatus: row.onboarding_status,
    riskScore: row.risk_score,
    exposureLevel: row.exposure_level,
    riskLevel: (row.risk_level ?? null) as RiskLevel | null,
    deviceValue: row.device_value,
    isolationState: (row.isolation_state ?? 'unknown') as IsolationStateName,
    lastSeen: row.last_seen,
    lastIpAddress: row.last_ip_address,
    tags: stringArray(row.machine_tags),
    deviceGroup: row.rbac_group_name,
    managed: true,
    removed: row.removed_at !== null,
  };
}

import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export const RiskLevels = ['None', 'Low', 'Medium', 'High', 'Critical'] as const;
export type RiskLevel = (typeof RiskLevels)[number];

/** A device's risk as the context and the UI show it (C6); every level comes with the reasons behind it. */
export interface DeviceRisk {
  overall: RiskLevel;
  exposure: RiskLevel;
  alert: RiskLevel;
  /** Plain sentences, most important first: "CVE-2024-1234 (CVSS 9.8, exploit available) on …". */
  reasons: string[];
  /** The most severe vulnerability (exposure risk), or null. */
  topVulnerability: {
    cveId: string;
    description: string | null;
    cvssV3: number | null;
    severity: string | null;
    exploitAvailable: boolean;
  } | null;
  vulnerabilityCount: number;
  /** The most severe active alert (alert risk), or null. */
  topAlert: { id: string; title: string | null; severity: string | null } | null;
  computedAt: string;
}

/** The stored risk of one device, or null when it was never computed (issue 6: not written yet). */
export async function getDeviceRisk(
  _db: Kysely<Database>,
  _tenant: string,
  _deviceId: string,
): Promise<DeviceRisk | null> {
  return null;
}

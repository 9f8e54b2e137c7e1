import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.js';
import type { DeviceRiskTable } from '../store/schema-risk.js';

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
  /** When these values were computed: the recompute that last changed them (unchanged rows are not rewritten). */
  computedAt: string;
}

/** One change of a device's levels. */
export interface RiskHistoryEntry {
  at: string;
  overall: RiskLevel;
  exposure: RiskLevel;
  alert: RiskLevel;
}

export function toDeviceRisk(row: Selectable<DeviceRiskTable>): DeviceRisk {
  return {
    overall: row.overall as RiskLevel,
    exposure: row.exposure as RiskLevel,
    alert: row.alert as RiskLevel,
    reasons: JSON.parse(row.reasons) as string[],
    topVulnerability:
      row.top_cve_id === null
        ? null
        : {
            cveId: row.top_cve_id,
            description: row.top_cve_description,
            cvssV3: row.top_cve_cvss_v3 === null ? null : Number(row.top_cve_cvss_v3),
            severity: row.top_cve_severity,
            exploitAvailable: Number(row.top_cve_exploit) === 1,
          },
    vulnerabilityCount: Number(row.vulnerability_count),
    topAlert:
      row.top_alert_id === null
        ? null
        : { id: row.top_alert_id, title: row.top_alert_title, severity: row.top_alert_severity },
    computedAt: row.computed_at,
  };
}

/** The stored risk of one device, or null when it was never computed (before the first recompute). */
export async function getDeviceRisk(
  db: Kysely<Database>,
  tenant: string,
  deviceId: string,
): Promise<DeviceRisk | null> {
  const row = await db
    .selectFrom('device_risk')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return row ? toDeviceRisk(row) : null;
}

/** A device's level changes, newest first. */
export async function getRiskHistory(
  db: Kysely<Database>,
  tenant: string,
  deviceId: string,
  limit = 100,
): Promise<RiskHistoryEntry[]> {
  const rows = await db
    .selectFrom('risk_history')
    .select(['at', 'overall', 'exposure', 'alert'])
    .where('tenant', '=', tenant)
    .where('device_id', '=', deviceId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    at: r.at,
    overall: r.overall as RiskLevel,
    exposure: r.exposure as RiskLevel,
    alert: r.alert as RiskLevel,
  }));
}

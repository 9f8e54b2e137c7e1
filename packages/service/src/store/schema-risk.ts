/**
 * Tables of risk levels per endpoint and their history (issue 6). Add each table's interface to `RiskTables`, and its name to exactly one of the two
 * lists below: the store will not compile until every table is in one (removing a tenant must not leave
 * its rows behind).
 */
import type { Generated } from 'kysely';

export interface RiskTables {
  device_risk: DeviceRiskTable;
  risk_history: RiskHistoryTable;
}

/** The bridge's risk levels of one live device (risk/risk-rules.ts), as the last recompute found them. */
export interface DeviceRiskTable {
  tenant: string;
  device_id: string;
  /** RiskLevel: None, Low, Medium, High, Critical. */
  overall: string;
  exposure: string;
  alert: string;
  /** JSON array of sentences, most severe first. */
  reasons: string;
  /** The most severe vulnerability (null when the device has none). */
  top_cve_id: string | null;
  top_cve_description: string | null;
  top_cve_cvss_v3: number | null;
  top_cve_severity: string | null;
  /** 1 when a public, verified or exploit-kit exploit exists. */
  top_cve_exploit: number;
  /** Distinct CVEs on the device. */
  vulnerability_count: number;
  /** The most severe active alert (null when none is active). */
  top_alert_id: string | null;
  top_alert_title: string | null;
  top_alert_severity: string | null;
  /** When these values were computed: the recompute that last changed them (unchanged rows are not rewritten). */
  computed_at: string;
}

/** One row per change of any of a device's three levels (the first computation included). */
export interface RiskHistoryTable {
  id: Generated<number>;
  tenant: string;
  device_id: string;
  at: string;
  overall: string;
  exposure: string;
  alert: string;
}

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const riskTenantTables = { device_risk: true, risk_history: true } as const satisfies Partial<
  Record<keyof RiskTables, true>
>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const riskBridgeTables = [] as const satisfies readonly (keyof RiskTables)[];

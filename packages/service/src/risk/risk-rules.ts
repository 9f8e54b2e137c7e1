/**
 * The risk rules (C6), pure: a device's facts in, three levels out, each with the sentences that produced it.
 * docs/risk.md is the analyst's copy of this table; change both together.
 *
 * Levels: None < Low < Medium < High < Critical.
 *
 * Exposure risk, from the device's most severe vulnerability:
 *   - base level: the higher of its severity (Critical/High/Medium/Low) and its CVSS v3 band (the CVSS v3.1
 *     qualitative scale: ≥ 9.0 Critical, ≥ 7.0 High, ≥ 4.0 Medium, > 0 Low); a vulnerability with neither
 *     counts as Low (it is known, only unrated);
 *   - an available exploit (public, verified, or in an exploit kit) raises it one level, capped at Critical;
 *   - no vulnerability: None.
 *   "Most severe" is the vulnerability with the highest resulting level, then the highest CVSS, then the
 *   lowest CVE ID (so the choice is stable).
 * Alert risk, from the active (status not Resolved) alerts:
 *   - High → High, or Critical when HIGH_ALERTS_FOR_CRITICAL or more High alerts are active at once;
 *   - Medium → Medium; Low or Informational (or unrated) → Low; no active alert → None.
 * Overall risk: the highest of
 *   - the exposure and alert risks;
 *   - Defender's riskScore (Informational counts as Low) and exposureLevel, as Defender rates them;
 *   - sensor staleness: a sensor is stale when Defender last saw it more than STALE_AFTER_DAYS days before
 *     the computation, never saw it, or reports its health as Inactive. Defender cannot see new activity
 *     on a stale device, so its levels describe old data: a stale device is at least Low (never None), and
 *     one whose exposure risk is High or Critical is raised one level (capped at Critical) — a known serious
 *     weakness on a device nobody is watching.
 * Every contribution is a reason; reasons are listed most severe first.
 */
import type { RiskLevel } from './device-risk.js';

export const LEVELS: readonly RiskLevel[] = ['None', 'Low', 'Medium', 'High', 'Critical'];
export const STALE_AFTER_DAYS = 7;
export const HIGH_ALERTS_FOR_CRITICAL = 3;
/** CVSS v3 bands, highest first: a score at or above `min` is at least `level`. */
export const CVSS_BANDS: readonly { min: number; level: RiskLevel }[] = [
  { min: 9, level: 'Critical' },
  { min: 7, level: 'High' },
  { min: 4, level: 'Medium' },
  { min: 0.1, level: 'Low' },
];
/** Vulnerability and alert severities as levels (Informational alerts count as Low). */
export const SEVERITY_LEVELS: Readonly<Record<string, RiskLevel>> = {
  Critical: 'Critical',
  High: 'High',
  Medium: 'Medium',
  Low: 'Low',
  Informational: 'Low',
};
/** Defender's riskScore and exposureLevel values as levels. */
const DEFENDER_LEVELS: Readonly<Record<string, RiskLevel>> = {
  None: 'None',
  Informational: 'Low',
  Low: 'Low',
  Medium: 'Medium',
  High: 'High',
};

export const rankOf = (level: RiskLevel): number => LEVELS.indexOf(level);
const levelAt = (rank: number): RiskLevel => LEVELS[Math.max(0, Math.min(rank, LEVELS.length - 1))];
const maxLevel = (...levels: RiskLevel[]): RiskLevel => levelAt(Math.max(...levels.map(rankOf)));
const raise = (level: RiskLevel): RiskLevel => levelAt(rankOf(level) + 1);

export interface VulnerabilityFacts {
  cveId: string;
  description: string | null;
  cvssV3: number | null;
  severity: string | null;
  exploitAvailable: boolean;
}

export interface AlertFacts {
  id: string;
  title: string | null;
  severity: string | null;
}

export interface RiskFacts {
  /** The most severe vulnerability (see `vulnerabilityLevel`), or null. */
  topVulnerability: VulnerabilityFacts | null;
  vulnerabilityCount: number;
  /** The most severe active alert, or null. */
  topAlert: AlertFacts | null;
  /** How many High alerts are active. */
  activeHighAlerts: number;
  riskScore: string | null;
  exposureLevel: string | null;
  lastSeen: string | null;
  healthStatus: string | null;
}

export interface Reason {
  level: RiskLevel;
  text: string;
}

export interface RiskAssessment {
  overall: RiskLevel;
  exposure: RiskLevel;
  alert: RiskLevel;
  /** Most severe first. */
  reasons: string[];
}

/** A vulnerability's level before an exploit is counted: the higher of its severity and its CVSS band. */
export function ratedLevel(v: Pick<VulnerabilityFacts, 'cvssV3' | 'severity'>): RiskLevel {
  const bySeverity = (v.severity && SEVERITY_LEVELS[v.severity]) || 'None';
  const byCvss = CVSS_BANDS.find((band) => v.cvssV3 !== null && v.cvssV3 >= band.min)?.level ?? 'None';
  const level = maxLevel(bySeverity, byCvss);
  return level === 'None' ? 'Low' : level;
}

/** A vulnerability's exposure level: its rated level, one higher with an exploit available. */
export function vulnerabilityLevel(v: Pick<VulnerabilityFacts, 'cvssV3' | 'severity' | 'exploitAvailable'>) {
  const rated = ratedLevel(v);
  return v.exploitAvailable ? raise(rated) : rated;
}

function describeVulnerability(v: VulnerabilityFacts): string {
  const facts = [
    v.severity,
    v.cvssV3 === null ? 'no CVSS score' : `CVSS ${v.cvssV3}`,
    v.exploitAvailable ? 'exploit available' : 'no known exploit',
  ].filter(Boolean);
  return `${v.cveId} (${facts.join(', ')})`;
}

export function exposureRisk(facts: Pick<RiskFacts, 'topVulnerability' | 'vulnerabilityCount'>): Reason {
  const v = facts.topVulnerability;
  if (!v) return { level: 'None', text: 'No known vulnerabilities: exposure risk None.' };
  const rated = ratedLevel(v);
  const level = vulnerabilityLevel(v);
  const count = facts.vulnerabilityCount;
  const of =
    count > 1 ? ` is the most severe of ${count} vulnerabilities` : ' is the only known vulnerability';
  const exploit = level !== rated ? `; an available exploit raises ${rated} to ${level}` : '';
  return { level, text: `${describeVulnerability(v)}${of}${exploit}: exposure risk ${level}.` };
}

export function alertRisk(facts: Pick<RiskFacts, 'topAlert' | 'activeHighAlerts'>): Reason {
  const a = facts.topAlert;
  if (!a) return { level: 'None', text: 'No active alerts: alert risk None.' };
  const named = `'${a.title ?? a.id}' (${a.id})`;
  if (a.severity === 'High' && facts.activeHighAlerts >= HIGH_ALERTS_FOR_CRITICAL) {
    return {
      level: 'Critical',
      text: `${facts.activeHighAlerts} High alerts are active, among them ${named}: alert risk Critical.`,
    };
  }
  const level = (a.severity && SEVERITY_LEVELS[a.severity]) || 'Low';
  return { level, text: `Active ${a.severity ?? 'unrated'} alert ${named}: alert risk ${level}.` };
}

/** Whether Defender can still see the device, as a reason when it cannot (null when the sensor is current). */
export function staleness(facts: Pick<RiskFacts, 'lastSeen' | 'healthStatus'>, now: Date): string | null {
  const blind = 'Defender cannot see new activity on it, so its levels describe old data';
  if (facts.healthStatus === 'Inactive') return `Defender reports the sensor Inactive: ${blind}.`;
  if (facts.lastSeen === null) return `Defender has never reported the device as seen: ${blind}.`;
  const seen = Date.parse(facts.lastSeen);
  if (Number.isNaN(seen) || now.getTime() - seen > STALE_AFTER_DAYS * 86_400_000) {
    const day = facts.lastSeen.slice(0, 10);
    return `The sensor last reported on ${day}, more than ${STALE_AFTER_DAYS} days before this assessment: ${blind}.`;
  }
  return null;
}

/** All three levels of one device, with their reasons (see the rules at the top of this file). */
export function assessRisk(facts: RiskFacts, now: Date): RiskAssessment {
  const exposure = exposureRisk(facts);
  const alert = alertRisk(facts);
  const reasons: Reason[] = [exposure, alert];
  const defender = (value: string | null, what: string) => {
    const level = value === null ? undefined : DEFENDER_LEVELS[value];
    if (level === undefined) return;
    const as = level === value ? '' : ` (counts as ${level})`;
    reasons.push({ level, text: `Defender rates the device's ${what} ${value}${as}.` });
  };
  defender(facts.riskScore, 'risk score');
  defender(facts.exposureLevel, 'exposure level');

  let overall = maxLevel(...reasons.map((r) => r.level));
  const stale = staleness(facts, now);
  if (stale) {
    let level: RiskLevel = maxLevel(overall, 'Low');
    let text = `${stale} A stale sensor counts as at least Low.`;
    if (rankOf(exposure.level) >= rankOf('High')) {
      level = raise(overall);
      text =
        level === overall
          ? `${stale} With ${exposure.level} exposure the overall risk stays at the top, ${level}.`
          : `${stale} With ${exposure.level} exposure this raises the overall risk from ${overall} to ${level}.`;
    }
    reasons.push({ level, text });
    overall = level;
  }
  // Most severe first; among equals the order above (exposure, alert, Defender's ratings, staleness).
  const ordered = reasons
    .map((reason, index) => ({ reason, index }))
    .sort((a, b) => rankOf(b.reason.level) - rankOf(a.reason.level) || a.index - b.index)
    .map(({ reason }) => reason.text);
  return { overall, exposure: exposure.level, alert: alert.level, reasons: ordered };
}

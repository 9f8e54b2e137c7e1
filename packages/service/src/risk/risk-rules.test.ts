import { describe, expect, it } from 'vitest';
import { assessRisk, type RiskFacts, vulnerabilityLevel } from './risk-rules.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');

/** A current, quiet device that Defender rates None: every test changes only what it is about. */
function facts(overrides: Partial<RiskFacts> = {}): RiskFacts {
  return {
    topVulnerability: null,
    vulnerabilityCount: 0,
    topAlert: null,
    activeHighAlerts: 0,
    riskScore: 'None',
    exposureLevel: 'None',
    lastSeen: '2026-11-22T00:00:00.000Z',
    healthStatus: 'Active',
    ...overrides,
  };
}

const cve = (severity: string | null, cvssV3: number | null, exploitAvailable = false) => ({
  cveId: 'CVE-2026-0001',
  description: 'Remote code execution in a browser',
  severity,
  cvssV3,
  exploitAvailable,
});

describe('exposure risk', () => {
  it.each([
    ['Critical', 9.8, false, 'Critical'],
    ['High', 9.0, false, 'Critical'],
    ['Critical', null, false, 'Critical'],
    ['High', 7.5, false, 'High'],
    ['Medium', 8.1, false, 'High'],
    ['Medium', 5.5, false, 'Medium'],
    ['Low', 2.0, false, 'Low'],
    [null, null, false, 'Low'],
    ['High', 7.5, true, 'Critical'],
    ['Medium', 5.5, true, 'High'],
    ['Low', 3.1, true, 'Medium'],
    ['Critical', 10, true, 'Critical'],
  ] as const)('severity %s, CVSS %s, exploit %s → %s', (severity, cvss, exploit, level) => {
    expect(vulnerabilityLevel(cve(severity, cvss, exploit))).toBe(level);
    const risk = assessRisk(
      facts({ topVulnerability: cve(severity, cvss, exploit), vulnerabilityCount: 4 }),
      NOW,
    );
    expect(risk.exposure).toBe(level);
    expect(risk.reasons[0]).toContain(`CVE-2026-0001`);
    expect(risk.reasons[0]).toContain('most severe of 4 vulnerabilities');
    expect(risk.reasons[0]).toContain(`exposure risk ${level}.`);
  });

  it('names the exploit that raised the level, with the CVSS score', () => {
    const risk = assessRisk(facts({ topVulnerability: cve('High', 7.5, true), vulnerabilityCount: 1 }), NOW);
    expect(risk.reasons[0]).toBe(
      'CVE-2026-0001 (High, CVSS 7.5, exploit available) is the only known vulnerability; an available exploit raises High to Critical: exposure risk Critical.',
    );
  });

  it('is None without vulnerabilities', () => {
    const risk = assessRisk(facts(), NOW);
    expect(risk).toMatchObject({ exposure: 'None', overall: 'None' });
    expect(risk.reasons).toContain('No known vulnerabilities: exposure risk None.');
  });
});

describe('alert risk', () => {
  const alert = (severity: string | null) => ({ id: 'da1', title: 'Suspicious PowerShell', severity });
  it.each([
    ['High', 1, 'High'],
    ['High', 2, 'High'],
    ['High', 3, 'Critical'],
    ['Medium', 0, 'Medium'],
    ['Low', 0, 'Low'],
    ['Informational', 0, 'Low'],
    [null, 0, 'Low'],
  ] as const)('most severe active alert %s with %s High active → %s', (severity, highs, level) => {
    const risk = assessRisk(facts({ topAlert: alert(severity), activeHighAlerts: highs }), NOW);
    expect(risk.alert).toBe(level);
    expect(risk.overall).toBe(level);
    expect(risk.reasons[0]).toContain(`alert risk ${level}.`);
    expect(risk.reasons[0]).toContain("'Suspicious PowerShell' (da1)");
  });

  it('says how many High alerts made it Critical', () => {
    const risk = assessRisk(facts({ topAlert: alert('High'), activeHighAlerts: 4 }), NOW);
    expect(risk.reasons[0]).toBe(
      "4 High alerts are active, among them 'Suspicious PowerShell' (da1): alert risk Critical.",
    );
  });

  it('is None without active alerts', () => {
    expect(assessRisk(facts(), NOW).reasons).toContain('No active alerts: alert risk None.');
  });
});

describe('overall risk', () => {
  it('is the higher of exposure and alert risk, with the deciding reason first', () => {
    const risk = assessRisk(
      facts({
        topVulnerability: cve('Medium', 5.0),
        vulnerabilityCount: 2,
        topAlert: { id: 'da9', title: 'Malware', severity: 'High' },
        activeHighAlerts: 1,
      }),
      NOW,
    );
    expect(risk).toMatchObject({ overall: 'High', exposure: 'Medium', alert: 'High' });
    expect(risk.reasons[0]).toContain('alert risk High');
    expect(risk.reasons[1]).toContain('exposure risk Medium');
  });

  it("takes Defender's risk score into account (Informational counts as Low)", () => {
    const high = assessRisk(facts({ riskScore: 'High' }), NOW);
    expect(high).toMatchObject({ overall: 'High', exposure: 'None', alert: 'None' });
    expect(high.reasons[0]).toBe("Defender rates the device's risk score High.");
    const info = assessRisk(facts({ riskScore: 'Informational' }), NOW);
    expect(info.overall).toBe('Low');
    expect(info.reasons[0]).toBe("Defender rates the device's risk score Informational (counts as Low).");
  });

  it("takes Defender's exposure level into account", () => {
    const risk = assessRisk(facts({ exposureLevel: 'Medium' }), NOW);
    expect(risk.overall).toBe('Medium');
    expect(risk.reasons[0]).toBe("Defender rates the device's exposure level Medium.");
  });

  it('ignores unknown Defender values rather than guessing', () => {
    const risk = assessRisk(facts({ riskScore: null, exposureLevel: 'Whatever' }), NOW);
    expect(risk.overall).toBe('None');
    expect(risk.reasons.some((r) => r.includes('Defender rates'))).toBe(false);
  });

  it('makes a stale sensor at least Low and says why', () => {
    const risk = assessRisk(facts({ lastSeen: '2026-11-10T00:00:00.000Z' }), NOW);
    expect(risk.overall).toBe('Low');
    expect(risk.reasons[0]).toBe(
      'The sensor last reported on 2026-11-10, more than 7 days before this assessment: Defender cannot see new activity on it, so its levels describe old data. A stale sensor counts as at least Low.',
    );
  });

  it('raises a stale device with High exposure one level', () => {
    const risk = assessRisk(
      facts({ topVulnerability: cve('High', 7.5), vulnerabilityCount: 1, healthStatus: 'Inactive' }),
      NOW,
    );
    expect(risk).toMatchObject({ overall: 'Critical', exposure: 'High', alert: 'None' });
    expect(risk.reasons[0]).toBe(
      'Defender reports the sensor Inactive: Defender cannot see new activity on it, so its levels describe old data. With High exposure this raises the overall risk from High to Critical.',
    );
  });

  it('treats a device Defender never saw as stale, and a sensor seen within 7 days as current', () => {
    expect(assessRisk(facts({ lastSeen: null }), NOW).overall).toBe('Low');
    const recent = assessRisk(facts({ lastSeen: '2026-11-16T00:00:00.000Z' }), NOW);
    expect(recent.overall).toBe('None');
    expect(recent.reasons.some((r) => r.includes('sensor'))).toBe(false);
  });

  it('does not raise a stale device with only Medium exposure beyond its level', () => {
    const risk = assessRisk(
      facts({
        topVulnerability: cve('Medium', 5.0),
        vulnerabilityCount: 1,
        lastSeen: '2026-10-01T00:00:00.000Z',
      }),
      NOW,
    );
    expect(risk.overall).toBe('Medium');
  });
});

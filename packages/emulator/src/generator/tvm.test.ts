import { describe, expect, it } from 'vitest';
import { generateTenant } from './index.js';
import { type CvssMetrics, cvssScore, severityOf } from './vulnerabilities.js';

const NOW = Date.parse('2025-06-15T12:00:00Z');
const t = generateTenant({
  seed: 'tvm',
  devices: 2000,
  nowMs: NOW,
  tenantId: 'e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b',
});

function parseVector(v: string): CvssMetrics {
  const m = Object.fromEntries(
    v
      .split('/')
      .slice(1)
      .map((p) => p.split(':')),
  ) as Record<string, string>;
  return { av: m.AV, ac: m.AC, pr: m.PR, ui: m.UI, s: m.S, c: m.C, i: m.I, a: m.A } as CvssMetrics;
}

describe('vulnerability catalogue', () => {
  it('has 2,000–5,000 unique CVEs with consistent severity, CVSS and exploit flags', () => {
    const v = t.vulnerabilities;
    expect(v.length).toBeGreaterThanOrEqual(2000);
    expect(v.length).toBeLessThanOrEqual(5000);
    expect(new Set(v.map((x) => x.id)).size).toBe(v.length);
    const keys = [
      'id',
      'name',
      'description',
      'severity',
      'cvssV3',
      'cvssVector',
      'exposedMachines',
      'publishedOn',
      'updatedOn',
      'firstDetected',
      'publicExploit',
      'exploitVerified',
      'exploitInKit',
      'exploitTypes',
      'exploitUris',
      'cveSupportability',
      'tags',
      'epss',
    ];
    for (const x of v) {
      expect(Object.keys(x)).toEqual(keys);
      expect(x.id).toMatch(/^CVE-20\d{2}-\d{4,5}$/);
      expect(x.name).toBe(x.id);
      expect(x.cvssVector).toMatch(
        /^CVSS:3\.1\/AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[HLN]\/I:[HLN]\/A:[HLN]$/,
      );
      expect(cvssScore(parseVector(x.cvssVector as string))).toBe(x.cvssV3);
      expect(severityOf(x.cvssV3 as number)).toBe(x.severity);
      if (x.exploitVerified) expect(x.publicExploit).toBe(true);
      if (x.exploitInKit) expect(x.exploitVerified).toBe(true);
      expect(x.exploitTypes.length > 0).toBe(x.publicExploit);
      expect(x.epss).toBeGreaterThanOrEqual(0);
      expect(x.epss).toBeLessThanOrEqual(1);
      expect(Date.parse(x.updatedOn)).toBeGreaterThanOrEqual(Date.parse(x.publishedOn));
      expect(['Supported', 'NotSupported', 'SupportedInPremium']).toContain(x.cveSupportability);
      expect(x.firstDetected === null).toBe(x.exposedMachines === 0);
    }
    const share = (f: (x: (typeof v)[number]) => boolean) => v.filter(f).length / v.length;
    expect(share((x) => x.publicExploit)).toBeGreaterThan(0.06);
    expect(share((x) => x.publicExploit)).toBeLessThan(0.15);
    expect(share((x) => x.exploitVerified)).toBeGreaterThan(0.025);
    expect(share((x) => x.exploitInKit)).toBeGreaterThan(0.008);
    expect(share((x) => x.exploitInKit)).toBeLessThan(0.04);
    for (const s of ['Low', 'Medium', 'High', 'Critical'])
      expect(share((x) => x.severity === s)).toBeGreaterThan(0.04);
  });

  it('gives devices ≈10 vulnerabilities on average, skewed, each tied to installed software', () => {
    const counts: number[] = [];
    const exposed = new Map<string, number>();
    for (const d of t.devices) {
      const rows = t.deviceVulnerabilities(d);
      counts.push(rows.length);
      const sw = new Map(t.deviceSoftware(d).map((s) => [s.softwareId, s.version]));
      for (const r of rows) {
        expect(sw.get(`${r.productVendor}-_-${r.productName}`)).toBe(r.productVersion);
        if (r.fixingKbId !== null) {
          expect(r.productVendor).toBe('microsoft');
          expect(r.fixingKbId).toMatch(/^\d{7}$/);
        }
        exposed.set(r.cveId, (exposed.get(r.cveId) ?? 0) + 1);
      }
      if (d.machine.onboardingStatus === 'Onboarded') expect(sw.size).toBeGreaterThan(0);
    }
    const avg = counts.reduce((s, x) => s + x, 0) / counts.length;
    expect(avg).toBeGreaterThan(7);
    expect(avg).toBeLessThan(13);
    counts.sort((a, b) => a - b);
    expect(counts[Math.floor(counts.length / 2)]).toBeLessThan(avg);
    expect(counts.filter((c) => c >= 50).length).toBeGreaterThan(20);
    expect(t.devices.some((d) => t.deviceVulnerabilities(d).some((r) => r.fixingKbId !== null))).toBe(true);
    // exposedMachines is the exact count at generation time
    for (const v of t.vulnerabilities) expect(v.exposedMachines).toBe(exposed.get(v.id) ?? 0);
  });

  it('lists software with <vendor>-_-<name> ids and exposure', () => {
    expect(t.software.length).toBeGreaterThanOrEqual(200);
    expect(t.software.length).toBeLessThanOrEqual(400);
    const ids = new Set(t.software.map((s) => s.id));
    for (const id of [
      'microsoft-_-edge_chromium-based',
      'google-_-chrome',
      'mozilla-_-firefox',
      'oracle-_-jre',
      'microsoft-_-windows_10',
    ])
      expect(ids.has(id), id).toBe(true);
    for (const s of t.software) {
      expect(Object.keys(s)).toEqual([
        'id',
        'name',
        'vendor',
        'weaknesses',
        'publicExploit',
        'activeAlert',
        'exposedMachines',
        'impactScore',
      ]);
      expect(s.id).toBe(`${s.vendor}-_-${s.name}`);
      expect(s.exposedMachines).toBeGreaterThanOrEqual(0);
    }
    const d = t.devices.find((x) => x.osFamily === 'windows' && x.machine.onboardingStatus === 'Onboarded');
    const sw = t.deviceSoftware(d!);
    expect(sw[0].softwareId).toMatch(/^microsoft-_-windows_1[01]$/);
    for (const s of sw) expect(ids.has(s.softwareId)).toBe(true);
  });

  it('has ~100 recommendations with every documented field', () => {
    const r = t.recommendations;
    expect(r.length).toBeGreaterThanOrEqual(80);
    expect(r.length).toBeLessThanOrEqual(120);
    const fields = [
      'id',
      'productName',
      'recommendationName',
      'weaknesses',
      'vendor',
      'recommendedVersion',
      'recommendedProgram',
      'recommendedVendor',
      'recommendationCategory',
      'subCategory',
      'severityScore',
      'publicExploit',
      'activeAlert',
      'associatedThreats',
      'remediationType',
      'status',
      'configScoreImpact',
      'exposureImpact',
      'totalMachineCount',
      'exposedMachinesCount',
      'nonProductivityImpactedAssets',
      'relatedComponent',
      'exposedCriticalDevices',
    ];
    for (const x of r) {
      expect(Object.keys(x)).toEqual(fields);
      expect(x.id).toMatch(/^(va-_-[a-z0-9_.+-]+-_-[a-z0-9_.+-]+|sca-_-scid-\d+)$/);
      expect(x.exposedMachinesCount).toBeLessThanOrEqual(x.totalMachineCount);
    }
    expect(r.filter((x) => x.id.startsWith('va-')).length).toBeGreaterThan(50);
    expect(r.filter((x) => x.id.startsWith('sca-')).length).toBeGreaterThan(20);
    const ids = new Set(r.map((x) => x.id));
    let any = 0;
    for (const d of t.devices.slice(0, 200)) {
      for (const id of t.deviceRecommendations(d)) {
        expect(ids.has(id), id).toBe(true);
        any++;
      }
    }
    expect(any).toBeGreaterThan(200);
  });

  it('scores are stable functions of time', () => {
    const e1 = t.exposureScore(NOW);
    expect(t.exposureScore(NOW)).toBe(e1);
    expect(e1).toBeGreaterThan(0);
    expect(e1).toBeLessThan(100);
    expect(Math.abs(t.exposureScore(NOW + 3_600_000) - e1)).toBeLessThan(5);
    const c = t.configurationScore(NOW);
    expect(Number.isInteger(c)).toBe(true);
    expect(c).toBeGreaterThan(0);
    expect(Math.abs(t.configurationScore(NOW + 86_400_000) - c)).toBeLessThan(40);
  });
});

import { MissingKb, validateStrict } from '@mde-bridge/client/models';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord, DeviceSoftware, DeviceVulnerability } from '../generator/types.js';
import { missingKbs, productCves, productSoftwareId, versionDistribution } from './software.js';

function device(index: number): DeviceRecord {
  return { index, machine: { id: `m${index}` } } as DeviceRecord;
}

function vuln(
  cveId: string,
  productVersion: string,
  fixingKbId: string | null,
  productName = 'edge',
): DeviceVulnerability {
  return { cveId, productName, productVendor: 'microsoft', productVersion, fixingKbId, severity: 'Medium' };
}

// m0: edge 1.0 (CVE-1, CVE-2 fixed by KB1); m1: edge 1.0 (CVE-1); m2: edge 2.0 (none); m3: chrome only.
const devices = [device(0), device(1), device(2), device(3)];
const software: Record<string, DeviceSoftware[]> = {
  m0: [{ softwareId: 'microsoft-_-edge', version: '1.0' }],
  m1: [{ softwareId: 'microsoft-_-edge', version: '1.0' }],
  m2: [{ softwareId: 'microsoft-_-edge', version: '10.0' }],
  m3: [{ softwareId: 'google-_-chrome', version: '120.0' }],
};
const vulns: Record<string, DeviceVulnerability[]> = {
  m0: [vuln('CVE-1', '1.0', '4540673'), vuln('CVE-2', '1.0', '4540673')],
  m1: [vuln('CVE-1', '1.0', '4540673')],
  m2: [],
  m3: [{ ...vuln('CVE-9', '120.0', '5000009', 'chrome'), productVendor: 'google' }],
};
const softwareOf = (d: DeviceRecord) => software[d.machine.id];
const rowsOf = (d: DeviceRecord) => vulns[d.machine.id];

describe('productSoftwareId', () => {
  it('names a vulnerability row product the way software ids are written', () => {
    expect(productSoftwareId({ productVendor: 'microsoft', productName: 'edge' })).toBe('microsoft-_-edge');
  });
});

describe('productCves', () => {
  it('collects the distinct CVEs of one product across devices', () => {
    expect([...productCves(devices, rowsOf, 'Microsoft-_-Edge')].sort()).toEqual(['CVE-1', 'CVE-2']);
    expect([...productCves(devices, rowsOf, 'google-_-chrome')]).toEqual(['CVE-9']);
  });
});

describe('versionDistribution', () => {
  it('counts installations and distinct CVEs per version, versions in numeric order', () => {
    expect(versionDistribution(devices, softwareOf, rowsOf, 'microsoft-_-edge')).toEqual([
      { version: '1.0', installations: 2, vulnerabilities: 2 },
      { version: '10.0', installations: 1, vulnerabilities: 0 },
    ]);
  });

  it('is empty for software nobody has', () => {
    expect(versionDistribution(devices, softwareOf, rowsOf, 'x-_-y')).toEqual([]);
  });
});

describe('missingKbs', () => {
  const catalogue = [
    { id: 'CVE-1', publishedOn: '2020-02-11T00:00:00Z' },
    { id: 'CVE-2', publishedOn: '2020-03-10T00:00:00Z' },
  ] as never[];

  it('groups rows by fixing KB with devices missing it and CVEs addressed', () => {
    const rows = devices.flatMap((d) => rowsOf(d).map((row) => ({ machineId: d.machine.id, row })));
    const kbs = missingKbs(rows, catalogue);
    expect(kbs.map((k) => k.id)).toEqual(['4540673', '5000009']);
    expect(kbs[0]).toEqual({
      id: '4540673',
      name: 'March 2020 Security Updates',
      productsNames: ['edge'],
      url: 'https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB4540673',
      machineMissedOn: 2,
      cveAddressed: 2,
    });
    for (const kb of kbs) expect(validateStrict(MissingKb, kb)).toEqual([]);
  });

  it('falls back to a plain name when no addressed CVE is in the catalogue', () => {
    const [kb] = missingKbs([{ machineId: 'm3', row: vulns.m3[0] }], catalogue);
    expect(kb.name).toBe('Security Updates');
  });

  it('ignores rows without a fixing KB', () => {
    expect(missingKbs([{ machineId: 'm0', row: vuln('CVE-5', '1.0', null) }], catalogue)).toEqual([]);
  });
});

import { MachineReference, MachineVulnerability, validateStrict } from '@mde-bridge/client/models';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord, DeviceVulnerability } from '../generator/types.js';
import { applyQuery, parseQuery } from '../odata/index.js';
import {
  findById,
  MachineVulnerabilityListing,
  machineReferencesWhere,
  machineVulnerabilityId,
  machineVulnerabilityRows,
  machineVulnerabilitySpec,
  vulnerabilitiesIn,
} from './vulnerabilities.js';

function device(index: number): DeviceRecord {
  return {
    index,
    machine: {
      id: index.toString(16).padStart(40, '0'),
      computerDnsName: `host-${index}`,
      osPlatform: 'Windows11',
      rbacGroupName: index % 2 ? 'GroupOne' : null,
    },
  } as DeviceRecord;
}

function row(cveId: string, fixingKbId: string | null = null): DeviceVulnerability {
  return {
    cveId,
    productName: 'windows_11',
    productVendor: 'microsoft',
    productVersion: '10.0.22631.3296',
    fixingKbId,
    severity: 'High',
  };
}

/** A tenant of `n` devices with `perDevice` rows each that counts how many devices it derived. */
function tenant(n: number, perDevice: number) {
  const devices = Array.from({ length: n }, (_, i) => device(i));
  const calls = { n: 0 };
  const rowsOf = (d: DeviceRecord) => {
    calls.n++;
    return Array.from({ length: perDevice }, (_, k) =>
      row(`CVE-2024-${d.index * perDevice + k}`, k % 2 ? '5034441' : null),
    );
  };
  return { devices, rowsOf, calls };
}

describe('machineVulnerabilityId', () => {
  it('joins machine, CVE, vendor, product, version and KB with -_-', () => {
    expect(machineVulnerabilityId('abc', row('CVE-2016-3348', '3185911'))).toBe(
      'abc-_-CVE-2016-3348-_-microsoft-_-windows_11-_-10.0.22631.3296-_-3185911',
    );
  });

  it('ends with an empty segment when no KB fixes the row', () => {
    expect(machineVulnerabilityId('abc', row('CVE-2016-3348'))).toBe(
      'abc-_-CVE-2016-3348-_-microsoft-_-windows_11-_-10.0.22631.3296-_-',
    );
  });
});

describe('machineVulnerabilityRows', () => {
  it('derives devices only as rows are pulled', () => {
    const { devices, rowsOf, calls } = tenant(100_000, 10);
    const first: unknown[] = [];
    for (const r of machineVulnerabilityRows(devices, rowsOf)) {
      first.push(r);
      if (first.length === 10) break;
    }
    expect(first).toHaveLength(10);
    expect(calls.n).toBe(1);
  });

  it('yields rows that match the wire schema, fixingKbId null when absent', () => {
    const { devices, rowsOf } = tenant(2, 2);
    const rows = [...machineVulnerabilityRows(devices, rowsOf)];
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(validateStrict(MachineVulnerability, r)).toEqual([]);
    expect(rows[0]).toMatchObject({
      machineId: devices[0].machine.id,
      cveId: 'CVE-2024-0',
      fixingKbId: null,
    });
    expect(rows[1].fixingKbId).toBe('5034441');
  });

  it('serves a $top page from 1,000,000 rows touching only the first device', () => {
    const { devices, rowsOf, calls } = tenant(100_000, 10);
    const q = parseQuery(new URLSearchParams('$top=10'), machineVulnerabilitySpec);
    const page = applyQuery(machineVulnerabilityRows(devices, rowsOf), q, machineVulnerabilitySpec, {
      pageUrl: new URL('http://localhost/api/vulnerabilities/machinesVulnerabilities?$top=10'),
    });
    expect(page.value).toHaveLength(10);
    expect(page.nextLink).toBeUndefined();
    expect(calls.n).toBe(1);
  });

  it('serves the default 10,000-row page with a nextLink after deriving ~1,000 of 100,000 devices', () => {
    const { devices, rowsOf, calls } = tenant(100_000, 10);
    const q = parseQuery(new URLSearchParams(), machineVulnerabilitySpec);
    const page = applyQuery(machineVulnerabilityRows(devices, rowsOf), q, machineVulnerabilitySpec, {
      pageUrl: new URL('http://localhost/api/vulnerabilities/machinesVulnerabilities'),
    });
    expect(page.value).toHaveLength(10_000);
    expect(page.nextLink).toContain('$skip=10000');
    expect(calls.n).toBeLessThanOrEqual(1_001);
  });

  it('filters on the documented properties', () => {
    const { devices, rowsOf } = tenant(50, 4);
    const id = devices[7].machine.id;
    const q = parseQuery(
      new URLSearchParams(`$filter=machineId eq '${id}' and fixingKbId ne null`),
      machineVulnerabilitySpec,
    );
    const page = applyQuery(machineVulnerabilityRows(devices, rowsOf), q, machineVulnerabilitySpec, {
      pageUrl: new URL('http://localhost/x'),
    });
    expect(page.value.map((r) => (r as { cveId: string }).cveId)).toEqual(['CVE-2024-29', 'CVE-2024-31']);
  });
});

describe('MachineVulnerabilityListing', () => {
  /** A listing over `tenant(n, perDevice)` whose device 3k has no rows, and the page it serves for `query`. */
  function listed(n: number, perDevice: number) {
    const t = tenant(n, perDevice);
    const rowsOf = (d: DeviceRecord) => (d.index % 3 === 0 ? [] : t.rowsOf(d));
    const source = { version: 1, devices: t.devices, rowsOf };
    const listing = new MachineVulnerabilityListing(() => source);
    const page = (query: string, seek = true) => {
      const q = parseQuery(new URLSearchParams(query), machineVulnerabilitySpec);
      return applyQuery(machineVulnerabilityRows(source.devices, rowsOf), q, machineVulnerabilitySpec, {
        pageUrl: new URL(`http://localhost/api/vulnerabilities/machinesVulnerabilities?${query}`),
        seek: seek ? listing.seek : undefined,
      });
    };
    return { ...t, source, page };
  }

  it('serves the same pages as a scan from the start, with and without $filter', () => {
    const { page } = listed(300, 4);
    const queries = [
      '',
      '$skip=1',
      '$top=7&$skip=399',
      '$top=100&$skip=795',
      '$skip=800',
      '$skip=5000',
      '$top=0&$skip=3',
      '$filter=fixingKbId ne null&$top=50&$skip=120',
      "$filter=machineId eq '0000000000000000000000000000000000000007'&$skip=1",
      '$filter=fixingKbId ne null&$skip=399&$select=id',
      '$count=true&$top=5&$skip=10',
    ];
    for (const query of queries) expect(page(query), query).toEqual(page(query, false));
  });

  it('walks an export page by page deriving each device about once', () => {
    const { page, calls } = listed(100_000, 10);
    let rows = 0;
    for (let skip = 0; ; skip += 10_000) {
      const p = page(`$top=10000&$skip=${skip}`);
      rows += p.value.length;
      if (p.value.length < 10_000) break;
    }
    expect(rows).toBe(666_660);
    // Without seeking this derives ~3.5 million devices (every device before each page's $skip).
    expect(calls.n).toBeLessThan(70_000);
  });

  it('counts its way to a deep $skip once, then derives only the page', () => {
    const { page, calls } = listed(100_000, 10);
    const first = page('$skip=600000');
    expect(first.value).toHaveLength(10_000);
    expect(calls.n).toBeLessThan(68_000);
    calls.n = 0;
    expect(page('$skip=300000')).toEqual(page('$skip=300000', false));
    calls.n = 0;
    page('$skip=310000');
    expect(calls.n).toBeLessThan(1_010);
  });

  it('forgets its counts when the data version changes', () => {
    const { page, source, devices } = listed(30, 2);
    expect(page('$skip=30')).toEqual(page('$skip=30', false));
    devices.reverse();
    const stale = page('$skip=30');
    source.version = 2;
    const fresh = page('$skip=30');
    expect(fresh).toEqual(page('$skip=30', false));
    expect(fresh).not.toEqual(stale);
  });
});

describe('machine references', () => {
  it('lists the devices that match, as PublicAssetDto', () => {
    const devices = [device(1), device(2), device(3)];
    const refs = machineReferencesWhere(devices, (d) => d.index !== 2);
    expect(refs.map((r) => r.computerDnsName)).toEqual(['host-1', 'host-3']);
    for (const r of refs) expect(validateStrict(MachineReference, r)).toEqual([]);
    expect(refs[0]).toEqual({
      id: devices[0].machine.id,
      computerDnsName: 'host-1',
      osPlatform: 'Windows11',
      rbacGroupName: 'GroupOne',
    });
  });
});

describe('findById', () => {
  it('finds catalogue entries case-insensitively', () => {
    const catalogue = [{ id: 'CVE-2024-0001' }, { id: 'microsoft-_-edge' }];
    expect(findById(catalogue, 'cve-2024-0001')).toBe(catalogue[0]);
    expect(findById(catalogue, 'Microsoft-_-Edge')).toBe(catalogue[1]);
    expect(findById(catalogue, 'CVE-1999-0001')).toBeUndefined();
  });

  it('sees entries added after the first lookup', () => {
    const catalogue = [{ id: 'a' }];
    expect(findById(catalogue, 'b')).toBeUndefined();
    catalogue.push({ id: 'b' });
    expect(findById(catalogue, 'b')).toBe(catalogue[1]);
  });
});

describe('vulnerabilitiesIn', () => {
  it('keeps catalogue order and drops unknown ids', () => {
    const catalogue = [{ id: 'CVE-1' }, { id: 'CVE-2' }, { id: 'CVE-3' }] as never[];
    expect(vulnerabilitiesIn(catalogue, new Set(['CVE-3', 'CVE-1', 'CVE-9']))).toEqual([
      { id: 'CVE-1' },
      { id: 'CVE-3' },
    ]);
  });
});

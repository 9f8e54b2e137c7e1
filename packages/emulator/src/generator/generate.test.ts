import { describe, expect, it } from 'vitest';
import { devicesWithIpAt, generateTenant, machineVulnerabilityRow } from './index.js';
import type { DeviceRecord, TenantData } from './types.js';

const NOW = Date.parse('2025-06-15T12:00:00Z');
const TENANT = '4a1c7c1e-9d0b-4c55-a2a4-7f0d3f1b2c3d';

function tenant(devices: number, seed: string | number = 'unit'): TenantData {
  return generateTenant({ seed, devices, nowMs: NOW, tenantId: TENANT });
}

/** First machine of /work/shared/spec/samples/machines_list.json (recorded 2023 response), verbatim. */
const SAMPLE_MACHINE = {
  id: '556b3952acb0bff29816d267822305781cc183ec',
  mergedIntoMachineId: null,
  isPotentialDuplication: false,
  isExcluded: false,
  exclusionReason: null,
  computerDnsName: 'se-pov-desktop',
  firstSeen: '2023-04-19T13:27:53.1618923Z',
  lastSeen: '2023-05-04T17:40:05.684607Z',
  osPlatform: 'Windows10',
  osVersion: null,
  osProcessor: 'x64',
  version: '21H2',
  lastIpAddress: '172.20.10.4',
  lastExternalIpAddress: '174.209.205.235',
  agentVersion: '10.8470.19041.2788',
  osBuild: 19044,
  healthStatus: 'Active',
  deviceValue: 'Normal',
  rbacGroupId: 0,
  rbacGroupName: null,
  riskScore: 'Medium',
  exposureLevel: 'High',
  isAadJoined: true,
  aadDeviceId: null,
  machineTags: [],
  defenderAvStatus: 'Updated',
  onboardingStatus: 'Onboarded',
  osArchitecture: '64-bit',
  managedBy: 'Intune',
  managedByStatus: 'Unknown',
  ipAddresses: [
    { ipAddress: '172.20.10.5', macAddress: '000C2992A643', type: 'Ethernet', operationalStatus: 'Up' },
    { ipAddress: '127.0.0.1', macAddress: null, type: 'SoftwareLoopback', operationalStatus: 'Up' },
  ],
  vmMetadata: null,
};

/** Machine properties the spec (4.1) marks nullable: null/non-null may differ from the sample only here. */
const NULLABLE = new Set([
  'mergedIntoMachineId',
  'exclusionReason',
  'osVersion',
  'osBuild',
  'deviceValue',
  'rbacGroupName',
  'riskScore',
  'exposureLevel',
  'aadDeviceId',
  'vmMetadata',
]);

function jsType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const ISO7 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

describe('generateTenant: determinism', () => {
  it('produces identical output for the same seed, size and clock', () => {
    const a = tenant(300);
    const b = tenant(300);
    expect(JSON.stringify(a.devices)).toBe(JSON.stringify(b.devices));
    expect(JSON.stringify(a.alerts)).toBe(JSON.stringify(b.alerts));
    expect(JSON.stringify(a.scenarios)).toBe(JSON.stringify(b.scenarios));
    expect(JSON.stringify(a.vulnerabilities)).toBe(JSON.stringify(b.vulnerabilities));
    expect(JSON.stringify(a.recommendations)).toBe(JSON.stringify(b.recommendations));
    expect(a.exposureScore(NOW)).toBe(b.exposureScore(NOW));
    const c = tenant(300, 'other');
    expect(c.devices[0].machine.id).not.toBe(a.devices[0].machine.id);
  });

  it('device i is the same whatever the tenant size', () => {
    const small = tenant(100);
    const large = tenant(1000);
    for (let i = 0; i < 100; i++) {
      expect(JSON.stringify(large.devices[i])).toBe(JSON.stringify(small.devices[i]));
      expect(large.deviceVulnerabilities(large.devices[i])).toEqual(
        small.deviceVulnerabilities(small.devices[i]),
      );
      expect(large.deviceSoftware(large.devices[i])).toEqual(small.deviceSoftware(small.devices[i]));
    }
  });
});

describe('generateTenant: machines', () => {
  const t = tenant(2000);
  const devices = t.devices;

  it('match the recorded Machine: same keys in the same order, same JSON types', () => {
    const sampleKeys = Object.keys(SAMPLE_MACHINE);
    for (const d of devices) {
      const m = d.machine as unknown as Record<string, unknown>;
      expect(Object.keys(m)).toEqual(sampleKeys);
      for (const k of sampleKeys) {
        const want = jsType((SAMPLE_MACHINE as Record<string, unknown>)[k]);
        const got = jsType(m[k]);
        if (got !== want) {
          expect(NULLABLE.has(k), `${k}: ${got} vs sample ${want}`).toBe(true);
          expect([got, want]).toContain('null');
        }
      }
      for (const ip of d.machine.ipAddresses)
        expect(Object.keys(ip)).toEqual(['ipAddress', 'macAddress', 'type', 'operationalStatus']);
    }
  });

  it('use the real value formats', () => {
    const ids = new Set<string>();
    for (const d of devices) {
      const m = d.machine;
      expect(m.id).toMatch(/^[0-9a-f]{40}$/);
      ids.add(m.id);
      expect(m.firstSeen).toMatch(ISO7);
      expect(m.lastSeen).toMatch(ISO7);
      expect(Date.parse(m.firstSeen)).toBeLessThan(Date.parse(m.lastSeen));
      expect(Date.parse(m.lastSeen)).toBeLessThanOrEqual(NOW);
      expect(m.computerDnsName).toBe(m.computerDnsName.toLowerCase());
      expect(Number.isInteger(m.rbacGroupId)).toBe(true);
      expect(m.rbacGroupId === 0).toBe(m.rbacGroupName === null);
      for (const ip of m.ipAddresses) {
        if (ip.type === 'SoftwareLoopback') expect(ip.macAddress).toBeNull();
        else expect(ip.macAddress).toMatch(/^[0-9A-F]{12}$/);
      }
      const primary = m.ipAddresses.find((x) => x.ipAddress === m.lastIpAddress);
      expect(primary).toMatchObject({ type: 'Ethernet', operationalStatus: 'Up' });
      expect(m.lastIpAddress).toBe(d.ipHistory[d.ipHistory.length - 1].ip);
      if (d.osFamily !== 'ios' && d.osFamily !== 'android') {
        expect(m.ipAddresses.map((x) => x.ipAddress)).toEqual(expect.arrayContaining(['127.0.0.1', '::1']));
      }
      if (m.osPlatform.startsWith('Windows')) {
        expect(m.osVersion).toBeNull();
        expect(Number.isInteger(m.osBuild)).toBe(true);
        if (m.onboardingStatus === 'Onboarded') expect(m.agentVersion).toMatch(/^10\.\d{4}\.\d+\.\d+$/);
        else expect(m.agentVersion).toBe('');
      }
    }
    expect(ids.size).toBe(devices.length);
  });

  it('have a realistic OS mix', () => {
    const count = (f: (d: DeviceRecord) => boolean) => devices.filter(f).length / devices.length;
    const clients = count(
      (d) => d.machine.osPlatform === 'Windows10' || d.machine.osPlatform === 'Windows11',
    );
    const servers = count((d) => d.machine.osPlatform.startsWith('WindowsServer'));
    const mac = count((d) => d.machine.osPlatform === 'macOS');
    const linux = count((d) => d.machine.osPlatform === 'Linux');
    const mobile = count((d) => d.machine.osPlatform === 'iOS' || d.machine.osPlatform === 'Android');
    expect(clients).toBeGreaterThan(0.55);
    expect(clients).toBeLessThan(0.75);
    expect(servers).toBeGreaterThan(0.1);
    expect(servers).toBeLessThan(0.2);
    expect(mac).toBeGreaterThan(0.04);
    expect(linux).toBeGreaterThan(0.05);
    expect(mobile).toBeGreaterThan(0.01);
    expect(mobile).toBeLessThan(0.08);
    const platforms = new Set(devices.map((d) => d.machine.osPlatform));
    for (const p of [
      'Windows10',
      'Windows11',
      'WindowsServer2012R2',
      'WindowsServer2016',
      'WindowsServer2019',
      'WindowsServer2022',
      'macOS',
      'Linux',
      'iOS',
      'Android',
    ]) {
      expect(platforms.has(p), p).toBe(true);
    }
    const versions = new Set(
      devices.filter((d) => d.machine.osPlatform === 'Windows11').map((d) => d.machine.version),
    );
    expect([...versions].sort()).toEqual(['21H2', '22H2', '23H2']);
  });

  it('set capabilities consistently with the platform notes', () => {
    for (const d of devices) {
      const m = d.machine;
      if (m.osPlatform === 'macOS' || m.osPlatform === 'Linux') expect(d.supports.offboard).toBe(false);
      if (m.osPlatform === 'iOS' || m.osPlatform === 'Android')
        expect(Object.values(d.supports).every((x) => !x)).toBe(true);
      if (m.osPlatform === 'Windows10' && m.version === '1607') expect(d.supports.isolate).toBe(false);
      if (m.osPlatform === 'Windows10' && m.version === '1703')
        expect(d.supports.selectiveIsolate).toBe(false);
      if (d.supports.selectiveIsolate) expect(d.supports.isolate).toBe(true);
    }
  });

  it('mix health states with lastSeen consistent with them', () => {
    const active = devices.filter((d) => d.machine.healthStatus === 'Active');
    expect(active.length / devices.length).toBeGreaterThan(0.75);
    expect(active.filter((d) => d.online).length / active.length).toBeGreaterThan(0.85);
    const states = new Set(devices.map((d) => d.machine.healthStatus));
    for (const s of [
      'Active',
      'Inactive',
      'ImpairedCommunication',
      'NoSensorData',
      'NoSensorDataImpairedCommunication',
      'Unknown',
    ])
      expect(states.has(s), s).toBe(true);
    for (const d of devices) {
      const age = NOW - Date.parse(d.machine.lastSeen);
      if (d.machine.healthStatus === 'Inactive') expect(age).toBeGreaterThan(7 * 86_400_000);
      if (d.machine.healthStatus === 'Active') expect(age).toBeLessThan(7 * 86_400_000);
      if (d.online)
        expect(
          d.machine.healthStatus === 'Active' || d.machine.healthStatus === 'ImpairedCommunication',
        ).toBe(true);
    }
    expect(
      devices.filter((d) => d.machine.onboardingStatus === 'Onboarded').length / devices.length,
    ).toBeGreaterThan(0.95);
    expect(devices.filter((d) => d.machine.rbacGroupId === 0).length / devices.length).toBeGreaterThan(0.08);
    expect(devices.some((d) => d.machine.vmMetadata !== null)).toBe(true);
  });

  it('contains re-imaged machines: the same DNS name twice, the old record Inactive and older', () => {
    const byName = new Map<string, DeviceRecord[]>();
    for (const d of devices)
      byName.set(d.machine.computerDnsName, [...(byName.get(d.machine.computerDnsName) ?? []), d]);
    const dups = [...byName.values()].filter((l) => l.length > 1);
    expect(dups.length).toBeGreaterThanOrEqual(8);
    expect(dups.length).toBeLessThan(60);
    for (const pair of dups) {
      expect(pair).toHaveLength(2);
      const [newer, older] = [...pair].sort(
        (a, b) => Date.parse(b.machine.lastSeen) - Date.parse(a.machine.lastSeen),
      );
      expect(older.machine.healthStatus).toBe('Inactive');
      expect(Date.parse(newer.machine.firstSeen)).toBeGreaterThan(Date.parse(older.machine.lastSeen));
      if (older.machine.mergedIntoMachineId) expect(older.machine.mergedIntoMachineId).toBe(newer.machine.id);
      // same hardware: same MAC on the primary adapter
      expect(older.machine.ipAddresses[0].macAddress).toBe(newer.machine.ipAddresses[0].macAddress);
    }
    const olds = dups.map(
      (p) => p.find((d) => d.machine.healthStatus === 'Inactive' && d.machine.id !== p[0].machine.id) ?? p[1],
    );
    expect(
      olds.some((d) => d.machine.isPotentialDuplication) ||
        dups.some((p) => p.some((d) => d.machine.isPotentialDuplication)),
    ).toBe(true);
    expect(dups.some((p) => p.some((d) => d.machine.mergedIntoMachineId !== null))).toBe(true);
  });

  it('composes machinesVulnerabilities rows (spec 4.5)', () => {
    const d = devices.find((x) => t.deviceVulnerabilities(x).some((v) => v.fixingKbId));
    const v = t.deviceVulnerabilities(d as DeviceRecord).find((x) => x.fixingKbId) as NonNullable<
      ReturnType<typeof t.deviceVulnerabilities>[number]
    >;
    const row = machineVulnerabilityRow(d as DeviceRecord, v);
    expect(Object.keys(row)).toEqual([
      'id',
      'cveId',
      'machineId',
      'fixingKbId',
      'productName',
      'productVendor',
      'productVersion',
      'severity',
    ]);
    expect(row.id).toBe(
      `${d?.machine.id}-_-${v.cveId}-_-${v.productVendor}-_-${v.productName}-_-${v.productVersion}-_-${v.fixingKbId}`,
    );
  });

  it('has IP history with addresses reused by other devices at other times, never at the same time', () => {
    const leases = new Map<string, { dev: number; from: number; to: number }[]>();
    for (const d of devices) {
      expect(d.ipHistory.length).toBeGreaterThanOrEqual(1);
      expect(d.ipHistory.length).toBeLessThanOrEqual(3);
      d.ipHistory.forEach((h, k) => {
        expect(h.ip).toMatch(/^(10|172|192)\.\d+\.\d+\.\d+$/);
        if (k < d.ipHistory.length - 1) expect(h.toMs).toBe(d.ipHistory[k + 1].fromMs);
        else expect(h.toMs).toBeNull();
        const list = leases.get(h.ip) ?? [];
        list.push({ dev: d.index, from: h.fromMs, to: h.toMs ?? Number.POSITIVE_INFINITY });
        leases.set(h.ip, list);
      });
    }
    let reused = 0;
    for (const list of leases.values()) {
      if (new Set(list.map((l) => l.dev)).size > 1) reused++;
      list.sort((a, b) => a.from - b.from);
      for (let k = 1; k < list.length; k++) expect(list[k].from).toBeGreaterThanOrEqual(list[k - 1].to);
    }
    expect(reused).toBeGreaterThan(20);
    // "which device had this IP at time T": a reused address resolves to a different device per lease
    const shared = [...leases.entries()]
      .filter(([, l]) => new Set(l.map((x) => x.dev)).size > 1)
      .slice(0, 20);
    for (const [ip, list] of shared) {
      for (const l of list) {
        const mid = Number.isFinite(l.to) ? (l.from + l.to) / 2 : l.from + 60_000;
        const found = devicesWithIpAt(devices, ip, mid, 0);
        expect(found.map((d) => d.index)).toEqual([l.dev]);
      }
    }
    expect(devices.filter((d) => d.ipHistory.length > 1).length).toBeGreaterThan(devices.length * 0.2);
    const subnets = new Set(devices.map((d) => d.machine.lastIpAddress.split('.').slice(0, 2).join('.')));
    expect([...subnets].some((s) => s.startsWith('10.'))).toBe(true);
    expect([...subnets].some((s) => s.startsWith('172.'))).toBe(true);
    expect([...subnets].some((s) => s.startsWith('192.168'))).toBe(true);
  });
});

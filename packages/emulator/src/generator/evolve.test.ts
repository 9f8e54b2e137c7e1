import { describe, expect, it } from 'vitest';
import type { Row, TableSource } from '../hunting/types.js';
import { generateTenant } from './index.js';
import type { DeviceRecord, TenantData } from './types.js';

const NOW = Date.parse('2025-06-15T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function tenant(devices: number): TenantData {
  return generateTenant({
    seed: 'evolve',
    devices,
    nowMs: NOW,
    tenantId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  });
}

function state(t: TenantData): string {
  return JSON.stringify({ devices: t.devices, alerts: t.alerts });
}

describe('evolve', () => {
  it('is additive: evolve(a, b) then evolve(b, c) equals evolve(a, c)', () => {
    const split = tenant(1500);
    const whole = tenant(1500);
    const a = NOW;
    const b = NOW + 19 * HOUR + 12_345;
    const c = NOW + 53 * HOUR + 999;
    const r1 = split.evolve(a, b);
    const r2 = split.evolve(b, c);
    const r = whole.evolve(a, c);
    expect(state(split)).toBe(state(whole));
    expect(r1.alertsRaised + r2.alertsRaised).toBe(r.alertsRaised);
    expect(r1.alertsUpdated + r2.alertsUpdated).toBe(r.alertsUpdated);
    expect(r1.devicesAdded + r2.devicesAdded).toBe(r.devicesAdded);
    expect(r.devicesAdded).toBeGreaterThan(0);
    expect(r.alertsRaised).toBeGreaterThan(0);
    expect(r.devicesChanged).toBeGreaterThan(0);
    // telemetry of the evolved tenants matches too
    const scan = (t: TenantData, name: string, id: string): Row[] => {
      const table = t.tables(() => c).find((x) => x.name === name) as TableSource;
      return [...table.scan({ deviceIds: [id], fromMs: NOW })];
    };
    const newest = split.alerts[split.alerts.length - 1];
    expect(JSON.stringify(scan(split, 'DeviceProcessEvents', newest.machineId))).toBe(
      JSON.stringify(scan(whole, 'DeviceProcessEvents', newest.machineId)),
    );
    // an empty or reversed range changes nothing
    const before = state(split);
    const nothing = { devicesChanged: 0, devicesAdded: 0, alertsRaised: 0, alertsUpdated: 0 };
    expect(split.evolve(c, c)).toEqual(nothing);
    expect(split.evolve(c, c - HOUR)).toEqual(nothing);
    expect(state(split)).toBe(before);
  });

  it('moves devices and alerts forward consistently', () => {
    const t = tenant(800);
    const lastSeen0 = new Map(t.devices.map((d) => [d.index, Date.parse(d.machine.lastSeen)]));
    const alerts0 = t.alerts.length;
    const open0 = new Map(t.alerts.map((a) => [a.id, a.status]));
    const end = NOW + 10 * DAY;
    const r = t.evolve(NOW, end);
    expect(r.alertsRaised).toBe(t.alerts.length - alerts0);
    // ~3 per hour per 1,000 devices
    expect(r.alertsRaised).toBeGreaterThan(240 * 0.8 * 3 * 0.5);
    expect(r.alertsRaised).toBeLessThan(240 * 0.8 * 3 * 1.6);
    expect(r.alertsUpdated).toBeGreaterThan(0);
    let reported = 0;
    for (const d of t.devices) {
      const ls = Date.parse(d.machine.lastSeen);
      expect(ls).toBeLessThanOrEqual(end);
      expect(ls).toBeGreaterThanOrEqual(lastSeen0.get(d.index) ?? Date.parse(d.machine.firstSeen));
      if (ls > NOW) reported++;
      if (d.online) expect(end - ls).toBeLessThan(25 * HOUR);
      if (!d.online && end - ls > 7 * DAY && d.machine.onboardingStatus === 'Onboarded')
        expect(d.machine.healthStatus).toBe('Inactive');
      expect(d.machine.lastIpAddress).toBe(d.ipHistory[d.ipHistory.length - 1].ip);
      expect(d.machine.ipAddresses[0].ipAddress).toBe(d.machine.lastIpAddress);
      for (let k = 1; k < d.ipHistory.length; k++)
        expect(d.ipHistory[k].fromMs).toBe(d.ipHistory[k - 1].toMs);
    }
    expect(reported).toBeGreaterThan(t.devices.length * 0.6);
    expect(t.devices.some((d) => d.ipHistory.some((h) => h.fromMs > NOW))).toBe(true);
    // devices that went stale during the 10 days
    expect(
      t.devices.some(
        (d) => d.machine.healthStatus === 'Inactive' && Date.parse(d.machine.lastSeen) > NOW - 3 * DAY,
      ),
    ).toBe(true);
    let progressed = 0;
    for (const a of t.alerts) {
      const created = Date.parse(a.alertCreationTime);
      expect(Date.parse(a.lastUpdateTime)).toBeGreaterThanOrEqual(created);
      expect(Date.parse(a.lastUpdateTime)).toBeLessThanOrEqual(end);
      if (a.status === 'Resolved') expect(a.resolvedTime).not.toBeNull();
      const before = open0.get(a.id);
      if (before && before !== a.status) progressed++;
      if (created > NOW) {
        expect(a.evidence.length).toBeGreaterThan(0);
        const d = t.devices.find((x) => x.machine.id === a.machineId);
        expect(d?.osFamily === 'ios' || d?.osFamily === 'android').toBe(false);
      }
    }
    expect(progressed).toBeGreaterThan(0);
    const fresh = t.alerts.filter((a) => Date.parse(a.alertCreationTime) > NOW);
    expect(new Set(fresh.map((a) => a.status)).size).toBeGreaterThan(1);
  });

  it('is additive with devices appearing: whole device lists and TVM counters match', () => {
    const split = tenant(200);
    const whole = tenant(200);
    const a = NOW + 1234;
    const cuts = [a, NOW + 2 * DAY + 5 * HOUR + 77, NOW + 6 * DAY + 1, NOW + 13 * DAY + 30 * 60_000];
    let added = 0;
    for (let k = 1; k < cuts.length; k++) added += split.evolve(cuts[k - 1], cuts[k]).devicesAdded;
    const r = whole.evolve(a, cuts[cuts.length - 1]);
    expect(added).toBe(r.devicesAdded);
    expect(whole.devices.length).toBe(200 + r.devicesAdded);
    const reimaged = whole.devices
      .slice(200)
      .filter((d) => whole.devices.some((o) => o.index < d.index && sameName(o, d)));
    expect(reimaged.length).toBeGreaterThan(0);
    expect(reimaged.length).toBeLessThan(r.devicesAdded);
    expect(JSON.stringify(split.devices)).toBe(JSON.stringify(whole.devices));
    expect(JSON.stringify(split.alerts)).toBe(JSON.stringify(whole.alerts));
    const tvm = (t: TenantData) =>
      JSON.stringify([
        t.software,
        t.vulnerabilities,
        t.recommendations,
        t.devices.map(t.deviceVulnerabilities),
      ]);
    expect(tvm(split)).toBe(tvm(whole));
  });

  it('onboards new devices and re-images existing ones', () => {
    const t = tenant(300);
    const n0 = t.devices.length;
    const before = new Map(t.devices.map((d) => [d.index, JSON.stringify(d)]));
    const exposed0 = t.vulnerabilities.reduce((s, v) => s + v.exposedMachines, 0);
    const end = NOW + 30 * DAY;
    const r = t.evolve(NOW, end);
    const added = t.devices.slice(n0);
    expect(r.devicesAdded).toBe(added.length);
    // ~2 a day per 1,000 devices, at least 0.5 a day; re-images ~0.25 a day here: ~22 in 30 days
    expect(added.length).toBeGreaterThan(8);
    expect(added.length).toBeLessThan(45);
    expect(new Set(t.devices.map((d) => d.machine.id)).size).toBe(t.devices.length);
    expect(t.devices.map((d) => d.index)).toEqual(t.devices.map((_, k) => k));
    let prevFirst = NOW;
    for (const d of added) {
      const m = d.machine;
      const first = Date.parse(m.firstSeen);
      expect(first).toBeGreaterThan(NOW);
      expect(first).toBeLessThanOrEqual(end);
      expect(first).toBeGreaterThanOrEqual(prevFirst); // appended in time order
      prevFirst = first;
      expect(Date.parse(m.lastSeen)).toBeGreaterThanOrEqual(first);
      expect(m.onboardingStatus).toBe('Onboarded');
      expect(m.isExcluded).toBe(false);
      expect(m.lastIpAddress).toBe(d.ipHistory[d.ipHistory.length - 1].ip);
      expect(d.ipHistory[0].fromMs).toBe(Math.floor(first));
      expect(m.ipAddresses[0].ipAddress).toBe(m.lastIpAddress);
      expect(m.agentVersion).not.toBe('');
      // derivable like generated devices, and counted in the catalogue
      for (const sw of t.deviceSoftware(d)) expect(t.software.some((s) => s.id === sw.softwareId)).toBe(true);
      for (const v of t.deviceVulnerabilities(d)) {
        const w = t.vulnerabilities.find((x) => x.id === v.cveId);
        expect(w?.exposedMachines).toBeGreaterThan(0);
        expect(w?.firstDetected).not.toBeNull();
      }
    }
    expect(added.some((d) => t.deviceVulnerabilities(d).length > 0)).toBe(true);
    expect(t.vulnerabilities.reduce((s, v) => s + v.exposedMachines, 0)).toBeGreaterThan(exposed0);

    // re-images: the same DNS name, a new id, the new record first seen after the old one's last report
    const pairs: [DeviceRecord, DeviceRecord][] = [];
    for (const d of added) {
      const olds = t.devices.filter((o) => o.index < d.index && sameName(o, d));
      if (olds.length > 0) pairs.push([olds[olds.length - 1], d]);
    }
    expect(pairs.length).toBeGreaterThanOrEqual(2);
    expect(pairs.length).toBeLessThan(added.length);
    for (const [older, newer] of pairs) {
      expect(newer.machine.id).not.toBe(older.machine.id);
      expect(Date.parse(newer.machine.firstSeen)).toBeGreaterThan(Date.parse(older.machine.lastSeen));
      expect(newer.machine.ipAddresses[0].macAddress).toBe(older.machine.ipAddresses[0].macAddress);
      // the machine keeps its address: the lease moves to the new record
      expect(newer.ipHistory[0].ip).toBe(older.ipHistory[older.ipHistory.length - 1].ip);
      expect(older.online).toBe(false);
      expect(older.ipHistory[older.ipHistory.length - 1].toMs).toBe(newer.ipHistory[0].fromMs);
    }
    expect(pairs.some(([older]) => older.machine.isPotentialDuplication)).toBe(true);
    // hunting: added devices are in DeviceInfo from their onboarding on; by name, both records answer
    const tables = t.tables(() => end);
    const table = (name: string) => tables.find((x) => x.name === name) as TableSource;
    const info = [...table('DeviceInfo').scan({ deviceIds: added.map((d) => d.machine.id) })];
    for (const d of added) {
      const rows = info.filter((x) => x.DeviceId === d.machine.id);
      expect(rows.length).toBeGreaterThan(0);
      const first = Date.parse(d.machine.firstSeen);
      expect((rows[0].Timestamp as Date).getTime()).toBeGreaterThanOrEqual(first);
      expect((rows[0].Timestamp as Date).getTime()).toBeLessThan(first + 5 * 60_000);
      expect(rows[0].DeviceName).toBe(d.machine.computerDnsName);
    }
    const [older, newer] = pairs[0];
    const byName = [...table('DeviceInfo').scan({ deviceNames: [newer.machine.computerDnsName] })];
    expect(new Set(byName.map((x) => x.DeviceId))).toEqual(new Set([older.machine.id, newer.machine.id]));
    const busy = added.find((d) => d.osFamily !== 'ios' && d.osFamily !== 'android') as DeviceRecord;
    const procs = [...table('DeviceProcessEvents').scan({ deviceIds: [busy.machine.id] })];
    expect(procs.length).toBeGreaterThan(0);
    for (const p of procs)
      expect((p.Timestamp as Date).getTime()).toBeGreaterThanOrEqual(Date.parse(busy.machine.firstSeen));
    // the old records stop reporting (and go Inactive once stale); the new ones live on
    const frozen = pairs.map(([older]) => older.machine.lastSeen);
    const later = end + 10 * DAY;
    t.evolve(end, later);
    pairs.forEach(([older], k) => {
      expect(older.machine.lastSeen).toBe(frozen[k]);
      expect(older.online).toBe(false);
      expect(older.machine.healthStatus).toBe('Inactive');
    });
    expect(pairs.some(([, newer]) => Date.parse(newer.machine.lastSeen) > end)).toBe(true);
    // generated devices other than re-imaged ones keep their identity
    for (const d of t.devices.slice(0, n0))
      expect(JSON.parse(before.get(d.index) as string).machine.id).toBe(d.machine.id);
  });
});

function sameName(a: DeviceRecord, b: DeviceRecord): boolean {
  return a.machine.computerDnsName.toLowerCase() === b.machine.computerDnsName.toLowerCase();
}

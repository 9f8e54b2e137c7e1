import { describe, expect, it } from 'vitest';
import type { Row, TableSource } from '../hunting/types.js';
import { generateTenant } from './index.js';
import type { TenantData } from './types.js';

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
    expect(split.evolve(c, c)).toEqual({ devicesChanged: 0, alertsRaised: 0, alertsUpdated: 0 });
    expect(split.evolve(c, c - HOUR)).toEqual({ devicesChanged: 0, alertsRaised: 0, alertsUpdated: 0 });
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
      expect(ls).toBeGreaterThanOrEqual(lastSeen0.get(d.index) as number);
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
});

import { describe, expect, it } from 'vitest';
import type { KqlType, Row, ScanHints, TableSource } from '../hunting/types.js';
import { generateTenant, ipAt } from './index.js';
import * as S from './schema.js';

const NOW = Date.parse('2025-06-15T12:00:00Z');
const DAY = 86_400_000;
const t = generateTenant({
  seed: 'telemetry',
  devices: 600,
  nowMs: NOW,
  tenantId: '1f2e3d4c-5b6a-4798-8a6b-5c4d3e2f1a0b',
});
const tables = new Map<string, TableSource>(t.tables(() => NOW).map((x) => [x.name, x]));
const scan = (name: string, hints: ScanHints): Row[] => [...(tables.get(name) as TableSource).scan(hints)];
const ms = (v: unknown) => (v as Date).getTime();

function checkType(type: KqlType, v: unknown): boolean {
  if (v === null) return true;
  switch (type) {
    case 'datetime':
      return v instanceof Date && !Number.isNaN(v.getTime());
    case 'long':
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'dynamic':
      return typeof v === 'object';
    default:
      return true;
  }
}

const onboarded = t.devices.filter(
  (d) => d.machine.onboardingStatus === 'Onboarded' && d.osFamily !== 'ios' && d.osFamily !== 'android',
);
const sample = onboarded.filter((d, k) => k % 20 === 0 && d.online);

describe('hunting tables', () => {
  it('expose the spec 7.4 tables with their exact columns, rows typed accordingly', () => {
    const expected: Record<string, S.Columns> = {
      DeviceInfo: S.DeviceInfo,
      DeviceNetworkInfo: S.DeviceNetworkInfo,
      DeviceProcessEvents: S.DeviceProcessEvents,
      DeviceNetworkEvents: S.DeviceNetworkEvents,
      DeviceFileEvents: S.DeviceFileEvents,
      DeviceLogonEvents: S.DeviceLogonEvents,
      AlertInfo: S.AlertInfo,
      AlertEvidence: S.AlertEvidence,
      DeviceTvmSoftwareVulnerabilities: S.DeviceTvmSoftwareVulnerabilities,
    };
    expect([...tables.keys()].sort()).toEqual(Object.keys(expected).sort());
    expect(S.DeviceNetworkEvents.find((c) => c[0] === 'RemotePort')?.[1]).toBe('int');
    expect(S.DeviceInfo.find((c) => c[0] === 'IsAzureADJoined')?.[1]).toBe('bool');
    expect(S.DeviceInfo.find((c) => c[0] === 'OSBuild')?.[1]).toBe('long');
    expect(S.DeviceTvmSoftwareVulnerabilities.find((c) => c[0] === 'CveTags')?.[1]).toBe('dynamic');
    expect(S.DeviceTvmSoftwareVulnerabilities.some((c) => c[0] === 'Timestamp')).toBe(false);
    expect(S.DeviceProcessEvents).toHaveLength(58);
    expect(S.AlertEvidence).toHaveLength(42);
    const d = sample[0];
    for (const [name, columns] of Object.entries(expected)) {
      const table = tables.get(name) as TableSource;
      expect(table.columns).toBe(columns);
      const hints: ScanHints = name.startsWith('Alert')
        ? { fromMs: NOW - 30 * DAY }
        : { deviceIds: [d.machine.id], fromMs: NOW - 8 * DAY };
      const rows = [...table.scan(hints)].slice(0, 200);
      expect(rows.length, name).toBeGreaterThan(0);
      for (const r of rows) {
        expect(Object.keys(r)).toEqual(columns.map((c) => c[0]));
        for (const [col, type] of columns)
          expect(checkType(type, r[col]), `${name}.${col}=${String(r[col])}`).toBe(true);
      }
    }
  });

  it('honour time and device hints', () => {
    const d = sample[1];
    const from = NOW - 3 * DAY;
    const to = NOW - 2 * DAY;
    for (const name of [
      'DeviceProcessEvents',
      'DeviceNetworkEvents',
      'DeviceFileEvents',
      'DeviceInfo',
      'DeviceNetworkInfo',
    ]) {
      const rows = scan(name, { deviceIds: [d.machine.id], fromMs: from, toMs: to });
      for (const r of rows) {
        expect(r.DeviceId).toBe(d.machine.id);
        expect(ms(r.Timestamp)).toBeGreaterThanOrEqual(from);
        expect(ms(r.Timestamp)).toBeLessThanOrEqual(to);
      }
    }
    const byName = scan('DeviceInfo', {
      deviceNames: [d.machine.computerDnsName.toUpperCase()],
      fromMs: NOW - 8 * DAY,
    });
    expect(byName.length).toBeGreaterThan(0);
    expect(new Set(byName.map((r) => r.DeviceId)).size).toBeGreaterThanOrEqual(1);
    expect(scan('DeviceInfo', { deviceIds: ['0'.repeat(40)] })).toEqual([]);
    // nothing older than 30 days, nothing in the future
    for (const r of scan('DeviceProcessEvents', { deviceIds: [d.machine.id] })) {
      expect(ms(r.Timestamp)).toBeGreaterThanOrEqual(NOW - 30 * DAY);
      expect(ms(r.Timestamp)).toBeLessThanOrEqual(NOW);
    }
  });

  it('are consistent: every connection/file event names a process row of the device, and its parent', () => {
    let checked = 0;
    const problems: string[] = [];
    for (const d of sample) {
      const hints = { deviceIds: [d.machine.id] };
      const procs = scan('DeviceProcessEvents', hints);
      const key = (id: unknown, at: unknown) => `${id}@${ms(at)}`;
      const byKey = new Map(procs.map((p) => [key(p.ProcessId, p.ProcessCreationTime), p]));
      for (const p of procs) {
        if (p.InitiatingProcessId !== null && ms(p.InitiatingProcessCreationTime) > ms(p.ProcessCreationTime))
          problems.push(`child before parent: ${p.FileName}`);
      }
      const events = [...scan('DeviceNetworkEvents', hints), ...scan('DeviceFileEvents', hints)];
      for (const e of events) {
        if (ms(e.InitiatingProcessCreationTime) < NOW - 30 * DAY) continue; // created before the retention window
        const p = byKey.get(key(e.InitiatingProcessId, e.InitiatingProcessCreationTime));
        const where = `${d.machine.computerDnsName} ${e.InitiatingProcessFileName} @${(e.Timestamp as Date).toISOString()}`;
        if (!p) {
          problems.push(`no process row: ${where}`);
          continue;
        }
        if (
          p.ActionType !== 'ProcessCreated' ||
          p.FileName !== e.InitiatingProcessFileName ||
          p.ProcessCommandLine !== e.InitiatingProcessCommandLine ||
          p.SHA256 !== e.InitiatingProcessSHA256 ||
          p.FolderPath !== e.InitiatingProcessFolderPath ||
          p.InitiatingProcessId !== e.InitiatingProcessParentId ||
          ms(e.Timestamp) < ms(e.InitiatingProcessCreationTime)
        ) {
          problems.push(`process row differs: ${where}`);
        }
        const parent = byKey.get(key(e.InitiatingProcessParentId, e.InitiatingProcessParentCreationTime));
        if (!parent || parent.FileName !== e.InitiatingProcessParentFileName)
          problems.push(`no parent row: ${where}`);
        checked++;
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('follow the IP history in DeviceNetworkInfo and LocalIP', () => {
    const moved = onboarded
      .filter((d) => d.ipHistory.length > 1 && d.osFamily !== 'ios' && d.osFamily !== 'android')
      .slice(0, 10);
    expect(moved.length).toBeGreaterThan(3);
    let seen = 0;
    for (const d of moved) {
      for (const r of scan('DeviceNetworkInfo', { deviceIds: [d.machine.id] })) {
        const ip = ipAt(d, ms(r.Timestamp));
        expect(JSON.parse(r.IPAddresses as string)[0].IPAddress).toBe(ip);
        seen++;
      }
      for (const r of scan('DeviceNetworkEvents', { deviceIds: [d.machine.id] }).slice(0, 300)) {
        expect(r.LocalIP).toBe(ipAt(d, ms(r.Timestamp)));
      }
      const ips = new Set(
        scan('DeviceNetworkInfo', { deviceIds: [d.machine.id] }).map(
          (r) => JSON.parse(r.IPAddresses as string)[0].IPAddress,
        ),
      );
      if (ips.size > 1) seen += 1000;
    }
    expect(seen).toBeGreaterThan(1000);
  });

  it('reflect alerts, evidence and device vulnerabilities', () => {
    const info = scan('AlertInfo', {});
    const inWindow = t.alerts.filter((a) => Date.parse(a.alertCreationTime) >= NOW - 30 * DAY);
    expect(info.map((r) => r.AlertId).sort()).toEqual(inWindow.map((a) => a.id).sort());
    const evidence = scan('AlertEvidence', {});
    expect(evidence.length).toBe(inWindow.reduce((s, a) => s + a.evidence.length + 1, 0));
    const a = inWindow[0];
    const rows = scan('AlertEvidence', { deviceIds: [a.machineId] }).filter((r) => r.AlertId === a.id);
    expect(rows.map((r) => r.EntityType)).toContain('Machine');
    const d = sample[2];
    const tvm = scan('DeviceTvmSoftwareVulnerabilities', { deviceIds: [d.machine.id] });
    expect(tvm.map((r) => r.CveId)).toEqual(t.deviceVulnerabilities(d).map((v) => v.cveId));
    const info2 = scan('DeviceInfo', { deviceIds: [d.machine.id] });
    expect(info2[info2.length - 1]).toMatchObject({
      DeviceName: d.machine.computerDnsName,
      OSPlatform: d.machine.osPlatform,
      ClientVersion: d.machine.agentVersion,
    });
  });
});

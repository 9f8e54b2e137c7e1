import { describe, expect, it } from 'vitest';
import type { Row, TableSource } from '../hunting/types.js';
import { generateTenant } from './index.js';

const NOW = Date.parse('2026-11-23T00:30:00Z');
const t = generateTenant({
  seed: 'contract',
  devices: 100,
  nowMs: NOW,
  tenantId: '1f2e3d4c-5b6a-4798-8a6b-5c4d3e2f1a0b',
});
const tables = new Map<string, TableSource>(t.tables(() => NOW).map((x) => [x.name, x]));
const scan = (name: string, deviceId: string): Row[] => [
  ...(tables.get(name) as TableSource).scan({ deviceIds: [deviceId] }),
];
const ms = (v: unknown) => (v as Date).getTime();

describe('scenario decoys', () => {
  it('keeps the scenario connection the only one on its address and port within ±5 min', () => {
    for (const s of t.scenarios) {
      const at = Date.parse(s.time);
      const near = scan('DeviceNetworkEvents', s.deviceId).filter(
        (r) =>
          r.RemoteIP === s.remoteIp &&
          r.RemotePort === s.remotePort &&
          Math.abs(ms(r.Timestamp) - at) <= 300_000,
      );
      expect(
        near.map((r) => r.InitiatingProcessId),
        s.id,
      ).toEqual([s.processChain[0].processId]);
    }
  });

  it('has other processes of the chain talk to the same address at other times', () => {
    let decoys = 0;
    for (const s of t.scenarios) {
      const chain = new Map(s.processChain.map((p) => [p.processId, Date.parse(p.creationTime)]));
      for (const r of scan('DeviceNetworkEvents', s.deviceId)) {
        if (r.RemoteIP !== s.remoteIp || r.InitiatingProcessId === s.processChain[0].processId) continue;
        const created = chain.get(r.InitiatingProcessId as number);
        if (created === undefined) continue;
        decoys++;
        // A decoy's process exists when it connects, and its row names that process (ID and creation time).
        expect(ms(r.Timestamp)).toBeGreaterThan(created);
        expect(ms(r.InitiatingProcessCreationTime)).toBe(created);
        expect(ms(r.Timestamp)).toBeLessThanOrEqual(NOW);
      }
    }
    expect(decoys).toBeGreaterThanOrEqual(t.scenarios.length);
  });

  it('re-uses process IDs across a device’s processes, told apart by creation time (not a bug)', () => {
    // With the clock at 2026-11-23T00:30Z, the second scenario's mshta.exe has the process ID of an
    // earlier MpCmdRun.exe on the same device: a join on ProcessId alone finds both.
    const s = t.scenarios[1];
    const truth = s.processChain[0];
    const same = scan('DeviceProcessEvents', s.deviceId).filter((r) => r.ProcessId === truth.processId);
    expect(same.map((r) => r.FileName).sort()).toEqual(['MpCmdRun.exe', 'mshta.exe']);
    const exact = same.filter((r) => ms(r.ProcessCreationTime) === Date.parse(truth.creationTime));
    expect(exact.map((r) => r.FileName)).toEqual([truth.fileName]);
    expect(exact[0].InitiatingProcessId).toBe(s.processChain[1].processId);
  });
});

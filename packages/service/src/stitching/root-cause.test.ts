import { describe, expect, it } from 'vitest';
import {
  confidenceOf,
  hostOf,
  type Row,
  rankCandidates,
  type StitchTarget,
  sameProcess,
} from './root-cause.js';
import { networkQuery, processQuery } from './stitch-queries.js';

const AT = Date.parse('2026-11-18T10:00:00Z');
const target: StitchTarget = {
  detectionId: 'd1',
  tenant: 't',
  deviceId: 'dev-a',
  atMs: AT,
  remoteIp: '185.220.101.34',
  remotePort: 443,
  domain: 'cdn-update-check.net',
};

function row(over: Partial<Record<string, unknown>> & { pid: number; offsetMs: number }): Row {
  const { pid, offsetMs, ...rest } = over;
  return {
    Timestamp: new Date(AT + offsetMs).toISOString(),
    DeviceId: 'dev-a',
    ActionType: 'ConnectionSuccess',
    RemoteIP: '185.220.101.34',
    RemotePort: 443,
    RemoteUrl: 'cdn-update-check.net',
    Protocol: 'Tcp',
    InitiatingProcessFileName: `p${pid}.exe`,
    InitiatingProcessId: pid,
    InitiatingProcessCreationTime: new Date(AT - 60_000).toISOString(),
    InitiatingProcessParentId: 4,
    InitiatingProcessParentFileName: 'parent.exe',
    InitiatingProcessParentCreationTime: new Date(AT - 3_600_000).toISOString(),
    ...rest,
  };
}

describe('rankCandidates', () => {
  it('picks the closest connection in time among decoys to the same address', () => {
    const rows = [
      row({ pid: 100, offsetMs: -4 * 60_000 }),
      row({ pid: 200, offsetMs: 1_500 }),
      row({ pid: 300, offsetMs: 3 * 60_000 }),
    ];
    const ranked = rankCandidates(target, rows, 5 * 60_000);
    expect(ranked.map((c) => c.process.processId)).toEqual([200, 300, 100]);
  });

  it('prefers a port and URL match over an IP-only match closer in time', () => {
    const rows = [
      row({ pid: 100, offsetMs: 0, RemotePort: 8080, RemoteUrl: '' }),
      row({ pid: 200, offsetMs: 90_000 }),
    ];
    const ranked = rankCandidates(target, rows, 5 * 60_000);
    expect(ranked[0].process.processId).toBe(200);
    expect(ranked[0].specificity).toBe(1);
    expect(ranked[1].specificity).toBeCloseTo(1 / 3);
  });

  it('ignores other devices (a re-used IP), rows outside the window and other addresses', () => {
    const rows = [
      row({ pid: 100, offsetMs: 0, DeviceId: 'dev-b' }),
      row({ pid: 200, offsetMs: 6 * 60_000 }),
      row({ pid: 300, offsetMs: 0, RemoteIP: '8.8.8.8', RemoteUrl: 'dns.google' }),
      row({ pid: 400, offsetMs: -20_000 }),
    ];
    expect(rankCandidates(target, rows, 5 * 60_000).map((c) => c.process.processId)).toEqual([400]);
  });

  it('keeps one entry per process and tells processes apart by creation time (re-used process IDs)', () => {
    const rows = [
      row({ pid: 100, offsetMs: 10_000 }),
      row({ pid: 100, offsetMs: 2_000 }),
      row({
        pid: 100,
        offsetMs: -5_000,
        InitiatingProcessCreationTime: new Date(AT - 7_200_000).toISOString(),
      }),
    ];
    const ranked = rankCandidates(target, rows, 5 * 60_000);
    expect(ranked).toHaveLength(2);
    expect(ranked[0].timestampMs).toBe(AT + 2_000);
  });

  it('is less confident when a decoy fits almost as well', () => {
    const alone = rankCandidates(target, [row({ pid: 1, offsetMs: 0 })], 5 * 60_000);
    const crowded = rankCandidates(
      target,
      [row({ pid: 1, offsetMs: 0 }), row({ pid: 2, offsetMs: 1_000 })],
      5 * 60_000,
    );
    expect(confidenceOf(alone)).toEqual({ confidence: 1, level: 'high' });
    expect(confidenceOf(crowded).confidence).toBeLessThan(0.8);
  });
});

describe('helpers', () => {
  it('reads hosts from URLs and bare names', () => {
    expect(hostOf('https://User@Evil.Example.com:8443/a?b')).toBe('evil.example.com');
    expect(hostOf('cdn-update-check.net')).toBe('cdn-update-check.net');
    expect(hostOf('')).toBeNull();
  });

  it('matches a process by ID and creation time', () => {
    const p = {
      fileName: 'a',
      folderPath: null,
      processId: 8,
      commandLine: null,
      sha256: null,
      sha1: null,
      accountName: null,
      accountDomain: null,
      creationTime: '2026-11-18T10:00:00.1234567Z',
    };
    expect(sameProcess({ processId: 8, creationTime: '2026-11-18T10:00:00.5Z' }, p)).toBe(true);
    expect(sameProcess({ processId: 8, creationTime: '2026-11-18T11:00:00Z' }, p)).toBe(false);
    expect(sameProcess({ processId: 9, creationTime: p.creationTime }, p)).toBe(false);
  });

  it('builds batched queries with quoted values', () => {
    const q = networkQuery({
      fromMs: AT,
      toMs: AT + 1,
      deviceIds: ['a', "b'c"],
      remoteIps: ['1.2.3.4', '1.2.3.4'],
      domains: ['x.org'],
    });
    expect(q).toContain("DeviceId in ('a', 'b\\'c')");
    expect(q).toContain("RemoteIP in ('1.2.3.4') or RemoteUrl contains 'x.org'");
    expect(processQuery({ fromMs: AT, toMs: AT, deviceIds: ['a'], processIds: [9, 3, 9] })).toContain(
      'ProcessId in (3, 9)',
    );
  });
});

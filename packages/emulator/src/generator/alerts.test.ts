import { describe, expect, it } from 'vitest';
import type { Row, TableSource } from '../hunting/types.js';
import { generateTenant } from './index.js';

const NOW = Date.parse('2025-06-15T12:00:00Z');
const TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const t = generateTenant({ seed: 'alerts', devices: 2000, nowMs: NOW, tenantId: TENANT });
const tables = new Map<string, TableSource>(t.tables(() => NOW).map((x) => [x.name, x]));
const scan = (name: string, hints: Parameters<TableSource['scan']>[0]): Row[] => [
  ...(tables.get(name) as TableSource).scan(hints),
];
const ms = (v: unknown) => (v as Date).getTime();

const EVIDENCE_KEYS = [
  'entityType',
  'evidenceCreationTime',
  'sha1',
  'sha256',
  'fileName',
  'filePath',
  'processId',
  'processCommandLine',
  'processCreationTime',
  'parentProcessId',
  'parentProcessCreationTime',
  'parentProcessFileName',
  'parentProcessFilePath',
  'ipAddress',
  'url',
  'registryKey',
  'registryHive',
  'registryValueType',
  'registryValue',
  'registryValueName',
  'accountName',
  'domainName',
  'userSid',
  'aadUserId',
  'userPrincipalName',
  'detectionStatus',
];

describe('alerts', () => {
  it('average ~0.3 per device with every field of spec 4.2', () => {
    const perDevice = t.alerts.length / t.devices.length;
    expect(perDevice).toBeGreaterThan(0.2);
    expect(perDevice).toBeLessThan(0.45);
    const byId = new Map(t.devices.map((d) => [d.machine.id, d]));
    const ids = new Set<string>();
    for (const a of t.alerts) {
      expect(a.id).toMatch(/^da\d{18}_-?\d+$/);
      ids.add(a.id);
      expect(Object.keys(a)).toEqual([
        'id',
        'incidentId',
        'investigationId',
        'assignedTo',
        'severity',
        'status',
        'classification',
        'determination',
        'investigationState',
        'detectionSource',
        'detectorId',
        'category',
        'threatFamilyName',
        'title',
        'description',
        'alertCreationTime',
        'firstEventTime',
        'lastEventTime',
        'lastUpdateTime',
        'resolvedTime',
        'machineId',
        'computerDnsName',
        'rbacGroupName',
        'aadTenantId',
        'threatName',
        'mitreTechniques',
        'relatedUser',
        'loggedOnUsers',
        'comments',
        'evidence',
        'domains',
      ]);
      expect(Number.isInteger(a.incidentId)).toBe(true);
      expect(a.aadTenantId).toBe(TENANT);
      const d = byId.get(a.machineId);
      expect(d?.machine.computerDnsName).toBe(a.computerDnsName);
      const created = Date.parse(a.alertCreationTime);
      expect(created).toBeLessThanOrEqual(NOW);
      expect(Date.parse(a.lastUpdateTime)).toBeGreaterThanOrEqual(created);
      expect(Date.parse(a.lastEventTime as string)).toBeLessThanOrEqual(created);
      expect(Date.parse(a.firstEventTime as string)).toBeLessThanOrEqual(
        Date.parse(a.lastEventTime as string),
      );
      expect(a.lastUpdateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,3}Z$/);
      if (a.status === 'Resolved') {
        expect(a.resolvedTime).not.toBeNull();
        expect(a.classification).not.toBeNull();
        expect(a.determination).not.toBeNull();
        expect(Date.parse(a.resolvedTime as string)).toBeGreaterThanOrEqual(created);
      } else {
        expect(a.resolvedTime).toBeNull();
      }
      expect(a.evidence.length).toBeGreaterThan(0);
      for (const e of a.evidence) expect(Object.keys(e)).toEqual(EVIDENCE_KEYS);
    }
    expect(ids.size).toBe(t.alerts.length);
    const set = (f: (a: (typeof t.alerts)[number]) => string | null) => new Set(t.alerts.map(f));
    expect(set((a) => a.status)).toEqual(new Set(['New', 'InProgress', 'Resolved']));
    expect([...set((a) => a.severity)].sort()).toEqual(['High', 'Informational', 'Low', 'Medium']);
    expect(set((a) => a.category).size).toBeGreaterThan(8);
    expect(set((a) => a.detectionSource).size).toBeGreaterThanOrEqual(4);
    expect(t.alerts.some((a) => a.mitreTechniques.some((m) => /^T\d{4}\.\d{3}$/.test(m)))).toBe(true);
    // riskScore reflects open alerts
    for (const d of t.devices) {
      const open = t.alerts.filter((a) => a.machineId === d.machine.id && a.status !== 'Resolved');
      if (open.length === 0) expect(d.machine.riskScore).toBe('None');
    }
  });

  it('leave their process and its parent in DeviceProcessEvents', () => {
    for (const a of t.alerts.slice(0, 150)) {
      const ev = a.evidence.find((e) => e.entityType === 'Process');
      if (!ev) continue;
      const at = Date.parse(ev.processCreationTime as string);
      const rows = scan('DeviceProcessEvents', {
        deviceIds: [a.machineId],
        fromMs: at - 24 * 3_600_000,
        toMs: at + 1,
      });
      const p = rows.find((r) => r.ProcessId === ev.processId && ms(r.ProcessCreationTime) === at);
      expect(p, a.title).toBeDefined();
      expect(p?.FileName).toBe(ev.fileName);
      expect(p?.InitiatingProcessId).toBe(ev.parentProcessId);
      expect(
        rows.some(
          (r) =>
            r.ProcessId === ev.parentProcessId &&
            ms(r.ProcessCreationTime) === Date.parse(ev.parentProcessCreationTime as string),
        ),
      ).toBe(true);
    }
  });
});

describe('scenarios', () => {
  it('about 1 per 50 devices, ~70% detected', () => {
    expect(t.scenarios.length).toBeGreaterThan(20);
    expect(t.scenarios.length).toBeLessThan(80);
    const detected = t.scenarios.filter((s) => s.detected).length / t.scenarios.length;
    expect(detected).toBeGreaterThan(0.45);
    expect(detected).toBeLessThan(0.9);
    const tiny = generateTenant({ seed: 'tiny', devices: 12, nowMs: NOW, tenantId: TENANT });
    expect(tiny.scenarios.length).toBeGreaterThanOrEqual(3);
  });

  it('are findable in the hunting tables with hints, and their alerts exist', () => {
    const alerts = new Map(t.alerts.map((a) => [a.id, a]));
    for (const s of t.scenarios) {
      const at = Date.parse(s.time);
      expect(at).toBeGreaterThan(NOW - 7 * 86_400_000);
      expect(s.processChain.length).toBeGreaterThanOrEqual(2);
      expect(s.processChain.length).toBeLessThanOrEqual(4);
      const device = t.devices.find((d) => d.machine.id === s.deviceId);
      expect(device?.machine.osPlatform.startsWith('Windows')).toBe(true);
      const nets = scan('DeviceNetworkEvents', { deviceIds: [s.deviceId], fromMs: at, toMs: at });
      const net = nets.find((r) => r.RemoteIP === s.remoteIp);
      expect(net, s.id).toBeDefined();
      expect(net).toMatchObject({
        ActionType: 'ConnectionSuccess',
        RemotePort: s.remotePort,
        RemoteUrl: s.remoteUrl ?? '',
        InitiatingProcessId: s.processChain[0].processId,
        InitiatingProcessFileName: s.processChain[0].fileName,
        InitiatingProcessCommandLine: s.processChain[0].commandLine,
        InitiatingProcessSHA256: s.processChain[0].sha256,
        InitiatingProcessParentId: s.processChain[1].processId,
        InitiatingProcessParentFileName: s.processChain[1].fileName,
      });
      expect(ms(net?.InitiatingProcessCreationTime)).toBe(Date.parse(s.processChain[0].creationTime));
      const from = Math.min(...s.processChain.map((p) => Date.parse(p.creationTime)));
      const procs = scan('DeviceProcessEvents', {
        deviceNames: [s.deviceName.toUpperCase()],
        fromMs: from,
        toMs: at,
      });
      s.processChain.forEach((p, k) => {
        const row = procs.find(
          (r) => r.ProcessId === p.processId && ms(r.ProcessCreationTime) === Date.parse(p.creationTime),
        );
        expect(row, `${s.id} ${p.fileName}`).toBeDefined();
        expect(row).toMatchObject({
          FileName: p.fileName,
          FolderPath: p.folderPath,
          ProcessCommandLine: p.commandLine,
          SHA256: p.sha256,
          SHA1: p.sha1,
          AccountName: p.accountName,
        });
        const parent = s.processChain[k + 1];
        if (parent) expect(row?.InitiatingProcessId).toBe(parent.processId);
      });
      if (!s.detected) expect(s.alertIds).toEqual([]);
      for (const id of s.alertIds) {
        const a = alerts.get(id);
        expect(a, id).toBeDefined();
        expect(a?.machineId).toBe(s.deviceId);
        const created = Date.parse(a?.alertCreationTime as string);
        expect(created).toBeGreaterThan(at);
        expect(created - at).toBeLessThan(2 * 3_600_000);
        const ev = a?.evidence.find((e) => e.entityType === 'Process');
        expect(ev?.fileName).toBe(s.processChain[0].fileName);
        expect(ev?.processId).toBe(s.processChain[0].processId);
      }
    }
  });
});

import {
  type Alert,
  type AlertEvidence,
  FileInfo,
  FileStats,
  validateStrict,
} from '@mde-bridge/client/models';
import { describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import { fileFacts, fileIndex, fileInfo, fileStats, parseLookBackHours, requireSha1 } from './files.js';

const PS_SHA1 = '04c5d2b4da9a0f3fa8a45702d4256cee42d8c48d';
const DROP_SHA1 = '133e97f9b8a0fbace979287c0f69a0bf7bcfca59';

function evidence(fields: Partial<AlertEvidence>): AlertEvidence {
  const nulls = Object.fromEntries(
    [
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
    ].map((k) => [k, null]),
  );
  return {
    entityType: 'File',
    evidenceCreationTime: '2024-05-01T10:00:00Z',
    ...nulls,
    ...fields,
  } as AlertEvidence;
}

function alert(id: string, machineId: string, items: AlertEvidence[], extra: Partial<Alert> = {}): Alert {
  return {
    id,
    machineId,
    alertCreationTime: '2024-05-01T10:00:00Z',
    threatName: null,
    threatFamilyName: null,
    evidence: items,
    ...extra,
  } as Alert;
}

const alerts: Alert[] = [
  alert('a1', 'm1', [
    evidence({
      entityType: 'Process',
      sha1: PS_SHA1,
      fileName: 'powershell.exe',
      filePath: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0',
      evidenceCreationTime: '2024-05-01T10:00:00Z',
    }),
  ]),
  alert(
    'a2',
    'm2',
    [
      evidence({
        sha1: DROP_SHA1.toUpperCase(),
        sha256: 'd744879999e407c9b1ce1438d9d1747086c02f8998885e8bddb47fdb5343303a',
        fileName: 'powerdump.ps1',
        filePath: 'C:\\Users\\bob\\Downloads',
        detectionStatus: 'Prevented',
        evidenceCreationTime: '2024-05-03T08:00:00Z',
      }),
      evidence({ entityType: 'Ip', ipAddress: '10.0.0.1' }),
    ],
    { threatName: 'HackTool:PowerShell/Powerpuff', threatFamilyName: 'Powerpuff' },
  ),
  alert('a3', 'm3', [
    evidence({
      entityType: 'Process',
      sha1: PS_SHA1,
      fileName: 'powershell.exe',
      filePath: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0',
      evidenceCreationTime: '2024-04-10T10:00:00Z',
    }),
  ]),
];

describe('fileIndex', () => {
  it('indexes evidence SHA-1s in lower case, and SHA-256 to SHA-1', () => {
    const index = fileIndex(alerts);
    expect([...index.bySha1.keys()].sort()).toEqual([PS_SHA1, DROP_SHA1].sort());
    expect(index.bySha1.get(PS_SHA1)?.map((o) => o.alert.id)).toEqual(['a1', 'a3']);
    expect(index.sha1BySha256.get('d744879999e407c9b1ce1438d9d1747086c02f8998885e8bddb47fdb5343303a')).toBe(
      DROP_SHA1,
    );
  });

  it('picks up alerts raised later', () => {
    const grown = [...alerts];
    expect(fileIndex(grown).bySha1.has('f'.repeat(40))).toBe(false);
    grown.push(alert('a4', 'm4', [evidence({ sha1: 'f'.repeat(40), fileName: 'x.dll' })]));
    expect(fileIndex(grown).bySha1.has('f'.repeat(40))).toBe(true);
  });
});

describe('fileInfo', () => {
  it('describes a Windows binary as Microsoft-signed and common', () => {
    const info = fileInfo(PS_SHA1, fileIndex(alerts).bySha1.get(PS_SHA1) ?? []);
    expect(validateStrict(FileInfo, info)).toEqual([]);
    expect(info).toMatchObject({
      sha1: PS_SHA1,
      isPeFile: true,
      fileType: 'APP',
      filePublisher: 'Microsoft Corporation',
      isValidCertificate: true,
      determinationType: 'Unknown',
      determinationValue: null,
    });
    expect(info.globalPrevalence).toBeGreaterThan(1_000_000);
    expect(info.globalLastObserved).toBe('2024-05-01T10:00:00.0000000Z');
    expect(info.globalFirstObserved < '2023-04-11').toBe(true);
  });

  it('describes a detected dropped script as unsigned, rare, with the threat name', () => {
    const info = fileInfo(DROP_SHA1, fileIndex(alerts).bySha1.get(DROP_SHA1) ?? []);
    expect(validateStrict(FileInfo, info)).toEqual([]);
    expect(info).toMatchObject({
      sha256: 'd744879999e407c9b1ce1438d9d1747086c02f8998885e8bddb47fdb5343303a',
      isPeFile: false,
      fileType: null,
      signer: null,
      determinationType: 'Malware',
      determinationValue: 'HackTool:PowerShell/Powerpuff',
    });
    expect(info.globalPrevalence).toBeLessThanOrEqual(500);
  });

  it('derives the same facts every time', () => {
    expect(fileFacts(PS_SHA1, 'powershell.exe', 'C:\\Windows')).toEqual(
      fileFacts(PS_SHA1, 'powershell.exe', 'C:\\Windows'),
    );
    expect(fileFacts(PS_SHA1, 'a.exe', 'C:\\x').md5).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('fileStats', () => {
  const occurrences = fileIndex(alerts).bySha1.get(PS_SHA1) ?? [];
  const now = Date.parse('2024-05-02T00:00:00Z');

  it('counts devices within the look-back window', () => {
    const stats = fileStats(PS_SHA1, occurrences, now, 720);
    expect(validateStrict(FileStats, stats)).toEqual([]);
    expect(stats).toMatchObject({
      organizationPrevalence: 2,
      orgPrevalence: '2',
      orgFirstSeen: '2024-04-10T10:00:00.0000000Z',
      orgLastSeen: '2024-05-01T10:00:00.0000000Z',
      topFileNames: ['powershell.exe'],
    });
    expect(stats.globalPrevalence).toBe(String(stats.globallyPrevalence));
  });

  it('narrows with lookBackHours', () => {
    expect(fileStats(PS_SHA1, occurrences, now, 48).organizationPrevalence).toBe(1);
    const none = fileStats(PS_SHA1, occurrences, now, 1);
    expect(none).toMatchObject({ organizationPrevalence: 0, orgFirstSeen: null, orgLastSeen: null });
  });
});

describe('request parameters', () => {
  it('accepts a SHA-1 in any case and rejects anything else with InvalidHashValue', () => {
    expect(requireSha1(PS_SHA1.toUpperCase())).toBe(PS_SHA1);
    for (const bad of ['abc', 'g'.repeat(40), 'a'.repeat(64)]) {
      expect(() => requireSha1(bad)).toThrow(DefenderError);
      expect(() => requireSha1(bad)).toThrow(/Hash value/);
    }
  });

  it('defaults lookBackHours to 720 and refuses values outside 1..720', () => {
    expect(parseLookBackHours(null)).toBe(720);
    expect(parseLookBackHours('48')).toBe(48);
    for (const bad of ['0', '721', '-1', '1.5', 'x'])
      expect(() => parseLookBackHours(bad)).toThrow(DefenderError);
  });
});

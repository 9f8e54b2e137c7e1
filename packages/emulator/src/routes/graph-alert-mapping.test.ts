import {
  type Alert,
  type AlertEvidence,
  DetectionSources,
  Determinations,
  GraphAlert,
  type Machine,
  validate,
  validateStrict,
} from '@mde-bridge/client/models';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../generator/types.js';
import {
  camel,
  graphClassification,
  graphDetectionSource,
  graphDetermination,
  graphEvidence,
  graphSeverity,
  graphStatus,
  toGraphAlert,
} from './graph-alert-mapping.js';

/** Subtype properties of ipEvidence, urlEvidence, userEvidence (Graph resource pages). */
const GENERIC_SUBTYPE_KEYS =
  /^evidence\[\d+\]\.(ipAddress|countryLetterCode|url|userAccount): property not declared/;
const TENANT = 'b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c';
const MACHINE_ID = '73e7e2de709dff64ef64b1d0c30e67fab63279db';

function evidence(fields: Partial<AlertEvidence>): AlertEvidence {
  const keys = [
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
  return {
    entityType: 'File',
    evidenceCreationTime: '2021-04-27T12:19:27.7211305Z',
    ...Object.fromEntries(keys.map((k) => [k, null])),
    ...fields,
  } as AlertEvidence;
}

const mdeAlert: Alert = {
  id: 'da637551227677560813_-961444813',
  incidentId: 28282,
  investigationId: null,
  assignedTo: null,
  severity: 'Low',
  status: 'New',
  classification: null,
  determination: null,
  investigationState: 'UnsupportedAlertType',
  detectionSource: 'WindowsDefenderAv',
  detectorId: 'e0da400f-affd-43ef-b1d5-afc2eb6f2756',
  category: 'DefenseEvasion',
  threatFamilyName: null,
  title: 'Suspicious execution of hidden file',
  description: 'A hidden file has been launched.',
  alertCreationTime: '2021-04-27T12:19:27.7211305Z',
  firstEventTime: '2021-04-26T07:45:50.116Z',
  lastEventTime: '2021-05-02T07:56:58.222Z',
  lastUpdateTime: '2021-05-02T14:19:01.3266667Z',
  resolvedTime: null,
  machineId: MACHINE_ID,
  computerDnsName: 'tempdns',
  rbacGroupName: 'UnassignedGroup',
  aadTenantId: TENANT,
  threatName: null,
  mitreTechniques: ['T1564.001'],
  relatedUser: { userName: 'bob', domainName: 'CONTOSO' },
  loggedOnUsers: [{ accountName: 'bob', domainName: 'CONTOSO' }],
  comments: [{ comment: 'looking', createdBy: 'secop@contoso.com', createdTime: '2021-04-28T00:00:00Z' }],
  evidence: [
    evidence({
      entityType: 'Process',
      sha1: '5f1e8acedc065031aad553b710838eb366cfee9a',
      sha256: '8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec',
      fileName: 'MsSense.exe',
      filePath: 'C:\\Program Files\\temp',
      processId: 4780,
      processCommandLine: '"MsSense.exe"',
      processCreationTime: '2021-08-12T12:43:19.0772577Z',
      parentProcessId: 668,
      parentProcessCreationTime: '2021-08-12T07:39:09.0909239Z',
      parentProcessFileName: 'services.exe',
      parentProcessFilePath: 'C:\\Windows\\System32',
      accountName: 'SYSTEM',
      domainName: 'NT AUTHORITY',
      userSid: 'S-1-5-18',
      detectionStatus: 'Detected',
    }),
    evidence({
      entityType: 'File',
      sha1: '5f1e8acedc065031aad553b710838eb366cfee9a',
      fileName: 'MsSense.exe',
      filePath: 'C:\\Program Files\\temp',
      detectionStatus: 'Prevented',
    }),
    evidence({ entityType: 'Ip', ipAddress: '93.243.188.4' }),
    evidence({ entityType: 'Url', url: 'http://evil.example.com/x' }),
    evidence({ entityType: 'User', accountName: 'bob', domainName: 'CONTOSO', userSid: 'S-1-5-21-1' }),
    evidence({
      entityType: 'Registry',
      registryKey: 'SYSTEM\\CONTROLSET001\\X',
      registryHive: 'HKEY_LOCAL_MACHINE',
    }),
    evidence({ entityType: 'MailMessage' }),
  ],
  domains: [],
};

const machine: Machine = {
  id: MACHINE_ID,
  mergedIntoMachineId: null,
  isPotentialDuplication: false,
  isExcluded: false,
  exclusionReason: null,
  computerDnsName: 'tempdns',
  firstSeen: '2020-09-12T07:28:32.4321753Z',
  lastSeen: '2021-05-02T07:00:00.0000000Z',
  osPlatform: 'Windows10',
  osVersion: null,
  osProcessor: 'x64',
  version: 'Other',
  lastIpAddress: '1.1.1.1',
  lastExternalIpAddress: '20.1.1.1',
  agentVersion: '10.8470.19041.2788',
  osBuild: 22424,
  healthStatus: 'NoSensorDataImpairedCommunication',
  deviceValue: 'Normal',
  rbacGroupId: 75,
  rbacGroupName: 'UnassignedGroup',
  riskScore: 'Medium',
  exposureLevel: 'Low',
  isAadJoined: false,
  aadDeviceId: null,
  machineTags: ['Test Machine'],
  defenderAvStatus: 'NotReporting',
  onboardingStatus: 'InsufficientInfo',
  osArchitecture: '64-bit',
  managedBy: 'Unknown',
  managedByStatus: 'Unknown',
  ipAddresses: [
    { ipAddress: '1.1.1.1', macAddress: '000C2992A64D', type: 'Ethernet', operationalStatus: 'Up' },
    { ipAddress: '127.0.0.1', macAddress: null, type: 'SoftwareLoopback', operationalStatus: 'Up' },
    { ipAddress: '::1', macAddress: null, type: 'SoftwareLoopback', operationalStatus: 'Up' },
  ],
  vmMetadata: null,
};
const device = { index: 0, machine } as DeviceRecord;

describe('enum conversions', () => {
  it('camel-cases PascalCase values', () => {
    expect(camel('InProgress')).toBe('inProgress');
    expect(camel('NoSensorDataImpairedCommunication')).toBe('noSensorDataImpairedCommunication');
    expect(camel('')).toBe('');
  });

  it('maps status and severity, UnSpecified to unknown', () => {
    expect(['Unknown', 'New', 'InProgress', 'Resolved'].map(graphStatus)).toEqual([
      'unknown',
      'new',
      'inProgress',
      'resolved',
    ]);
    expect(['UnSpecified', 'Informational', 'Low', 'Medium', 'High'].map(graphSeverity)).toEqual([
      'unknown',
      'informational',
      'low',
      'medium',
      'high',
    ]);
    expect(graphStatus('Escalated')).toBe('unknownFutureValue');
  });

  it('maps a null classification and determination to unknown', () => {
    expect(graphClassification(null)).toBe('unknown');
    expect(graphDetermination(null)).toBe('unknown');
    expect(graphClassification('InformationalExpectedActivity')).toBe('informationalExpectedActivity');
    expect(graphClassification('TruePositive')).toBe('truePositive');
  });

  it('maps every MDE determination, both doc spellings to one Graph member', () => {
    const mapped = Object.fromEntries(Determinations.map((d) => [d, graphDetermination(d)]));
    expect(mapped).toMatchObject({
      MultiStagedAttack: 'multiStagedAttack',
      CompromisedUser: 'compromisedUser',
      ConfirmedUserActivity: 'confirmedUserActivity',
      ConfirmedActivity: 'confirmedUserActivity',
      Clean: 'clean',
      NotMalicious: 'clean',
      InsufficientData: 'insufficientData',
      LineOfBusinessApplication: 'lineOfBusinessApplication',
      Other: 'other',
    });
    expect(Object.values(mapped)).not.toContain('unknownFutureValue');
  });

  it('maps detection sources per the spec 8.1 table', () => {
    const mapped = Object.fromEntries(DetectionSources.map((d) => [d, graphDetectionSource(d)]));
    expect(mapped).toEqual({
      WindowsDefenderAtp: 'microsoftDefenderForEndpoint',
      WindowsDefenderAv: 'antivirus',
      WindowsDefenderSmartScreen: 'smartScreen',
      CustomerTI: 'customTi',
      CustomDetection: 'customDetection',
      AutomatedInvestigation: 'automatedInvestigation',
      MTP: 'microsoft365Defender',
      OfficeATP: 'microsoftDefenderForOffice365',
      ThreatExperts: 'microsoftThreatExperts',
      ThirdPartySensors: 'unknown',
    });
  });
});

describe('toGraphAlert', () => {
  const g = toGraphAlert(mdeAlert, device);

  it('produces a valid Graph alert', () => {
    expect(validate(GraphAlert, g)).toEqual([]);
    // The client models declare ip/url/user evidence by their shared properties only.
    expect(validateStrict(GraphAlert, g).filter((m) => !GENERIC_SUBTYPE_KEYS.test(m))).toEqual([]);
  });

  it('renames and converts the top-level fields', () => {
    expect(g).toMatchObject({
      id: mdeAlert.id,
      providerAlertId: mdeAlert.id,
      incidentId: '28282',
      status: 'new',
      severity: 'low',
      classification: 'unknown',
      determination: 'unknown',
      serviceSource: 'microsoftDefenderForEndpoint',
      detectionSource: 'antivirus',
      tenantId: TENANT,
      createdDateTime: mdeAlert.alertCreationTime,
      lastUpdateDateTime: mdeAlert.lastUpdateTime,
      firstActivityDateTime: mdeAlert.firstEventTime,
      lastActivityDateTime: mdeAlert.lastEventTime,
      resolvedDateTime: null,
      alertWebUrl: `https://security.microsoft.com/alerts/da637551227677560813_-961444813?tid=${TENANT}`,
      incidentWebUrl: `https://security.microsoft.com/incidents/28282?tid=${TENANT}`,
      comments: [
        {
          comment: 'looking',
          createdByDisplayName: 'secop@contoso.com',
          createdDateTime: '2021-04-28T00:00:00Z',
        },
      ],
    });
    expect(g.recommendedActions.length).toBeGreaterThan(0);
  });

  it('puts the device first as deviceEvidence with camelCase enums and no loopback addresses', () => {
    expect(g.evidence[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.security.deviceEvidence',
      mdeDeviceId: MACHINE_ID,
      deviceDnsName: 'tempdns',
      healthStatus: 'noSensorDataImpairedCommunication',
      riskScore: 'medium',
      onboardingStatus: 'insufficientInfo',
      defenderAvStatus: 'notReporting',
      rbacGroupId: 75,
      ipInterfaces: ['1.1.1.1'],
      loggedOnUsers: [{ accountName: 'bob', domainName: 'CONTOSO' }],
      tags: ['Test Machine'],
      roles: ['compromised'],
    });
  });

  it('types each MDE evidence item and drops types Graph has no counterpart for here', () => {
    expect(g.evidence.map((e) => e['@odata.type'].replace('#microsoft.graph.security.', ''))).toEqual([
      'deviceEvidence',
      'processEvidence',
      'fileEvidence',
      'ipEvidence',
      'urlEvidence',
      'userEvidence',
      'registryKeyEvidence',
    ]);
    for (const e of g.evidence) {
      expect(e).toMatchObject({
        createdDateTime: expect.any(String),
        remediationStatus: 'none',
        tags: expect.any(Array),
      });
    }
  });

  it('nests process image, parent image and account the way Graph does', () => {
    expect(g.evidence[1]).toMatchObject({
      processId: 4780,
      parentProcessId: 668,
      processCreationDateTime: '2021-08-12T12:43:19.0772577Z',
      detectionStatus: 'detected',
      mdeDeviceId: MACHINE_ID,
      imageFile: {
        sha1: '5f1e8acedc065031aad553b710838eb366cfee9a',
        fileName: 'MsSense.exe',
        fileSize: expect.any(Number),
      },
      parentProcessImageFile: { sha1: null, fileName: 'services.exe', filePath: 'C:\\Windows\\System32' },
      userAccount: { accountName: 'SYSTEM', domainName: 'NT AUTHORITY', userSid: 'S-1-5-18' },
    });
    expect(g.evidence[2]).toMatchObject({
      detectionStatus: 'prevented',
      fileDetails: { fileName: 'MsSense.exe' },
    });
    expect(g.evidence[3]).toMatchObject({ ipAddress: '93.243.188.4' });
    expect(g.evidence[4]).toMatchObject({ url: 'http://evil.example.com/x' });
    expect(g.evidence[5]).toMatchObject({ userAccount: { accountName: 'bob', userSid: 'S-1-5-21-1' } });
  });

  it('still maps an alert whose device is gone, from the alert itself', () => {
    const orphan = toGraphAlert(
      { ...mdeAlert, incidentId: null, classification: 'FalsePositive', determination: 'NotMalicious' },
      undefined,
    );
    expect(validate(GraphAlert, orphan)).toEqual([]);
    expect(orphan).toMatchObject({
      incidentId: null,
      incidentWebUrl: '',
      classification: 'falsePositive',
      determination: 'clean',
    });
    expect(orphan.evidence[0]).toMatchObject({
      mdeDeviceId: MACHINE_ID,
      deviceDnsName: 'tempdns',
      osPlatform: null,
      ipInterfaces: [],
    });
  });

  it('leaves the MDE alert untouched', () => {
    expect(mdeAlert.mitreTechniques).toEqual(['T1564.001']);
    expect(g.mitreTechniques).not.toBe(mdeAlert.mitreTechniques);
  });
});

describe('graphEvidence', () => {
  it('returns nothing for an entity type with no Graph counterpart here', () => {
    expect(graphEvidence(evidence({ entityType: 'MailMessage' }), MACHINE_ID)).toBeUndefined();
  });
});

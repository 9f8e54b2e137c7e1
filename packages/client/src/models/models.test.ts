import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import {
  Alert,
  AlertEvidence,
  AlertSeverities,
  assertValid,
  ConfigurationScore,
  DeviceValues,
  diffKeyShape,
  EntraErrorBody,
  ErrorBody,
  ExposureLevels,
  GraphAlert,
  GraphHuntingResponse,
  HealthStatuses,
  HuntingResponse,
  keyShape,
  Machine,
  MachineAction,
  MachineActionStatuses,
  MachineActionTypes,
  ODataCollection,
  ODataEntity,
  OnboardingStatuses,
  RiskScores,
  SchemaValidationError,
  TokenResponseV1,
  TokenResponseV2,
  validate,
  validateStrict,
} from './index.js';

// /work/main/packages/client/src/models/ -> five levels up is /work/, where shared/ lives.
const samplesDir = new URL('../../../../../shared/spec/samples/', import.meta.url);

function sample(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, samplesDir), 'utf8'));
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Which schema each shared sample body is checked against. */
const SAMPLE_SCHEMAS: Record<string, TSchema | null> = {
  'machines_list.json': ODataCollection(Machine),
  'machine_actions_list.json': ODataCollection(MachineAction), // doc example, see dedicated test
  'machine_action_live_response_pending.json': ODataEntity(MachineAction),
  'machine_action_offboard_pending.json': ODataEntity(MachineAction),
  'machine_action_stop_and_quarantine_pending.json': ODataEntity(MachineAction),
  'advanced_hunting_result.json': HuntingResponse,
  'graph_run_hunting_query_result.json': GraphHuntingResponse,
  'error_invalid_machineaction_id.json': ErrorBody,
  'error_advanced_hunting_429.json': ErrorBody,
  // Not HTTP bodies covered by this package: a decoded JWT payload, and the XDR incidents API.
  'token_claims_mde_app.json': null,
  'xdr_incidents_list_trimmed.json': null,
};

describe('sample location', () => {
  it('resolves to the shared spec samples directory', () => {
    expect(existsSync(new URL('SOURCES.md', samplesDir))).toBe(true);
    expect(fileURLToPath(samplesDir).replace(/\/$/, '').endsWith('/shared/spec/samples')).toBe(true);
  });

  it('maps every JSON sample to a schema (or explicitly to none)', () => {
    const files = readdirSync(samplesDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual(Object.keys(SAMPLE_SCHEMAS).sort());
  });
});

describe('real samples validate', () => {
  const exact = Object.entries(SAMPLE_SCHEMAS).filter(
    ([name, schema]) => schema !== null && name !== 'machine_actions_list.json',
  ) as [string, TSchema][];

  it.each(exact)('%s passes validate and validateStrict', (name, schema) => {
    const body = sample(name);
    expect(validate(schema, body)).toEqual([]);
    // Strict too: every key in the real body is declared by the schema.
    expect(validateStrict(schema, body)).toEqual([]);
  });

  it('machine_actions_list.json (doc example) fails only on the doc-error field name', () => {
    const body = sample('machine_actions_list.json');
    const schema = ODataCollection(MachineAction);
    expect(validate(schema, body)).toEqual([
      'value[0].lastUpdateDateTimeUtc: missing required property',
      'value[1].lastUpdateDateTimeUtc: missing required property',
      'value[2].lastUpdateDateTimeUtc: missing required property',
    ]);
    expect(validateStrict(schema, body).sort()).toEqual(
      [
        'value[0].lastUpdateDateTimeUtc: missing required property',
        'value[0].lastUpdateTimeUtc: property not declared in schema',
        'value[1].lastUpdateDateTimeUtc: missing required property',
        'value[1].lastUpdateTimeUtc: property not declared in schema',
        'value[2].lastUpdateDateTimeUtc: missing required property',
        'value[2].lastUpdateTimeUtc: property not declared in schema',
      ].sort(),
    );
    // Renaming the field is the only change needed.
    const fixed = clone(body) as { value: Record<string, unknown>[] };
    for (const item of fixed.value) {
      item.lastUpdateDateTimeUtc = item.lastUpdateTimeUtc;
      delete item.lastUpdateTimeUtc;
    }
    expect(validateStrict(schema, fixed)).toEqual([]);
  });

  it('sample enum values are among the exported known values', () => {
    const machines = sample('machines_list.json') as { value: Machine[] };
    for (const m of machines.value) {
      expect(HealthStatuses).toContain(m.healthStatus);
      expect(DeviceValues).toContain(m.deviceValue);
      expect(RiskScores).toContain(m.riskScore);
      expect(ExposureLevels).toContain(m.exposureLevel);
      expect(OnboardingStatuses).toContain(m.onboardingStatus);
    }
    for (const name of [
      'machine_action_live_response_pending.json',
      'machine_action_offboard_pending.json',
      'machine_action_stop_and_quarantine_pending.json',
    ]) {
      const action = sample(name) as MachineAction;
      expect(MachineActionTypes).toContain(action.type);
      expect(MachineActionStatuses).toContain(action.status);
    }
  });
});

describe('validate rejects wrong types', () => {
  const machines = sample('machines_list.json') as { value: Record<string, unknown>[] };
  const schema = ODataCollection(Machine);

  it('rbacGroupId as a string', () => {
    const body = clone(machines);
    body.value[0].rbacGroupId = '0';
    expect(validate(schema, body)).toEqual(['value[0].rbacGroupId: expected integer, got string "0"']);
  });

  it('nullable fields: wrong non-null type is reported with the union', () => {
    const body = clone(machines);
    (body.value[0].ipAddresses as Record<string, unknown>[])[7].macAddress = 0;
    body.value[0].osBuild = '19044';
    expect(validate(schema, body)).toEqual([
      'value[0].osBuild: expected integer | null, got string "19044"',
      'value[0].ipAddresses[7].macAddress: expected string | null, got integer 0',
    ]);
  });

  it('missing required property and wrong container type', () => {
    const body = clone(machines);
    delete body.value[0].healthStatus;
    body.value[0].machineTags = 'a,b';
    expect(validate(schema, body)).toEqual([
      'value[0].healthStatus: missing required property',
      'value[0].machineTags: expected array, got string "a,b"',
    ]);
  });

  it('errors inside a nullable object are reported in detail', () => {
    const body = clone(machines);
    body.value[0].vmMetadata = { vmId: 'x', cloudProvider: 'azure', resourceId: 'r', subscriptionId: 5 };
    expect(validate(schema, body)).toEqual([
      'value[0].vmMetadata.subscriptionId: expected string, got integer 5',
    ]);
  });

  it('MachineAction: machineId may be null but not a number; errorHResult must be an integer', () => {
    const action = sample('machine_action_offboard_pending.json') as Record<string, unknown>;
    expect(validate(MachineAction, { ...action, machineId: null })).toEqual([]);
    expect(validate(MachineAction, { ...action, machineId: 12, errorHResult: '0' })).toEqual([
      'machineId: expected string | null, got integer 12',
      'errorHResult: expected integer, got string "0"',
    ]);
  });

  it('token responses: v2 numbers are integers, v1 numbers are strings', () => {
    const v2 = { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'x' };
    expect(validate(TokenResponseV2, v2)).toEqual([]);
    expect(validate(TokenResponseV1, { ...v2, expires_on: '1', not_before: '1', resource: 'r' })).toEqual([
      'expires_in: expected string, got integer 3599',
      'ext_expires_in: expected string, got integer 3599',
    ]);
    expect(validate(TokenResponseV2, { ...v2, expires_in: '3599' })).toEqual([
      'expires_in: expected integer, got string "3599"',
    ]);
  });

  it('ErrorBody code must be a string (the AH 429 uses "429", not 429)', () => {
    expect(validate(ErrorBody, { error: { code: 429, message: 'm', target: 't' } })).toEqual([
      'error.code: expected string, got integer 429',
    ]);
  });

  it('assertValid throws SchemaValidationError with the messages', () => {
    expect(() => assertValid(ConfigurationScore, { time: 't', score: '340' }, 'configurationScore')).toThrow(
      SchemaValidationError,
    );
    try {
      assertValid(ConfigurationScore, { time: 't' });
    } catch (error) {
      expect((error as SchemaValidationError).errors).toEqual(['score: missing required property']);
    }
  });
});

describe('validateStrict', () => {
  const machines = sample('machines_list.json') as { value: Record<string, unknown>[] };
  const schema = ODataCollection(Machine);

  it('flags an invented top-level field that tolerant validate accepts', () => {
    const body = clone(machines);
    body.value[0].isolationStatus = 'Isolated';
    expect(validate(schema, body)).toEqual([]);
    expect(validateStrict(schema, body)).toEqual([
      'value[0].isolationStatus: property not declared in schema',
    ]);
  });

  it('flags invented nested fields and odd keys with bracket paths', () => {
    const body = clone(machines) as Record<string, unknown> & { value: Record<string, unknown>[] };
    (body.value[0].ipAddresses as Record<string, unknown>[])[1].dhcp = true;
    body['@odata.deltaLink'] = 'x';
    expect(validateStrict(schema, body).sort()).toEqual(
      [
        '["@odata.deltaLink"]: property not declared in schema',
        'value[0].ipAddresses[1].dhcp: property not declared in schema',
      ].sort(),
    );
  });

  it('single entity: @odata.context is only declared by ODataEntity', () => {
    const action = sample('machine_action_offboard_pending.json');
    expect(validateStrict(ODataEntity(MachineAction), action)).toEqual([]);
    expect(validateStrict(MachineAction, action)).toEqual([
      '["@odata.context"]: property not declared in schema',
    ]);
  });

  it('does not flag keys of record-typed hunting rows, but does flag extra Stats keys', () => {
    const body = clone(sample('advanced_hunting_result.json')) as {
      Stats: Record<string, unknown>;
      Results: Record<string, unknown>[];
    };
    body.Results[0].AnyColumn = 1;
    expect(validateStrict(HuntingResponse, body)).toEqual([]);
    body.Stats.extra = 1;
    expect(validateStrict(HuntingResponse, body)).toEqual(['Stats.extra: property not declared in schema']);
  });
});

// Key set of the recorded get_alert response the spec cites (SWL:get_alert, 2023); values abbreviated.
function makeEvidence(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const evidence: Record<string, unknown> = {};
  for (const key of Object.keys(AlertEvidence.properties)) evidence[key] = null;
  return {
    ...evidence,
    entityType: 'Ip',
    evidenceCreationTime: '2023-04-25T22:52:11.7733333Z',
    ...overrides,
  };
}

function makeAlert(): Record<string, unknown> {
  return {
    id: 'ar638180599315648136_73827727',
    incidentId: 400,
    investigationId: 6,
    assignedTo: 'API Action',
    severity: 'Informational',
    status: 'Resolved',
    classification: null,
    determination: null,
    investigationState: 'Benign',
    detectionSource: 'AutomatedInvestigation',
    detectorId: '5c6b7d86-c91f-4f8c-8aec-9d2086f46527',
    category: 'SuspiciousActivity',
    threatFamilyName: null,
    title: 'Automated investigation started manually',
    description: 'text',
    alertCreationTime: '2023-04-25T22:52:11.5648315Z',
    firstEventTime: '2023-04-25T22:52:11Z',
    lastEventTime: '2023-04-25T22:52:11Z',
    lastUpdateTime: '2023-04-25T22:58:00.55Z',
    resolvedTime: '2023-04-25T22:58:00.4108067Z',
    machineId: '556b3952acb0bff29816d267822305781cc183ec',
    computerDnsName: 'se-pov-desktop',
    rbacGroupName: null,
    aadTenantId: 'f5d73c4c-bb3d-421b-8bee-424916a4acca',
    threatName: null,
    mitreTechniques: [],
    relatedUser: null,
    loggedOnUsers: [{ accountName: 'user', domainName: 'SE-POV-DESKTOP' }],
    comments: [],
    evidence: [makeEvidence()],
    domains: [],
  };
}

describe('Alert', () => {
  it('accepts the recorded key set strictly', () => {
    expect(validateStrict(ODataEntity(Alert), makeAlert())).toEqual([]);
    expect(AlertSeverities).toContain(makeAlert().severity);
  });

  it('evidence items must carry every key (null when not relevant)', () => {
    const alert = makeAlert();
    const evidence = makeEvidence({ entityType: 'File', sha1: 'abc', processId: 4780 });
    delete evidence.registryValueName;
    alert.evidence = [evidence];
    expect(validate(Alert, alert)).toEqual(['evidence[0].registryValueName: missing required property']);
  });

  it('mitreTechniques is an array, incidentId an integer', () => {
    const alert = { ...makeAlert(), mitreTechniques: 'T1064', incidentId: '400' };
    expect(validate(Alert, alert)).toEqual([
      'incidentId: expected integer | null, got string "400"',
      'mitreTechniques: expected array, got string "T1064"',
    ]);
  });
});

// Abbreviated from the Graph get-alert doc example (microsoft-graph-docs-contrib security-alert-get.md).
function makeGraphAlert(): Record<string, unknown> {
  const base = {
    createdDateTime: '2021-04-27T12:19:27.7211305Z',
    verdict: 'unknown',
    remediationStatus: 'none',
    remediationStatusDetails: null,
    roles: [],
    detailedRoles: [],
    tags: [],
  };
  const file = {
    sha1: null,
    sha256: null,
    fileName: 'services.exe',
    filePath: 'C:\\Windows\\System32',
    fileSize: 731744,
    filePublisher: 'Microsoft Corporation',
    signer: null,
    issuer: null,
  };
  return {
    '@odata.type': '#microsoft.graph.security.alert',
    id: 'da637578995287051192_756343937',
    providerAlertId: 'da637578995287051192_756343937',
    incidentId: '28282',
    status: 'new',
    severity: 'low',
    classification: 'unknown',
    determination: 'unknown',
    serviceSource: 'microsoftDefenderForEndpoint',
    detectionSource: 'antivirus',
    detectorId: 'e0da400f-affd-43ef-b1d5-afc2eb6f2756',
    tenantId: 'b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c',
    title: 'Suspicious execution of hidden file',
    description: 'text',
    recommendedActions: 'text',
    category: 'DefenseEvasion',
    assignedTo: null,
    alertWebUrl: 'https://security.microsoft.com/alerts/x',
    incidentWebUrl: 'https://security.microsoft.com/incidents/28282',
    actorDisplayName: null,
    threatDisplayName: null,
    threatFamilyName: null,
    mitreTechniques: ['T1564.001'],
    createdDateTime: '2021-04-27T12:19:27.7211305Z',
    lastUpdateDateTime: '2021-05-02T14:19:01.3266667Z',
    resolvedDateTime: null,
    firstActivityDateTime: '2021-04-26T07:45:50.116Z',
    lastActivityDateTime: '2021-05-02T07:56:58.222Z',
    comments: [],
    evidence: [
      {
        '@odata.type': '#microsoft.graph.security.deviceEvidence',
        ...base,
        firstSeenDateTime: '2020-09-12T07:28:32.4321753Z',
        mdeDeviceId: '73e7e2de709dff64ef64b1d0c30e67fab63279db',
        azureAdDeviceId: null,
        deviceDnsName: 'tempDns',
        osPlatform: 'Windows10',
        osBuild: 22424,
        version: 'Other',
        healthStatus: 'active',
        riskScore: 'medium',
        rbacGroupId: 75,
        rbacGroupName: 'UnassignedGroup',
        onboardingStatus: 'onboarded',
        defenderAvStatus: 'unknown',
        ipInterfaces: ['1.1.1.1'],
        loggedOnUsers: [],
        vmMetadata: null,
      },
      {
        '@odata.type': '#microsoft.graph.security.fileEvidence',
        ...base,
        detectionStatus: 'detected',
        mdeDeviceId: '73e7e2de709dff64ef64b1d0c30e67fab63279db',
        fileDetails: file,
      },
      {
        '@odata.type': '#microsoft.graph.security.processEvidence',
        ...base,
        processId: 4780,
        parentProcessId: 668,
        processCommandLine: '"MsSense.exe"',
        processCreationDateTime: '2021-08-12T12:43:19.0772577Z',
        parentProcessCreationDateTime: '2021-08-12T07:39:09.0909239Z',
        detectionStatus: 'detected',
        mdeDeviceId: '73e7e2de709dff64ef64b1d0c30e67fab63279db',
        imageFile: file,
        parentProcessImageFile: file,
        userAccount: {
          accountName: 'SYSTEM',
          domainName: 'NT AUTHORITY',
          userSid: 'S-1-5-18',
          azureAdUserId: null,
          userPrincipalName: null,
          displayName: 'System',
        },
      },
      {
        '@odata.type': '#microsoft.graph.security.registryKeyEvidence',
        ...base,
        registryKey: 'SYSTEM\\CONTROLSET001',
        registryHive: 'HKEY_LOCAL_MACHINE',
      },
    ],
    systemTags: ['Defender Experts'],
  };
}

describe('GraphAlert (polymorphic evidence)', () => {
  it('accepts the doc example strictly', () => {
    expect(validateStrict(GraphAlert, makeGraphAlert())).toEqual([]);
  });

  it('a malformed known evidence type is reported against its own subtype', () => {
    const alert = makeGraphAlert() as { evidence: Record<string, unknown>[] };
    alert.evidence[0].rbacGroupId = '75';
    expect(validate(GraphAlert, alert)).toEqual([
      'evidence[0].rbacGroupId: expected integer | null, got string "75"',
    ]);
  });

  it('unknown evidence types pass tolerant validation; strict flags their undeclared keys', () => {
    const alert = makeGraphAlert() as { evidence: Record<string, unknown>[] };
    const { evidence } = alert;
    evidence.push({
      ...(evidence[3] as object),
      '@odata.type': '#microsoft.graph.security.mailboxEvidence',
      registryKey: undefined,
      registryHive: undefined,
    });
    const ip = evidence[4];
    delete ip.registryKey;
    delete ip.registryHive;
    ip.primaryAddress = 'x@contoso.com';
    expect(validate(GraphAlert, alert)).toEqual([]);
    expect(validateStrict(GraphAlert, alert)).toEqual([
      'evidence[4].primaryAddress: property not declared in schema',
    ]);
  });
});

describe('other envelopes', () => {
  it('ODataCollection accepts @odata.count / @odata.nextLink and checks their types', () => {
    const schema = ODataCollection(ConfigurationScore);
    const body = {
      '@odata.context': 'c',
      '@odata.count': 1,
      '@odata.nextLink': 'n',
      value: [{ time: 't', score: 1 }],
    };
    expect(validateStrict(schema, body)).toEqual([]);
    expect(validate(schema, { ...body, '@odata.count': '1' })).toEqual([
      '["@odata.count"]: expected integer, got string "1"',
    ]);
    expect(validate(schema, { value: [] })).toEqual(['["@odata.context"]: missing required property']);
  });

  it('EntraErrorBody', () => {
    const body = {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.',
      error_codes: [7000215],
      timestamp: '2023-06-02 21:00:26Z',
      trace_id: '00000000-0000-0000-0000-000000000000',
      correlation_id: '00000000-0000-0000-0000-000000000000',
      error_uri: 'https://login.microsoftonline.com/error?code=7000215',
    };
    expect(validateStrict(EntraErrorBody, body)).toEqual([]);
    expect(validate(EntraErrorBody, { ...body, error_codes: ['7000215'] })).toEqual([
      'error_codes[0]: expected integer, got string "7000215"',
    ]);
  });
});

describe('keyShape', () => {
  it('describes the machines sample', () => {
    const shape = keyShape(sample('machines_list.json'));
    expect(shape).toContain('value[].ipAddresses[].macAddress:string|null');
    expect(shape).toContain('value[].rbacGroupId:integer');
    expect(shape).toContain('value[].machineTags:array');
    expect(shape).toContain('value[].vmMetadata:null');
    expect(shape).toContain('["@odata.context"]:string');
    const paths = shape.map((line) => line.slice(0, line.lastIndexOf(':')));
    expect(paths).toEqual([...paths].sort());
  });

  it('merges integer and number, and nested/odd keys', () => {
    expect(keyShape({ a: [{ x: 1 }, { x: 1.5 }, { x: null }], 'total cpu': 's' })).toEqual([
      '["total cpu"]:string',
      'a:array',
      'a[]:object',
      'a[].x:number|null',
    ]);
  });

  it('diffKeyShape finds the doc-vs-real MachineAction difference', () => {
    const list = sample('machine_actions_list.json') as { value: unknown[] };
    const real = sample('machine_action_stop_and_quarantine_pending.json');
    const diff = diffKeyShape(list.value[2], real);
    // computerDnsName is a string in the doc list and null in the pending real action.
    expect(diff.onlyInActual).toEqual(['computerDnsName:string', 'lastUpdateTimeUtc:string']);
    expect(diff.onlyInExpected).toEqual([
      'cancellationComment:null',
      'cancellationDateTimeUtc:null',
      'cancellationRequestor:null',
      'commands:array',
      'computerDnsName:null',
      'errorHResult:integer',
      'lastUpdateDateTimeUtc:string',
    ]);
  });
});

/** Entity-set specs and small collections for the OData tests (not used by the emulator itself). */
import type { EntitySetSpec, ODataProperty, ODataPropertyType } from './types.js';

type Wire = Record<string, unknown>;

function prop(type: ODataPropertyType, key: string): ODataProperty<Wire> {
  return { type, get: (item) => item[key] };
}

export interface TestMachine extends Wire {
  id: string;
  computerDnsName: string;
  lastSeen: string | null;
  healthStatus: string;
  riskScore: string;
  exposureLevel: string;
  onboardingStatus: string;
  osPlatform: string;
  machineTags: string[];
  rbacGroupId: number | null;
  aadDeviceId: string | null;
  lastIpAddress: string;
  isAadJoined: boolean | null;
}

export const machinesSpec: EntitySetSpec<Wire> = {
  entitySet: 'Machines',
  maxTop: 10_000,
  filterable: {
    computerDnsName: prop('string', 'computerDnsName'),
    id: prop('string', 'id'),
    version: prop('string', 'version'),
    deviceValue: prop('string', 'deviceValue'),
    aadDeviceId: prop('guid', 'aadDeviceId'),
    machineTags: prop('stringCollection', 'machineTags'),
    lastSeen: prop('datetime', 'lastSeen'),
    exposureLevel: prop('string', 'exposureLevel'),
    onboardingStatus: prop('string', 'onboardingStatus'),
    lastIpAddress: prop('string', 'lastIpAddress'),
    healthStatus: prop('string', 'healthStatus'),
    osPlatform: prop('string', 'osPlatform'),
    riskScore: prop('string', 'riskScore'),
    rbacGroupId: prop('number', 'rbacGroupId'),
    // Not filterable on the real API; here to exercise boolean semantics.
    isAadJoined: prop('boolean', 'isAadJoined'),
  },
};

export const machines: TestMachine[] = [
  {
    id: '1e5bc9d7e413ddd7902c2932e418702b84d0cc07',
    computerDnsName: 'mymachine1.contoso.com',
    lastSeen: '2018-08-02T14:55:03.7791856Z',
    healthStatus: 'Active',
    riskScore: 'High',
    exposureLevel: 'Medium',
    onboardingStatus: 'Onboarded',
    osPlatform: 'Windows10',
    machineTags: ['VIP', 'test tag'],
    rbacGroupId: 140,
    aadDeviceId: '80fe8ff8-2624-418e-9591-41f0491218f9',
    lastIpAddress: '172.17.230.209',
    isAadJoined: true,
  },
  {
    id: '7292e4b8cb74ff1cc3d8a495eb29dc8858b732f7',
    computerDnsName: 'MyMachine2.contoso.com',
    lastSeen: '2018-07-30T10:00:00Z',
    healthStatus: 'Inactive',
    riskScore: 'Low',
    exposureLevel: 'Low',
    onboardingStatus: 'Onboarded',
    osPlatform: 'WindowsServer2019',
    machineTags: [],
    rbacGroupId: 7,
    aadDeviceId: null,
    lastIpAddress: '10.0.0.5',
    isAadJoined: false,
  },
  {
    id: '04c99d46599f078f1c3da3783cf5b95f01ac61bb',
    computerDnsName: "o'brien-laptop",
    lastSeen: '2019-11-22T00:00:00.123Z',
    healthStatus: 'ImpairedCommunication',
    riskScore: 'Medium',
    exposureLevel: 'High',
    onboardingStatus: 'Onboarded',
    osPlatform: 'macOS',
    machineTags: ['vip', 'Finance'],
    rbacGroupId: null,
    aadDeviceId: 'c0ffee00-0000-4000-8000-000000000001',
    lastIpAddress: '192.168.1.20',
    isAadJoined: null,
  },
  {
    id: 'f3a2b1c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0',
    computerDnsName: 'linux-build-01',
    lastSeen: null,
    healthStatus: 'Active',
    riskScore: 'None',
    exposureLevel: 'None',
    onboardingStatus: 'CanBeOnboarded',
    osPlatform: 'Linux',
    machineTags: ['Finance', 'Build'],
    rbacGroupId: 42,
    aadDeviceId: null,
    lastIpAddress: '10.0.0.9',
    isAadJoined: false,
  },
];

export const alertsSpec: EntitySetSpec<Wire> = {
  entitySet: 'Alerts',
  maxTop: 10_000,
  expandable: ['evidence'],
  filterable: {
    alertCreationTime: prop('datetime', 'alertCreationTime'),
    lastUpdateTime: prop('datetime', 'lastUpdateTime'),
    incidentId: prop('number', 'incidentId'),
    InvestigationId: prop('number', 'investigationId'),
    id: prop('string', 'id'),
    asssignedTo: prop('string', 'assignedTo'),
    detectionSource: prop('string', 'detectionSource'),
    lastEventTime: prop('datetime', 'lastEventTime'),
    status: prop('string', 'status'),
    severity: prop('string', 'severity'),
    category: prop('string', 'category'),
  },
};

export function makeAlerts(n: number): Wire[] {
  const statuses = ['New', 'InProgress', 'Resolved'];
  const severities = ['Informational', 'Low', 'Medium', 'High'];
  return Array.from({ length: n }, (_, i) => ({
    id: `da63703${String(i).padStart(6, '0')}_-1`,
    incidentId: 1000 + (i % 7),
    investigationId: i % 5 === 0 ? null : 500 + i,
    assignedTo: i % 3 === 0 ? 'secop@contoso.com' : null,
    severity: severities[i % severities.length],
    status: statuses[i % statuses.length],
    category: i % 2 ? 'Malware' : 'CommandAndControl',
    detectionSource: 'WindowsDefenderAtp',
    alertCreationTime: new Date(Date.UTC(2019, 10, 20) + i * 3_600_000).toISOString(),
    lastUpdateTime: new Date(Date.UTC(2019, 10, 21) + i * 3_600_000).toISOString(),
    lastEventTime: new Date(Date.UTC(2019, 10, 19) + i * 3_600_000).toISOString(),
    evidence: [{ entityType: 'File', sha1: 'abc' }],
  }));
}

export const actionsSpec: EntitySetSpec<Wire> = {
  entitySet: 'MachineActions',
  maxTop: 10_000,
  selectable: false,
  filterable: {
    id: prop('guid', 'id'),
    status: prop('string', 'status'),
    machineId: prop('string', 'machineId'),
    type: prop('string', 'type'),
    requestor: prop('string', 'requestor'),
    creationDateTimeUtc: prop('datetime', 'creationDateTimeUtc'),
  },
};

export const actions: Wire[] = [
  {
    id: '2e9da30d-27f6-4208-81f2-9cd3d67893ba',
    type: 'Isolate',
    status: 'Succeeded',
    machineId: 'm1',
    requestor: 'Analyst@contoso.com',
    creationDateTimeUtc: '2019-01-02T14:39:38.2262283Z',
  },
  {
    id: 'b89eb834-4578-496c-8be0-03f004061435',
    type: 'RunAntiVirusScan',
    status: 'Pending',
    machineId: 'm1',
    requestor: 'Analyst@contoso.com',
    creationDateTimeUtc: '2019-01-03T09:00:00Z',
  },
  {
    id: '5382f7ea-7557-4ab7-9782-d50480024a4e',
    type: 'Unisolate',
    status: 'Succeeded',
    machineId: 'm1',
    requestor: 'other@contoso.com',
    creationDateTimeUtc: '2019-01-04T09:00:00Z',
  },
  {
    id: '7f2c0e0d-0000-4000-8000-00000000000a',
    type: 'Isolate',
    status: 'Failed',
    machineId: 'm2',
    requestor: 'Analyst@contoso.com',
    creationDateTimeUtc: '2019-01-01T00:00:00Z',
  },
];

export const vulnerabilitiesSpec: EntitySetSpec<Wire> = {
  entitySet: 'Vulnerabilities',
  maxTop: 8_000,
  selectProperties: ['id', 'name', 'severity', 'cvssV3', 'publishedOn'],
  filterable: {
    id: prop('string', 'id'),
    name: prop('string', 'name'),
    description: prop('string', 'description'),
    cvssV3: prop('number', 'cvssV3'),
    publishedOn: prop('datetime', 'publishedOn'),
    severity: prop('string', 'severity'),
    updatedOn: prop('datetime', 'updatedOn'),
  },
};

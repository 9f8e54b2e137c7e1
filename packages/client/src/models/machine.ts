import { type Static, Type } from 'typebox';
import { Nullable } from './common.js';

// Spec 4.1. Sample: machines_list.json (recorded 2023). Field order = real response order.

/** Machine.healthStatus values (doc list). */
export const HealthStatuses = [
  'Active',
  'Inactive',
  'ImpairedCommunication',
  'NoSensorData',
  'NoSensorDataImpairedCommunication',
  'Unknown',
] as const;
export type HealthStatus = (typeof HealthStatuses)[number];

/** Machine.deviceValue values; also the `DeviceValue` body of setDeviceValue. */
export const DeviceValues = ['Normal', 'Low', 'High'] as const;
export type DeviceValue = (typeof DeviceValues)[number];

/** Machine.riskScore values. */
export const RiskScores = ['None', 'Informational', 'Low', 'Medium', 'High'] as const;
export type RiskScore = (typeof RiskScores)[number];

/** Machine.exposureLevel values. */
export const ExposureLevels = ['None', 'Low', 'Medium', 'High'] as const;
export type ExposureLevel = (typeof ExposureLevels)[number];

/**
 * Machine.onboardingStatus values. Real responses use `Onboarded` (capital O); the doc list writes
 * `onboarded`. Both kept. UNSURE whether the lower-case form ever appears on the wire.
 */
export const OnboardingStatuses = ['Onboarded', 'CanBeOnboarded', 'Unsupported', 'InsufficientInfo'] as const;
export type OnboardingStatus = (typeof OnboardingStatuses)[number];

/** Machine.osArchitecture values. */
export const OsArchitectures = ['32-bit', '64-bit'] as const;

/** osPlatform values seen in samples/tests only; full list NOT FOUND. */
export const KnownOsPlatforms = ['Windows10', 'Windows11', 'WindowsServer2022', 'iOS'] as const;

/** defenderAvStatus: only `Updated` is seen in MDE; the rest are PascalCase of the Graph enum (UNSURE). */
export const DefenderAvStatuses = [
  'Updated',
  'NotUpdated',
  'Disabled',
  'NotReporting',
  'NotSupported',
  'Unknown',
] as const;

/** Machine.ipAddresses[] item. macAddress: 12 upper-case hex digits, null for loopback. */
export const IpAddress = Type.Object({
  ipAddress: Type.String(),
  macAddress: Nullable(Type.String()),
  // .NET NetworkInterfaceType name, e.g. Ethernet, SoftwareLoopback. Older doc examples lack it (UNSURE: optional).
  type: Type.Optional(Type.String()),
  // .NET OperationalStatus name, e.g. Up, Down.
  operationalStatus: Type.String(),
});
export type IpAddress = Static<typeof IpAddress>;

/** Machine.vmMetadata (null for non-cloud devices). Shape from Graph deviceEvidence example; no real MDE non-null sample. */
export const VmMetadata = Type.Object({
  vmId: Type.String(),
  cloudProvider: Type.String(), // e.g. 'azure' (Graph example). UNSURE casing in MDE.
  resourceId: Type.String(),
  subscriptionId: Type.String(),
});
export type VmMetadata = Static<typeof VmMetadata>;

export const Machine = Type.Object({
  id: Type.String(), // 40 hex chars
  mergedIntoMachineId: Nullable(Type.String()),
  isPotentialDuplication: Type.Boolean(),
  isExcluded: Type.Boolean(),
  exclusionReason: Nullable(Type.String()), // values NOT FOUND
  computerDnsName: Type.String(),
  firstSeen: Type.String(),
  lastSeen: Type.String(),
  osPlatform: Type.String(),
  osVersion: Nullable(Type.String()), // null in every real sample
  osProcessor: Type.String(), // deprecated in favour of osArchitecture
  version: Type.String(), // OS release, e.g. 21H2
  lastIpAddress: Type.String(),
  lastExternalIpAddress: Type.String(),
  agentVersion: Type.String(),
  osBuild: Nullable(Type.Integer()),
  healthStatus: Type.String(), // HealthStatuses
  deviceValue: Nullable(Type.String()), // DeviceValues
  rbacGroupId: Type.Integer(), // docs say String; real JSON is a number (0 = no group)
  rbacGroupName: Nullable(Type.String()),
  riskScore: Nullable(Type.String()), // RiskScores
  exposureLevel: Nullable(Type.String()), // ExposureLevels
  isAadJoined: Type.Boolean(),
  aadDeviceId: Nullable(Type.String()),
  machineTags: Type.Array(Type.String()),
  defenderAvStatus: Type.String(), // DefenderAvStatuses (UNSURE beyond 'Updated')
  onboardingStatus: Type.String(), // OnboardingStatuses
  osArchitecture: Type.String(),
  managedBy: Type.String(), // seen: Intune, Unknown
  managedByStatus: Type.String(), // seen: Unknown
  ipAddresses: Type.Array(IpAddress),
  vmMetadata: Nullable(VmMetadata),
});
export type Machine = Static<typeof Machine>;

/**
 * `GET /api/machines/{id}/logonusers` item (context `#Users`). Key set from a recorded 2023 response
 * (swimlane get_machine_logon_users): logonTypes is a single string there, and accountSid,
 * mostPrevalentMachineId, leastPrevalentMachineId, logOnMachinesCount, isOnlyNetworkUser were null.
 */
export const LogonUser = Type.Object({
  id: Type.String(), // "<domain>\\<account>"
  accountName: Type.String(),
  accountDomain: Type.String(),
  accountSid: Nullable(Type.String()),
  firstSeen: Type.String(),
  lastSeen: Type.String(),
  mostPrevalentMachineId: Nullable(Type.String()),
  leastPrevalentMachineId: Nullable(Type.String()),
  logonTypes: Type.String(), // e.g. "Interactive"; UNSURE separator when several
  logOnMachinesCount: Nullable(Type.Integer()),
  isDomainAdmin: Type.Boolean(),
  isOnlyNetworkUser: Nullable(Type.Boolean()),
});
export type LogonUser = Static<typeof LogonUser>;

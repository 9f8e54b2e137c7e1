import { type Static, Type } from 'typebox';
import { Nullable } from './common.js';

// Spec 4.2 and 6. No alert body among the shared samples; key set and order follow the recorded
// get_alert response (swimlane, 2023) cited by the spec.

/** Alert.severity values (MDE PascalCase, incl. `UnSpecified`). */
export const AlertSeverities = ['UnSpecified', 'Informational', 'Low', 'Medium', 'High'] as const;
export type AlertSeverity = (typeof AlertSeverities)[number];

/** Alert.status values. PATCH accepts New, InProgress, Resolved. */
export const AlertStatuses = ['Unknown', 'New', 'InProgress', 'Resolved'] as const;
export type AlertStatus = (typeof AlertStatuses)[number];

/** Alert.classification values (null = not set). */
export const Classifications = ['TruePositive', 'InformationalExpectedActivity', 'FalsePositive'] as const;
export type Classification = (typeof Classifications)[number];

/**
 * Alert.determination values (null = not set). `ConfirmedActivity` / `NotMalicious` are the
 * update-alert page spellings of `ConfirmedUserActivity` / `Clean` — UNSURE which the server accepts,
 * so both are listed. `Apt` and `SecurityPersonnel` were removed (2022) and are not listed.
 */
export const Determinations = [
  'MultiStagedAttack',
  'MaliciousUserActivity',
  'CompromisedUser',
  'Malware',
  'Phishing',
  'UnwantedSoftware',
  'SecurityTesting',
  'LineOfBusinessApplication',
  'ConfirmedUserActivity',
  'ConfirmedActivity',
  'Clean',
  'NotMalicious',
  'InsufficientData',
  'Other',
] as const;
export type Determination = (typeof Determinations)[number];

/** Alert.investigationState values. */
export const InvestigationStates = [
  'Unknown',
  'Terminated',
  'SuccessfullyRemediated',
  'Benign',
  'Failed',
  'PartiallyRemediated',
  'Running',
  'PendingApproval',
  'PendingResource',
  'PartiallyInvestigated',
  'TerminatedByUser',
  'TerminatedBySystem',
  'Queued',
  'InnerFailure',
  'PreexistingAlert',
  'UnsupportedOs',
  'UnsupportedAlertType',
  'SuppressedAlert',
] as const;
export type InvestigationState = (typeof InvestigationStates)[number];

/** Alert.detectionSource API values (alerts-queue table). */
export const DetectionSources = [
  'WindowsDefenderAtp',
  'WindowsDefenderAv',
  'WindowsDefenderSmartScreen',
  'CustomerTI',
  'CustomDetection',
  'AutomatedInvestigation',
  'MTP',
  'OfficeATP',
  'ThreatExperts',
  'ThirdPartySensors',
] as const;
export type DetectionSource = (typeof DetectionSources)[number];

/** Alert.category values (also CreateAlertByReference). `UnwantedSoftware`: UNSURE (single translated source). */
export const AlertCategories = [
  'Collection',
  'CommandAndControl',
  'CredentialAccess',
  'DefenseEvasion',
  'Discovery',
  'Execution',
  'Exfiltration',
  'Exploit',
  'InitialAccess',
  'LateralMovement',
  'Malware',
  'Persistence',
  'PrivilegeEscalation',
  'Ransomware',
  'SuspiciousActivity',
  'UnwantedSoftware',
  'General',
] as const;
export type AlertCategory = (typeof AlertCategories)[number];

/** Evidence entityType values seen; full list NOT FOUND. */
export const EvidenceEntityTypes = ['User', 'Process', 'File', 'Ip', 'Url'] as const;

/** Evidence detectionStatus values seen (or null); others NOT FOUND. */
export const EvidenceDetectionStatuses = ['Detected', 'Prevented'] as const;

/** Alert.evidence[] item: ALL keys are always present, null when not relevant to the entityType. */
export const AlertEvidence = Type.Object({
  entityType: Type.String(), // EvidenceEntityTypes
  evidenceCreationTime: Type.String(),
  sha1: Nullable(Type.String()),
  sha256: Nullable(Type.String()),
  fileName: Nullable(Type.String()),
  filePath: Nullable(Type.String()),
  processId: Nullable(Type.Integer()),
  processCommandLine: Nullable(Type.String()),
  processCreationTime: Nullable(Type.String()),
  parentProcessId: Nullable(Type.Integer()),
  parentProcessCreationTime: Nullable(Type.String()),
  parentProcessFileName: Nullable(Type.String()),
  parentProcessFilePath: Nullable(Type.String()),
  ipAddress: Nullable(Type.String()),
  url: Nullable(Type.String()),
  registryKey: Nullable(Type.String()),
  registryHive: Nullable(Type.String()),
  registryValueType: Nullable(Type.String()),
  registryValue: Nullable(Type.String()),
  registryValueName: Nullable(Type.String()), // real, undocumented
  accountName: Nullable(Type.String()),
  domainName: Nullable(Type.String()),
  userSid: Nullable(Type.String()),
  aadUserId: Nullable(Type.String()),
  userPrincipalName: Nullable(Type.String()),
  detectionStatus: Nullable(Type.String()), // EvidenceDetectionStatuses
});
export type AlertEvidence = Static<typeof AlertEvidence>;

/** Alert.comments[] item; appended by PATCH `comment`. */
export const AlertComment = Type.Object({
  comment: Type.String(),
  createdBy: Type.String(), // UPN of the caller (UNSURE what an app token records)
  createdTime: Type.String(),
});
export type AlertComment = Static<typeof AlertComment>;

/** Alert.relatedUser. */
export const AlertRelatedUser = Type.Object({
  userName: Type.String(),
  domainName: Type.String(),
});
export type AlertRelatedUser = Static<typeof AlertRelatedUser>;

/** Alert.loggedOnUsers[] item (real, undocumented). */
export const AlertLoggedOnUser = Type.Object({
  accountName: Type.String(),
  domainName: Type.String(),
});
export type AlertLoggedOnUser = Static<typeof AlertLoggedOnUser>;

export const Alert = Type.Object({
  id: Type.String(), // e.g. da637472900382838869_1364969609
  incidentId: Nullable(Type.Integer()),
  investigationId: Nullable(Type.Integer()),
  assignedTo: Nullable(Type.String()),
  severity: Type.String(), // AlertSeverities
  status: Type.String(), // AlertStatuses
  classification: Nullable(Type.String()), // Classifications
  determination: Nullable(Type.String()), // Determinations
  investigationState: Type.String(), // InvestigationStates
  detectionSource: Type.String(), // DetectionSources
  detectorId: Type.String(),
  category: Type.String(), // AlertCategories
  threatFamilyName: Nullable(Type.String()),
  title: Type.String(),
  description: Type.String(),
  alertCreationTime: Type.String(),
  firstEventTime: Nullable(Type.String()),
  lastEventTime: Nullable(Type.String()),
  lastUpdateTime: Type.String(),
  resolvedTime: Nullable(Type.String()),
  machineId: Type.String(),
  computerDnsName: Type.String(),
  rbacGroupName: Nullable(Type.String()),
  aadTenantId: Type.String(),
  threatName: Nullable(Type.String()),
  mitreTechniques: Type.Array(Type.String()), // doc says String; JSON is an array
  relatedUser: Nullable(AlertRelatedUser),
  loggedOnUsers: Type.Array(AlertLoggedOnUser), // real, undocumented
  comments: Type.Array(AlertComment),
  evidence: Type.Array(AlertEvidence), // [] unless single GET or $expand=evidence
  domains: Type.Array(Type.Unknown()), // real, undocumented; only [] seen — item shape UNSURE
});
export type Alert = Static<typeof Alert>;

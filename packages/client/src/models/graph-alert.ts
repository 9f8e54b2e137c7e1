import { type Static, Type } from 'typebox';
import { Nullable } from './common.js';
import { VmMetadata } from './machine.js';

// Spec 8.1. No shared sample; key set from the Graph get-alert doc example (microsoft-graph-docs-contrib
// api-reference/v1.0/api/security-alert-get.md), enum values from the resource page via the spec.

/** Graph alert.status values (camelCase). */
export const GraphAlertStatuses = ['unknown', 'new', 'inProgress', 'resolved', 'unknownFutureValue'] as const;
/** Graph alert.severity values. */
export const GraphAlertSeverities = [
  'unknown',
  'informational',
  'low',
  'medium',
  'high',
  'unknownFutureValue',
] as const;
/** Graph alert.classification values. */
export const GraphClassifications = [
  'unknown',
  'falsePositive',
  'truePositive',
  'informationalExpectedActivity',
  'unknownFutureValue',
] as const;
/** Graph alert.serviceSource values. */
export const GraphServiceSources = [
  'unknown',
  'microsoftDefenderForEndpoint',
  'microsoftDefenderForIdentity',
  'microsoftDefenderForCloudApps',
  'microsoftDefenderForOffice365',
  'microsoft365Defender',
  'azureAdIdentityProtection',
  'microsoftAppGovernance',
  'dataLossPrevention',
  'unknownFutureValue',
  'microsoftDefenderForCloud',
] as const;

const EVIDENCE_NS = '#microsoft.graph.security.';
/** `@odata.type` values that have a typed evidence schema below. Others fall back to `GraphGenericEvidence`. */
export const GraphEvidenceTypes = [
  `${EVIDENCE_NS}deviceEvidence`,
  `${EVIDENCE_NS}fileEvidence`,
  `${EVIDENCE_NS}processEvidence`,
  `${EVIDENCE_NS}registryKeyEvidence`,
  `${EVIDENCE_NS}ipEvidence`,
  `${EVIDENCE_NS}urlEvidence`,
  `${EVIDENCE_NS}userEvidence`,
] as const;

/** Properties shared by every Graph alertEvidence subtype. */
const evidenceBase = {
  createdDateTime: Type.String(),
  verdict: Type.String(), // unknown, suspicious, malicious, noThreatsFound, ...
  remediationStatus: Type.String(), // none, remediated, ...
  remediationStatusDetails: Nullable(Type.String()),
  roles: Type.Array(Type.String()),
  detailedRoles: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
};

/** Graph fileDetails (fileEvidence.fileDetails, processEvidence.imageFile / parentProcessImageFile). */
export const GraphFileDetails = Type.Object({
  sha1: Nullable(Type.String()),
  sha256: Nullable(Type.String()),
  fileName: Nullable(Type.String()),
  filePath: Nullable(Type.String()),
  fileSize: Nullable(Type.Integer()),
  filePublisher: Nullable(Type.String()),
  signer: Nullable(Type.String()),
  issuer: Nullable(Type.String()),
});
export type GraphFileDetails = Static<typeof GraphFileDetails>;

/** Graph userAccount (processEvidence.userAccount). */
export const GraphUserAccount = Type.Object({
  accountName: Nullable(Type.String()),
  domainName: Nullable(Type.String()),
  userSid: Nullable(Type.String()),
  azureAdUserId: Nullable(Type.String()),
  userPrincipalName: Nullable(Type.String()),
  displayName: Nullable(Type.String()),
});
export type GraphUserAccount = Static<typeof GraphUserAccount>;

/** deviceEvidence.loggedOnUsers[] item. */
export const GraphLoggedOnUser = Type.Object({
  accountName: Type.String(),
  domainName: Type.String(),
});

export const GraphDeviceEvidence = Type.Object({
  '@odata.type': Type.Literal(`${EVIDENCE_NS}deviceEvidence`),
  ...evidenceBase,
  firstSeenDateTime: Nullable(Type.String()),
  mdeDeviceId: Nullable(Type.String()),
  azureAdDeviceId: Nullable(Type.String()),
  deviceDnsName: Nullable(Type.String()),
  osPlatform: Nullable(Type.String()),
  osBuild: Nullable(Type.Integer()),
  version: Nullable(Type.String()),
  healthStatus: Nullable(Type.String()), // camelCase of Machine.healthStatus
  riskScore: Nullable(Type.String()),
  rbacGroupId: Nullable(Type.Integer()),
  rbacGroupName: Nullable(Type.String()),
  onboardingStatus: Nullable(Type.String()), // insufficientInfo, onboarded, canBeOnboarded, unsupported, unknown
  defenderAvStatus: Nullable(Type.String()), // notReporting, disabled, notUpdated, updated, unknown, notSupported
  ipInterfaces: Type.Array(Type.String()),
  loggedOnUsers: Type.Array(GraphLoggedOnUser),
  vmMetadata: Nullable(VmMetadata),
});
export type GraphDeviceEvidence = Static<typeof GraphDeviceEvidence>;

export const GraphFileEvidence = Type.Object({
  '@odata.type': Type.Literal(`${EVIDENCE_NS}fileEvidence`),
  ...evidenceBase,
  detectionStatus: Nullable(Type.String()), // detected, blocked, prevented, ...
  mdeDeviceId: Nullable(Type.String()),
  fileDetails: GraphFileDetails,
});
export type GraphFileEvidence = Static<typeof GraphFileEvidence>;

export const GraphProcessEvidence = Type.Object({
  '@odata.type': Type.Literal(`${EVIDENCE_NS}processEvidence`),
  ...evidenceBase,
  processId: Nullable(Type.Integer()),
  parentProcessId: Nullable(Type.Integer()),
  processCommandLine: Nullable(Type.String()),
  processCreationDateTime: Nullable(Type.String()),
  parentProcessCreationDateTime: Nullable(Type.String()),
  detectionStatus: Nullable(Type.String()),
  mdeDeviceId: Nullable(Type.String()),
  imageFile: Nullable(GraphFileDetails),
  parentProcessImageFile: Nullable(GraphFileDetails),
  userAccount: Nullable(GraphUserAccount),
});
export type GraphProcessEvidence = Static<typeof GraphProcessEvidence>;

export const GraphRegistryKeyEvidence = Type.Object({
  '@odata.type': Type.Literal(`${EVIDENCE_NS}registryKeyEvidence`),
  ...evidenceBase,
  registryKey: Nullable(Type.String()),
  registryHive: Nullable(Type.String()),
});
export type GraphRegistryKeyEvidence = Static<typeof GraphRegistryKeyEvidence>;

/** Graph resources/security-ipevidence.md; `countryLetterCode` is null for private addresses. */
export const GraphIpEvidence = Type.Object({
  '@odata.type': Type.Literal(`${EVIDENCE_NS}ipEvidence`),
  ...evidenceBase,
  ipAddress: Nullable(Type.String()),
  countryLetterCode: Nullable(Type.String()),
});
export type GraphIpEvidence = Static<typeof GraphIpEvidence>;

export const GraphUrlEvidence = Type.Object({
  '@odata.type': Type.Literal(`${EVIDENCE_NS}urlEvidence`),
  ...evidenceBase,
  url: Nullable(Type.String()),
});
export type GraphUrlEvidence = Static<typeof GraphUrlEvidence>;

export const GraphUserEvidence = Type.Object({
  '@odata.type': Type.Literal(`${EVIDENCE_NS}userEvidence`),
  ...evidenceBase,
  userAccount: Nullable(GraphUserAccount),
});
export type GraphUserEvidence = Static<typeof GraphUserEvidence>;

/**
 * Any other evidence subtype (userEvidence, ipEvidence, urlEvidence, mailboxEvidence, ...): only the
 * shared properties are declared. The `not` keeps a malformed known subtype from passing through here.
 */
export const GraphGenericEvidence = Type.Object({
  '@odata.type': Type.String({ not: { enum: [...GraphEvidenceTypes] } }),
  ...evidenceBase,
});
export type GraphGenericEvidence = Static<typeof GraphGenericEvidence>;

/** Polymorphic Graph alertEvidence, discriminated by `@odata.type`. */
export const GraphAlertEvidence = Type.Union([
  GraphDeviceEvidence,
  GraphFileEvidence,
  GraphProcessEvidence,
  GraphRegistryKeyEvidence,
  GraphIpEvidence,
  GraphUrlEvidence,
  GraphUserEvidence,
  GraphGenericEvidence,
]);
export type GraphAlertEvidence = Static<typeof GraphAlertEvidence>;

/** Graph alertComment. Property names UNSURE (resource page not opened by the spec author). */
export const GraphAlertComment = Type.Object({
  comment: Type.String(),
  createdByDisplayName: Type.String(),
  createdDateTime: Type.String(),
});
export type GraphAlertComment = Static<typeof GraphAlertComment>;

/**
 * Graph `security/alerts_v2` alert. Required = keys of the doc get-alert example except `@odata.type`
 * (absent on collection items) and `systemTags` (newer). classification/determination: camelCase,
 * `unknown` rather than null in the example; nullable here for tolerance (UNSURE).
 */
export const GraphAlert = Type.Object({
  '@odata.type': Type.Optional(Type.String()), // #microsoft.graph.security.alert
  id: Type.String(),
  providerAlertId: Type.String(),
  incidentId: Nullable(Type.String()), // string here, integer in MDE /api/alerts
  status: Type.String(), // GraphAlertStatuses
  severity: Type.String(), // GraphAlertSeverities
  classification: Nullable(Type.String()), // GraphClassifications
  determination: Nullable(Type.String()), // camelCase of Determinations + unknown
  serviceSource: Type.String(), // GraphServiceSources
  detectionSource: Type.String(), // friendly enum, e.g. antivirus, microsoftDefenderForEndpoint
  detectorId: Nullable(Type.String()),
  tenantId: Type.String(),
  title: Type.String(),
  description: Type.String(),
  recommendedActions: Type.String(),
  category: Type.String(),
  assignedTo: Nullable(Type.String()),
  alertWebUrl: Type.String(),
  incidentWebUrl: Type.String(),
  actorDisplayName: Nullable(Type.String()),
  threatDisplayName: Nullable(Type.String()),
  threatFamilyName: Nullable(Type.String()),
  mitreTechniques: Type.Array(Type.String()),
  createdDateTime: Type.String(),
  lastUpdateDateTime: Type.String(),
  resolvedDateTime: Nullable(Type.String()),
  firstActivityDateTime: Nullable(Type.String()),
  lastActivityDateTime: Nullable(Type.String()),
  comments: Type.Array(GraphAlertComment),
  evidence: Type.Array(GraphAlertEvidence),
  systemTags: Type.Optional(Type.Array(Type.String())),
});
export type GraphAlert = Static<typeof GraphAlert>;

import type {
  Alert,
  AlertEvidence,
  GraphAlert,
  GraphAlertEvidence,
  GraphDeviceEvidence,
  GraphFileDetails,
  GraphGenericEvidence,
  GraphUserAccount,
} from '@mde-bridge/client/models';
import type { DeviceRecord } from '../generator/types.js';
import { fileFacts } from './files.js';

/**
 * MDE `/api/alerts` alert → Graph `security/alerts_v2` alert (spec 8.1 mapping table). Pure: the caller
 * passes the alert's device record (or undefined when the device is gone).
 */
const PORTAL = 'https://security.microsoft.com';
const NS = '#microsoft.graph.security.';

/** PascalCase → camelCase (`InProgress` → `inProgress`, `NoSensorData` → `noSensorData`). */
export function camel(value: string): string {
  return value.length === 0 ? value : value.charAt(0).toLowerCase() + value.slice(1);
}

/** A Graph enum value, or `unknownFutureValue` for an MDE value Graph has no member for. */
function member(value: string, members: readonly string[]): string {
  return members.includes(value) ? value : 'unknownFutureValue';
}

const STATUSES = ['unknown', 'new', 'inProgress', 'resolved'];
export function graphStatus(status: string): string {
  return member(camel(status), STATUSES);
}

const SEVERITIES = ['unknown', 'informational', 'low', 'medium', 'high'];
/** `UnSpecified` → `unknown`. */
export function graphSeverity(severity: string): string {
  return severity === 'UnSpecified' ? 'unknown' : member(camel(severity), SEVERITIES);
}

const CLASSIFICATIONS = ['unknown', 'falsePositive', 'truePositive', 'informationalExpectedActivity'];
/** null → `unknown`. */
export function graphClassification(classification: string | null): string {
  return classification === null ? 'unknown' : member(camel(classification), CLASSIFICATIONS);
}

const DETERMINATIONS = [
  'unknown',
  'apt',
  'malware',
  'securityPersonnel',
  'securityTesting',
  'unwantedSoftware',
  'other',
  'multiStagedAttack',
  'compromisedUser',
  'phishing',
  'maliciousUserActivity',
  'clean',
  'insufficientData',
  'confirmedUserActivity',
  'lineOfBusinessApplication',
];
/** The update-alert page's spellings of the same determinations (spec 4.2.1). */
const DETERMINATION_ALIASES: Record<string, string> = {
  ConfirmedActivity: 'confirmedUserActivity',
  NotMalicious: 'clean',
};
/** null → `unknown`; both MDE spellings of a determination map to Graph's enum member. */
export function graphDetermination(determination: string | null): string {
  if (determination === null) return 'unknown';
  return DETERMINATION_ALIASES[determination] ?? member(camel(determination), DETERMINATIONS);
}

/**
 * MDE detection-source codes → Graph's friendly enum. Inferred from the portal's label table, not from an
 * official mapping (spec 8.1, UNSURE). Codes Graph has no member for (ThirdPartySensors) → `unknown`.
 */
const DETECTION_SOURCES: Record<string, string> = {
  WindowsDefenderAtp: 'microsoftDefenderForEndpoint',
  WindowsDefenderAv: 'antivirus',
  WindowsDefenderSmartScreen: 'smartScreen',
  CustomerTI: 'customTi',
  OfficeATP: 'microsoftDefenderForOffice365',
  AutomatedInvestigation: 'automatedInvestigation',
  ThreatExperts: 'microsoftThreatExperts',
  CustomDetection: 'customDetection',
  MTP: 'microsoft365Defender',
};
export function graphDetectionSource(source: string): string {
  return DETECTION_SOURCES[source] ?? 'unknown';
}

export function alertWebUrl(alertId: string, tenantId: string): string {
  return `${PORTAL}/alerts/${encodeURIComponent(alertId)}?tid=${tenantId}`;
}

/**
 * The incident page. Graph types `incidentWebUrl` as a non-null string and every alerts_v2 alert belongs to
 * an incident; an MDE alert without one gets an empty string (DEVIATIONS.md).
 */
export function incidentWebUrl(incidentId: number | null, tenantId: string): string {
  return incidentId === null ? '' : `${PORTAL}/incidents/${incidentId}?tid=${tenantId}`;
}

/** Not in the MDE alert; Graph always carries text here. Deterministic generic advice. */
const RECOMMENDED_ACTIONS =
  'Review the device timeline around the alert for related activity and record further artifacts (files, IPs, URLs). ' +
  'Check other devices for the same artifacts. If the activity is malicious, isolate the device, remove the ' +
  'artifacts, run a full antivirus scan and reset the credentials of the users involved.';

const LOOPBACK = /^(127\.|::1$)/;

function base(createdDateTime: string, verdict: string, roles: string[] = [], detailedRoles: string[] = []) {
  return {
    createdDateTime,
    verdict,
    remediationStatus: 'none',
    remediationStatusDetails: null,
    roles,
    detailedRoles,
    tags: [] as string[],
  };
}

function camelOrNull(value: string | null): string | null {
  return value === null ? null : camel(value);
}

/** The alert's device as `deviceEvidence` (spec 8.1 field list; Graph example key order). */
export function deviceEvidence(alert: Alert, device: DeviceRecord | undefined): GraphDeviceEvidence {
  const m = device?.machine;
  const ips = m ? [...new Set(m.ipAddresses.map((a) => a.ipAddress).filter((ip) => !LOOPBACK.test(ip)))] : [];
  return {
    '@odata.type': `${NS}deviceEvidence`,
    ...base(alert.alertCreationTime, 'unknown', ['compromised'], ['Main device']),
    firstSeenDateTime: m?.firstSeen ?? null,
    mdeDeviceId: alert.machineId,
    azureAdDeviceId: m?.aadDeviceId ?? null,
    deviceDnsName: m?.computerDnsName ?? alert.computerDnsName,
    osPlatform: m?.osPlatform ?? null,
    osBuild: m?.osBuild ?? null,
    version: m?.version ?? null,
    healthStatus: m ? camel(m.healthStatus) : null,
    riskScore: m ? camelOrNull(m.riskScore) : null,
    rbacGroupId: m?.rbacGroupId ?? null,
    rbacGroupName: m ? m.rbacGroupName : alert.rbacGroupName,
    onboardingStatus: m ? camel(m.onboardingStatus) : null,
    defenderAvStatus: m ? camel(m.defenderAvStatus) : null,
    ipInterfaces: ips,
    loggedOnUsers: alert.loggedOnUsers.map((u) => ({ accountName: u.accountName, domainName: u.domainName })),
    tags: m ? [...m.machineTags] : [],
    vmMetadata: m?.vmMetadata ?? null,
  };
}

/** `fileDetails` of a file, with the same derived size/publisher/signer as `/api/files/{sha1}`. */
export function fileDetails(
  sha1: string | null,
  sha256: string | null,
  fileName: string | null,
  filePath: string | null,
): GraphFileDetails {
  const facts = sha1 ? fileFacts(sha1, fileName, filePath) : undefined;
  return {
    sha1,
    sha256,
    fileName,
    filePath,
    fileSize: facts?.size ?? null,
    filePublisher: facts?.filePublisher ?? null,
    signer: facts?.signer ?? null,
    issuer: facts?.issuer ?? null,
  };
}

function userAccount(e: AlertEvidence): GraphUserAccount | null {
  if (!e.accountName && !e.userSid && !e.aadUserId && !e.userPrincipalName) return null;
  return {
    accountName: e.accountName,
    domainName: e.domainName,
    userSid: e.userSid,
    azureAdUserId: e.aadUserId,
    userPrincipalName: e.userPrincipalName,
    displayName: e.accountName,
  };
}

/** Evidence subtypes the client models declare only by their shared properties (ipEvidence, ...). */
function subtype(evidence: GraphGenericEvidence & Record<string, unknown>): GraphAlertEvidence {
  return evidence;
}

/**
 * One MDE evidence item as a typed Graph evidence object, or undefined for entity types with no Graph
 * counterpart here. Verdict `suspicious` and remediation `none` follow the recorded XDR incident entities
 * (a Prevented file there is Suspicious/None).
 */
export function graphEvidence(e: AlertEvidence, machineId: string): GraphAlertEvidence | undefined {
  const common = base(e.evidenceCreationTime, 'suspicious');
  const detectionStatus = camelOrNull(e.detectionStatus);
  switch (e.entityType.toLowerCase()) {
    case 'process':
      return {
        '@odata.type': `${NS}processEvidence`,
        ...common,
        processId: e.processId,
        parentProcessId: e.parentProcessId,
        processCommandLine: e.processCommandLine,
        processCreationDateTime: e.processCreationTime,
        parentProcessCreationDateTime: e.parentProcessCreationTime,
        detectionStatus,
        mdeDeviceId: machineId,
        imageFile: fileDetails(e.sha1, e.sha256, e.fileName, e.filePath),
        parentProcessImageFile:
          e.parentProcessFileName || e.parentProcessFilePath
            ? fileDetails(null, null, e.parentProcessFileName, e.parentProcessFilePath)
            : null,
        userAccount: userAccount(e),
      };
    case 'file':
      return {
        '@odata.type': `${NS}fileEvidence`,
        ...common,
        detectionStatus,
        mdeDeviceId: machineId,
        fileDetails: fileDetails(e.sha1, e.sha256, e.fileName, e.filePath),
      };
    case 'ip':
      return subtype({
        '@odata.type': `${NS}ipEvidence`,
        ...common,
        ipAddress: e.ipAddress,
        countryLetterCode: null,
      });
    case 'url':
      return subtype({ '@odata.type': `${NS}urlEvidence`, ...common, url: e.url });
    case 'user':
      return subtype({ '@odata.type': `${NS}userEvidence`, ...common, userAccount: userAccount(e) });
    default:
      if (e.registryKey) {
        return {
          '@odata.type': `${NS}registryKeyEvidence`,
          ...common,
          registryKey: e.registryKey,
          registryHive: e.registryHive,
        };
      }
      return undefined;
  }
}

/** The Graph alert for an MDE alert (Graph doc example key order). */
export function toGraphAlert(alert: Alert, device: DeviceRecord | undefined): GraphAlert {
  const tenantId = alert.aadTenantId;
  const evidence: GraphAlertEvidence[] = [deviceEvidence(alert, device)];
  for (const e of alert.evidence) {
    const g = graphEvidence(e, alert.machineId);
    if (g) evidence.push(g);
  }
  return {
    '@odata.type': '#microsoft.graph.security.alert',
    id: alert.id,
    providerAlertId: alert.id,
    incidentId: alert.incidentId === null ? null : String(alert.incidentId),
    status: graphStatus(alert.status),
    severity: graphSeverity(alert.severity),
    classification: graphClassification(alert.classification),
    determination: graphDetermination(alert.determination),
    serviceSource: 'microsoftDefenderForEndpoint',
    detectionSource: graphDetectionSource(alert.detectionSource),
    detectorId: alert.detectorId,
    tenantId,
    title: alert.title,
    description: alert.description,
    recommendedActions: RECOMMENDED_ACTIONS,
    category: alert.category,
    assignedTo: alert.assignedTo,
    alertWebUrl: alertWebUrl(alert.id, tenantId),
    incidentWebUrl: incidentWebUrl(alert.incidentId, tenantId),
    actorDisplayName: null,
    threatDisplayName: alert.threatName,
    threatFamilyName: alert.threatFamilyName,
    mitreTechniques: [...alert.mitreTechniques],
    createdDateTime: alert.alertCreationTime,
    lastUpdateDateTime: alert.lastUpdateTime,
    resolvedDateTime: alert.resolvedTime,
    firstActivityDateTime: alert.firstEventTime,
    lastActivityDateTime: alert.lastEventTime,
    comments: alert.comments.map((c) => ({
      comment: c.comment,
      createdByDisplayName: c.createdBy,
      createdDateTime: c.createdTime,
    })),
    evidence,
    systemTags: [],
  };
}

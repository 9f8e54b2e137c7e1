import { type Static, Type } from 'typebox';
import { Nullable } from './common.js';

// Spec 4.4–4.8 and 5.1 (getmissingkbs). None of these has a body among the shared samples.

/** Vulnerability.severity / MachineVulnerability.severity values. */
export const VulnerabilitySeverities = ['Low', 'Medium', 'High', 'Critical'] as const;
export type VulnerabilitySeverity = (typeof VulnerabilitySeverities)[number];

/** Vulnerability.cveSupportability values (doc example also shows lower-case `supported`). */
export const CveSupportabilities = ['Supported', 'NotSupported', 'SupportedInPremium'] as const;

/** Recommendation.recommendationCategory doc values; a real 2024 response showed "Security controls" (UNSURE). */
export const RecommendationCategories = [
  'Accounts',
  'Application',
  'Network',
  'OS',
  'SecurityControls',
] as const;
/** Recommendation.remediationType values. */
export const RemediationTypes = ['ConfigurationChange', 'Update', 'Upgrade', 'Uninstall'] as const;
/** Recommendation.status values. */
export const RecommendationStatuses = ['Active', 'Exception'] as const;

/**
 * 4.4. Key set/order from a recorded 2024 get-by-id response (swimlane get_vulnerability_by_id),
 * which adds name, firstDetected, tags, epss to the doc table.
 */
export const Vulnerability = Type.Object({
  id: Type.String(), // CVE id
  name: Type.String(), // same as id
  description: Type.String(),
  severity: Type.String(), // VulnerabilitySeverities
  cvssV3: Nullable(Type.Number()),
  cvssVector: Nullable(Type.String()), // the per-machine doc example lacks it — UNSURE whether always present
  exposedMachines: Type.Integer(),
  publishedOn: Type.String(),
  updatedOn: Type.String(),
  firstDetected: Nullable(Type.String()),
  publicExploit: Type.Boolean(),
  exploitVerified: Type.Boolean(),
  exploitInKit: Type.Boolean(),
  exploitTypes: Type.Array(Type.String()), // exact strings UNSURE
  exploitUris: Type.Array(Type.String()),
  cveSupportability: Type.String(), // CveSupportabilities
  tags: Type.Array(Type.String()),
  epss: Nullable(Type.Number()), // 0..1
});
export type Vulnerability = Static<typeof Vulnerability>;

/** 4.5 `GET /api/vulnerabilities/machinesVulnerabilities` row (PublicAssetVulnerabilityDto). Doc only. */
export const MachineVulnerability = Type.Object({
  id: Type.String(), // <machineId>-_-<cveId>-_-<vendor>-_-<product>-_-<version>-_-<fixingKbId or empty>
  cveId: Type.String(),
  machineId: Type.String(),
  fixingKbId: Nullable(Type.String()),
  productName: Type.String(),
  productVendor: Type.String(),
  productVersion: Type.String(),
  severity: Type.String(), // VulnerabilitySeverities
});
export type MachineVulnerability = Static<typeof MachineVulnerability>;

/** 4.6 machineReferences item (PublicAssetDto). An rbacGroupId field is UNSURE and NOT declared. */
export const MachineReference = Type.Object({
  id: Type.String(),
  computerDnsName: Type.String(),
  osPlatform: Type.String(),
  rbacGroupName: Nullable(Type.String()), // null for no group: UNSURE (only non-null seen)
});
export type MachineReference = Static<typeof MachineReference>;

/** 4.7 Software. Id = `<vendor>-_-<name>`. installedMachines / isNormalized NOT FOUND, not declared. */
export const Software = Type.Object({
  id: Type.String(),
  name: Type.String(),
  vendor: Type.String(),
  weaknesses: Type.Integer(),
  publicExploit: Type.Boolean(),
  activeAlert: Type.Boolean(),
  exposedMachines: Type.Integer(),
  impactScore: Type.Number(),
});
export type Software = Static<typeof Software>;

/**
 * 4.8 Recommendation. Required = keys of the doc list example; recommendedProgram, recommendedVendor,
 * exposedCriticalDevices are in the property table but not the example (optional). Nullability of the
 * string fields for configuration (sca-) recommendations: UNSURE.
 */
export const Recommendation = Type.Object({
  id: Type.String(), // va-_-<vendor>-_-<product> or sca-_-scid-<n>
  productName: Nullable(Type.String()),
  recommendationName: Type.String(),
  weaknesses: Type.Integer(),
  vendor: Nullable(Type.String()),
  recommendedVersion: Nullable(Type.String()), // "" in doc example
  recommendedProgram: Type.Optional(Nullable(Type.String())),
  recommendedVendor: Type.Optional(Nullable(Type.String())),
  recommendationCategory: Type.String(), // RecommendationCategories
  subCategory: Nullable(Type.String()),
  severityScore: Type.Number(),
  publicExploit: Type.Boolean(),
  activeAlert: Type.Boolean(),
  associatedThreats: Type.Array(Type.String()),
  remediationType: Type.String(), // RemediationTypes
  status: Type.String(), // RecommendationStatuses
  configScoreImpact: Type.Number(),
  exposureImpact: Type.Number(),
  totalMachineCount: Type.Integer(),
  exposedMachinesCount: Type.Integer(),
  nonProductivityImpactedAssets: Type.Integer(),
  relatedComponent: Nullable(Type.String()),
  exposedCriticalDevices: Type.Optional(Type.Integer()),
});
export type Recommendation = Static<typeof Recommendation>;

/** 5.1 `GET /api/machines/{id}/getmissingkbs` item (PublicProductFixDto). Doc only. */
export const MissingKb = Type.Object({
  id: Type.String(), // KB number without "KB", e.g. "4540673"
  name: Type.String(),
  productsNames: Type.Array(Type.String()),
  url: Type.String(),
  machineMissedOn: Type.Integer(),
  cveAddressed: Type.Integer(),
});
export type MissingKb = Static<typeof MissingKb>;

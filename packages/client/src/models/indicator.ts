import { type Static, Type } from 'typebox';
import { Nullable } from './common.js';

// Spec 4.10 (ti-indicator doc: property table + JSON representation). No shared sample.

/** Indicator.indicatorType values. */
export const IndicatorTypes = [
  'FileSha1',
  'FileSha256',
  'FileMd5',
  'CertificateThumbprint',
  'IpAddress',
  'DomainName',
  'Url',
] as const;
/** Indicator.action values (Alert, AlertAndBlock are legacy). */
export const IndicatorActions = [
  'Warn',
  'Block',
  'Audit',
  'Alert',
  'AlertAndBlock',
  'BlockAndRemediate',
  'Allowed',
] as const;
/** Indicator.severity values. */
export const IndicatorSeverities = ['Informational', 'Low', 'Medium', 'High'] as const;
/** Indicator.sourceType values. */
export const IndicatorSourceTypes = ['User', 'AadApp'] as const;

/**
 * Required = keys of the doc JSON representation (except `source`, which is not in the property table);
 * optional = table-only keys. Element type of rbacGroupIds: doc says strings — UNSURE (group ids are
 * integers on Machine), so both are accepted.
 */
export const Indicator = Type.Object({
  id: Type.String(), // e.g. "994"
  indicatorValue: Type.String(),
  indicatorType: Type.String(), // IndicatorTypes
  action: Type.String(), // IndicatorActions
  application: Nullable(Type.String()),
  source: Type.Optional(Nullable(Type.String())), // doc example only — UNSURE
  sourceType: Type.String(), // IndicatorSourceTypes
  createdBy: Type.String(),
  severity: Type.String(), // IndicatorSeverities
  title: Type.String(),
  description: Nullable(Type.String()),
  recommendedActions: Nullable(Type.String()),
  creationTimeDateTimeUtc: Type.String(),
  expirationTime: Nullable(Type.String()),
  lastUpdateTime: Nullable(Type.String()),
  lastUpdatedBy: Nullable(Type.String()),
  rbacGroupNames: Type.Array(Type.String()),
  externalID: Type.Optional(Nullable(Type.String())),
  createdBySource: Type.Optional(Nullable(Type.String())),
  rbacGroupIds: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Integer()]))),
  generateAlert: Type.Optional(Type.Boolean()),
});
export type Indicator = Static<typeof Indicator>;

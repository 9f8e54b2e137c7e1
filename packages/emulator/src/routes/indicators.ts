import { isIP } from 'node:net';
import {
  type Indicator,
  IndicatorActions,
  IndicatorSeverities,
  IndicatorTypes,
} from '@mde-bridge/client/models';
import { errors } from '../errors.js';
import type { Claims, RouteDef } from '../http/router.js';
import { parseInstant } from '../odata/datetime.js';
import type { EntitySetSpec } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { collection, entity, now, objectBody, requiredString, STANDARD_LIMIT } from './common.js';

/**
 * Custom threat-intelligence indicators (spec 4.10; post-ti-indicator, get-ti-indicators-collection,
 * delete-ti-indicator-by-id). Each page states 100 calls/minute and 1,500/hour.
 */
const READ = ['Ti.ReadWrite', 'Ti.ReadWrite.All', 'Ti.Read.All'];
const WRITE = ['Ti.ReadWrite', 'Ti.ReadWrite.All'];
/** Roles that see every app's indicators; others see only their own (get-ti-indicators-collection note). */
const SEE_ALL = ['Ti.ReadWrite.All', 'Ti.Read.All'];
/** "There's a limit of 15,000 active indicators per tenant" (post-ti-indicator). */
export const MAX_ACTIVE_INDICATORS = 15_000;

type IndicatorType = (typeof IndicatorTypes)[number];

/**
 * Filterable properties: the collection page's list (newer than spec 3.4's six, which it contains).
 * `createdByDisplayName` is read from `source`, the creating app's display name.
 */
export const indicatorSpec: EntitySetSpec<Indicator> = {
  entitySet: 'Indicators',
  maxTop: 10_000,
  filterable: {
    application: { type: 'string', get: (i) => i.application },
    createdByDisplayName: { type: 'string', get: (i) => i.source ?? null },
    expirationTime: { type: 'datetime', get: (i) => i.expirationTime },
    generateAlert: { type: 'boolean', get: (i) => i.generateAlert ?? false },
    title: { type: 'string', get: (i) => i.title },
    rbacGroupNames: { type: 'stringCollection', get: (i) => i.rbacGroupNames },
    rbacGroupIds: { type: 'stringCollection', get: (i) => (i.rbacGroupIds ?? []).map(String) },
    indicatorValue: { type: 'string', get: (i) => i.indicatorValue },
    indicatorType: { type: 'string', get: (i) => i.indicatorType },
    creationTimeDateTimeUtc: { type: 'datetime', get: (i) => i.creationTimeDateTimeUtc },
    createdBy: { type: 'string', get: (i) => i.createdBy },
    action: { type: 'string', get: (i) => i.action },
    severity: { type: 'string', get: (i) => i.severity },
  },
};

const HEX_LENGTH: Partial<Record<IndicatorType, number>> = {
  FileSha1: 40,
  FileSha256: 64,
  FileMd5: 32,
  CertificateThumbprint: 40, // a certificate thumbprint is the SHA-1 of the certificate
};

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** Two or more labels; the last one is not all digits (so `1.2.3.4` is not a domain). */
const DOMAIN_RE = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)+(?=[a-z0-9-]*[a-z])${LABEL}$`, 'i');

export function isDomainName(value: string): boolean {
  return DOMAIN_RE.test(value);
}

/**
 * URL indicators: `http(s)://host[/path]`, or the same without a scheme (the portal accepts bare
 * `host/path`). The host must be a domain name or an IP address.
 */
export function isIndicatorUrl(value: string): boolean {
  if (value.length === 0 || /\s/.test(value)) return false;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  if (hasScheme && !/^https?:\/\//i.test(value)) return false;
  let url: URL;
  try {
    url = new URL(hasScheme ? value : `http://${value}`);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isDomainName(host) || isIP(host) !== 0;
}

/** Throws the documented 400 code when the value is not a valid value of its type (spec 9.3). */
export function validateIndicatorValue(type: IndicatorType, value: string): void {
  const hexLength = HEX_LENGTH[type];
  if (hexLength !== undefined) {
    if (value.length !== hexLength || !/^[0-9a-f]+$/i.test(value)) throw errors.invalidHash(value);
    return;
  }
  // CIDR notation isn't supported (post-ti-indicator): `10.0.0.0/8` is not an IP address.
  if (type === 'IpAddress' && isIP(value) === 0) throw errors.invalidIp(value);
  if (type === 'DomainName' && !isDomainName(value)) throw errors.invalidDomain(value);
  if (type === 'Url' && !isIndicatorUrl(value)) throw errors.invalidUrl(value);
}

/** Identity of an indicator for "submit or update": type + value; case-insensitive except for URLs. */
export function indicatorKey(type: string, value: string): string {
  return `${type}|${type === 'Url' ? value : value.toLowerCase()}`;
}

/** A validated POST body. Optional fields are `undefined` when absent, so an update keeps the old value. */
export interface IndicatorSubmission {
  indicatorValue: string;
  indicatorType: IndicatorType;
  action: string;
  title: string;
  description: string;
  application?: string | null;
  expirationTime?: string | null;
  severity?: string;
  recommendedActions?: string | null;
  rbacGroupNames?: string[];
  generateAlert?: boolean;
}

function enumValue<T extends string>(body: Record<string, unknown>, name: string, allowed: readonly T[]): T {
  const value = requiredString(body, name);
  if (!allowed.includes(value as T))
    throw errors.invalidRequestBody(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function optionalString(body: Record<string, unknown>, name: string): string | null | undefined {
  const v = body[name];
  if (v === undefined || v === null) return v;
  if (typeof v !== 'string') throw errors.invalidRequestBody(`${name} must be a string`);
  return v;
}

/** `2020-12-12T00:00:00Z` stays as sent; other offsets and precisions are normalised to UTC. */
function isoInstant(value: string): string {
  const ms = parseInstant(value);
  if (ms === null) throw errors.invalidRequestBody(`expirationTime '${value}' is not an ISO 8601 date-time`);
  if (/Z$/.test(value) && value.includes('T')) return value;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Validates a submit-or-update body (post-ti-indicator request table; spec 4.10). */
export function parseIndicatorSubmission(body: Record<string, unknown>): IndicatorSubmission {
  const indicatorValue = requiredString(body, 'indicatorValue');
  const indicatorType = enumValue(body, 'indicatorType', IndicatorTypes);
  validateIndicatorValue(indicatorType, indicatorValue);
  const action = enumValue(body, 'action', IndicatorActions);
  const title = requiredString(body, 'title');
  const description = requiredString(body, 'description');
  const sub: IndicatorSubmission = { indicatorValue, indicatorType, action, title, description };
  sub.application = optionalString(body, 'application');
  const expiration = optionalString(body, 'expirationTime');
  sub.expirationTime = typeof expiration === 'string' ? isoInstant(expiration) : expiration;
  if (body.severity !== undefined && body.severity !== null)
    sub.severity = enumValue(body, 'severity', IndicatorSeverities);
  sub.recommendedActions = optionalString(body, 'recommendedActions');
  // The request table says "comma-separated list"; the doc example sends an array. Both accepted.
  const groups = body.rbacGroupNames;
  if (typeof groups === 'string') {
    sub.rbacGroupNames = groups
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g.length > 0);
  } else if (Array.isArray(groups) && groups.every((g) => typeof g === 'string')) {
    sub.rbacGroupNames = groups;
  } else if (groups !== undefined && groups !== null) {
    throw errors.invalidRequestBody('rbacGroupNames must be an array of strings or a comma-separated string');
  }
  // Documented as an Enum True/False; JSON booleans and the strings "true"/"false" are accepted.
  const alert = body.generateAlert;
  if (typeof alert === 'boolean') sub.generateAlert = alert;
  else if (typeof alert === 'string' && /^(true|false)$/i.test(alert))
    sub.generateAlert = alert.toLowerCase() === 'true';
  else if (alert !== undefined && alert !== null)
    throw errors.invalidRequestBody('generateAlert must be true or false');
  if (action === 'Audit' && sub.generateAlert !== true) {
    throw errors.invalidRequestBody('generateAlert must be set to true when action is Audit');
  }
  return sub;
}

/** Who is writing: the app id (createdBy) and its display name (source, lastUpdatedBy), as the doc example shows. */
export interface IndicatorAuthor {
  appId: string;
  displayName: string;
}

/** A new indicator from a submission (doc example key order). */
export function newIndicator(
  id: string,
  sub: IndicatorSubmission,
  author: IndicatorAuthor,
  stamp: string,
  rbacGroupIds: number[],
): Indicator {
  return {
    id,
    indicatorValue: sub.indicatorValue,
    indicatorType: sub.indicatorType,
    action: sub.action,
    application: sub.application ?? null,
    source: author.displayName,
    sourceType: 'AadApp',
    title: sub.title,
    creationTimeDateTimeUtc: stamp,
    createdBy: author.appId,
    expirationTime: sub.expirationTime ?? null,
    lastUpdateTime: stamp,
    lastUpdatedBy: author.displayName,
    severity: sub.severity ?? 'Informational',
    description: sub.description,
    recommendedActions: sub.recommendedActions ?? null,
    rbacGroupNames: sub.rbacGroupNames ?? [],
    rbacGroupIds,
    generateAlert: sub.generateAlert ?? false,
  };
}

/**
 * Applies a resubmission to an existing indicator in place. `application` "only works for new indicators"
 * (post-ti-indicator), so it is left alone; other absent optional fields keep their values.
 */
export function updateIndicator(
  existing: Indicator,
  sub: IndicatorSubmission,
  author: IndicatorAuthor,
  stamp: string,
  rbacGroupIds: number[] | undefined,
): void {
  existing.action = sub.action;
  existing.title = sub.title;
  existing.description = sub.description;
  if (sub.expirationTime !== undefined) existing.expirationTime = sub.expirationTime;
  if (sub.severity !== undefined) existing.severity = sub.severity;
  if (sub.recommendedActions !== undefined) existing.recommendedActions = sub.recommendedActions;
  if (sub.rbacGroupNames !== undefined) existing.rbacGroupNames = sub.rbacGroupNames;
  if (rbacGroupIds !== undefined) existing.rbacGroupIds = rbacGroupIds;
  if (sub.generateAlert !== undefined) existing.generateAlert = sub.generateAlert;
  existing.lastUpdateTime = stamp;
  existing.lastUpdatedBy = author.displayName;
}

/** Not expired at `nowMs` ("a collection of all active Indicators"). */
export function isActive(indicator: Indicator, nowMs: number): boolean {
  if (!indicator.expirationTime) return true;
  const ms = parseInstant(indicator.expirationTime);
  return ms === null || ms > nowMs;
}

/** Without Ti.ReadWrite.All an app sees only the indicators it created (get-ti-indicators-collection). */
export function canSee(indicator: Indicator, claims: Claims | undefined): boolean {
  if (!claims) return false;
  return claims.roles.some((r) => SEE_ALL.includes(r)) || indicator.createdBy === claims.appid;
}

export function indicatorRoutes(state: EmulatorState): RouteDef[] {
  const base = { family: 'indicators', auth: 'defender' as const, limit: STANDARD_LIMIT };
  const groupIds = (names: string[]): number[] => {
    const wanted = new Set(names.map((n) => n.toLowerCase()));
    const ids = new Set<number>();
    if (wanted.size > 0) {
      for (const d of state.data.devices) {
        const name = d.machine.rbacGroupName;
        if (name && wanted.has(name.toLowerCase())) ids.add(d.machine.rbacGroupId);
      }
    }
    return [...ids].sort((a, b) => a - b);
  };
  return [
    {
      ...base,
      method: 'GET',
      path: '/api/indicators',
      operation: 'listIndicators',
      roles: READ,
      handler: (ctx) => {
        const nowMs = state.clock.now();
        const visible = state.indicators.filter((i) => isActive(i, nowMs) && canSee(i, ctx.claims));
        return collection(ctx, indicatorSpec, visible);
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/api/indicators',
      operation: 'submitIndicator',
      roles: WRITE,
      handler: (ctx) => {
        const sub = parseIndicatorSubmission(objectBody(ctx));
        const appId = ctx.claims?.appid ?? 'unknown';
        const author = { appId, displayName: ctx.claims?.app_displayname ?? appId };
        const stamp = now(state);
        const key = indicatorKey(sub.indicatorType, sub.indicatorValue);
        const existing = state.indicators.find(
          (i) => indicatorKey(i.indicatorType, i.indicatorValue) === key,
        );
        if (existing) {
          const ids = sub.rbacGroupNames === undefined ? undefined : groupIds(sub.rbacGroupNames);
          updateIndicator(existing, sub, author, stamp, ids);
          return entity(ctx, 'Indicators', existing);
        }
        const nowMs = state.clock.now();
        if (state.indicators.filter((i) => isActive(i, nowMs)).length >= MAX_ACTIVE_INDICATORS) {
          throw errors.badRequest(
            `The tenant already has the maximum of ${MAX_ACTIVE_INDICATORS} active indicators`,
          );
        }
        const indicator = newIndicator(
          String(state.nextIndicatorId++),
          sub,
          author,
          stamp,
          groupIds(sub.rbacGroupNames ?? []),
        );
        state.indicators.push(indicator);
        return entity(ctx, 'Indicators', indicator);
      },
    },
    {
      ...base,
      method: 'DELETE',
      path: '/api/indicators/:id',
      operation: 'deleteIndicator',
      roles: WRITE,
      handler: (ctx) => {
        const at = state.indicators.findIndex((i) => i.id === ctx.params.id && canSee(i, ctx.claims));
        if (at < 0) throw errors.resourceNotFound(`Indicator ${ctx.params.id} was not found`);
        state.indicators.splice(at, 1);
        return { status: 204 };
      },
    },
  ];
}

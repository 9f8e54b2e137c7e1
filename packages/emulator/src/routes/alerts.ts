import type { Alert } from '@mde-bridge/client/models';
import { errors } from '../errors.js';
import type { RequestContext, RouteDef } from '../http/router.js';
import type { EntitySetSpec } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import {
  collection,
  entity,
  now,
  objectBody,
  plainCollection,
  requireDevice,
  STANDARD_LIMIT,
} from './common.js';

const READ = ['Alert.Read.All', 'Alert.ReadWrite.All'];
const WRITE = ['Alert.ReadWrite.All'];

/** Filterable properties of `/api/alerts` (spec 3.4; the doc's `asssignedTo` typo accepted too). */
export const alertSpec: EntitySetSpec<Alert> = {
  entitySet: 'Alerts',
  maxTop: 10_000,
  expandable: ['evidence'],
  filterable: {
    alertCreationTime: { type: 'datetime', get: (a) => a.alertCreationTime },
    lastUpdateTime: { type: 'datetime', get: (a) => a.lastUpdateTime },
    incidentId: { type: 'number', get: (a) => a.incidentId },
    investigationId: { type: 'number', get: (a) => a.investigationId },
    id: { type: 'string', get: (a) => a.id },
    assignedTo: { type: 'string', get: (a) => a.assignedTo },
    asssignedTo: { type: 'string', get: (a) => a.assignedTo },
    detectionSource: { type: 'string', get: (a) => a.detectionSource },
    lastEventTime: { type: 'datetime', get: (a) => a.lastEventTime },
    status: { type: 'string', get: (a) => a.status },
    severity: { type: 'string', get: (a) => a.severity },
    category: { type: 'string', get: (a) => a.category },
    // Not in the doc's list, but integrations filter alerts by device; Defender accepts it (DEVIATIONS.md).
    machineId: { type: 'string', get: (a) => a.machineId },
  },
};

/** A list without `$expand=evidence` carries `"evidence": []` (spec 4.2). */
export function withoutEvidence(a: Alert): Alert {
  return { ...a, evidence: [] };
}

const STATUSES = ['New', 'InProgress', 'Resolved'];
const CLASSIFICATIONS = ['TruePositive', 'InformationalExpectedActivity', 'FalsePositive'];
// Both spellings the docs disagree on are accepted (spec 4.2.1).
const DETERMINATIONS = [
  'MultiStagedAttack',
  'MaliciousUserActivity',
  'CompromisedUser',
  'Malware',
  'Phishing',
  'UnwantedSoftware',
  'Other',
  'SecurityTesting',
  'LineOfBusinessApplication',
  'ConfirmedUserActivity',
  'ConfirmedActivity',
  'Clean',
  'NotMalicious',
  'InsufficientData',
];
const UPDATE_KEYS = ['status', 'assignedTo', 'classification', 'determination', 'comment'];

export function alertRoutes(state: EmulatorState): RouteDef[] {
  const base = { family: 'alerts', auth: 'defender' as const, limit: STANDARD_LIMIT };
  const requireAlert = (id: string) => {
    const a = state.alert(id);
    if (!a) throw errors.resourceNotFound(`Alert ${id} was not found`);
    return a;
  };
  return [
    {
      ...base,
      method: 'GET',
      path: '/api/alerts',
      operation: 'listAlerts',
      roles: READ,
      handler: (ctx) => {
        const expand = (ctx.query.get('$expand') ?? '').toLowerCase().includes('evidence');
        return collection(ctx, alertSpec, state.data.alerts, { map: expand ? undefined : withoutEvidence });
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/api/alerts/batchUpdate',
      operation: 'batchUpdateAlerts',
      roles: WRITE,
      limit: { perMinute: 10, perHour: 500 },
      handler: (ctx) => {
        const body = objectBody(ctx);
        const ids = body.alertIds;
        if (ids === undefined) throw errors.missingParameter('alertIds');
        if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string')) {
          throw errors.invalidRequestBody('alertIds must be a non-empty array of alert ids');
        }
        const update = parseUpdate(body, ['alertIds']);
        const alerts = ids.map((id) => requireAlert(id as string));
        for (const a of alerts) applyUpdate(state, ctx, a, update);
        return { status: 200 };
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/alerts/:id',
      operation: 'getAlert',
      roles: READ,
      handler: (ctx) => entity(ctx, 'Alerts', requireAlert(ctx.params.id)),
    },
    {
      ...base,
      method: 'PATCH',
      path: '/api/alerts/:id',
      operation: 'updateAlert',
      roles: WRITE,
      handler: (ctx) => {
        const a = requireAlert(ctx.params.id);
        applyUpdate(state, ctx, a, parseUpdate(objectBody(ctx), []));
        return entity(ctx, 'Alerts', a);
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/alerts/:id/machine',
      operation: 'getAlertMachine',
      roles: ['Machine.Read.All', 'Machine.ReadWrite.All'],
      handler: (ctx) =>
        entity(ctx, 'Machines', requireDevice(state, requireAlert(ctx.params.id).machineId).machine),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/alerts/:id/ips',
      operation: 'getAlertIps',
      roles: READ,
      handler: (ctx) => {
        const a = requireAlert(ctx.params.id);
        const ips = unique(a.evidence.map((e) => e.ipAddress).filter((v): v is string => !!v));
        return plainCollection(
          ctx,
          'Ips',
          ips.map((id) => ({ id })),
        );
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/alerts/:id/domains',
      operation: 'getAlertDomains',
      roles: READ,
      handler: (ctx) => {
        const a = requireAlert(ctx.params.id);
        const hosts = unique(
          a.evidence
            .map((e) => e.url)
            .filter((v): v is string => !!v)
            .map((u) => hostOf(u)),
        );
        return plainCollection(
          ctx,
          'Domains',
          hosts.map((host) => ({ host })),
        );
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/alerts/:id/user',
      operation: 'getAlertUser',
      roles: ['User.Read.All', ...READ],
      handler: (ctx) => {
        const a = requireAlert(ctx.params.id);
        if (!a.relatedUser) throw errors.resourceNotFound(`Alert ${a.id} has no related user`);
        const u = a.relatedUser as { userName: string; domainName: string };
        return entity(ctx, 'Users', {
          id: `${u.domainName}\\${u.userName}`.toLowerCase(),
          accountName: u.userName,
          accountDomain: u.domainName,
          accountSid: null,
          firstSeen: a.alertCreationTime,
          lastSeen: a.lastUpdateTime,
          mostPrevalentMachineId: a.machineId,
          leastPrevalentMachineId: a.machineId,
          logonTypes: 'Interactive',
          logOnMachinesCount: 1,
          isDomainAdmin: false,
          isOnlyNetworkUser: false,
        });
      },
    },
  ];
}

interface AlertUpdate {
  status?: string;
  assignedTo?: string | null;
  classification?: string | null;
  determination?: string | null;
  comment?: string;
}

function parseUpdate(body: Record<string, unknown>, extraKeys: string[]): AlertUpdate {
  const update: AlertUpdate = {};
  // The update doc's table capitalises (`Status`), its example uses lower camel: accept both (spec 6).
  const lower = new Map(Object.entries(body).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));
  for (const key of lower.keys()) {
    if (!UPDATE_KEYS.includes(key) && !extraKeys.includes(key)) {
      throw errors.invalidRequestBody(`'${key}' is not a property that can be updated`);
    }
  }
  const pick = (key: string, allowed?: string[]) => {
    const v = lower.get(key);
    if (v === undefined) return undefined;
    if (v === null && key !== 'status' && key !== 'comment') return null;
    if (typeof v !== 'string') throw errors.invalidRequestBody(`${key} must be a string`);
    if (allowed && !allowed.includes(v))
      throw errors.invalidRequestBody(`${key} must be one of ${allowed.join(', ')}`);
    return v;
  };
  update.status = pick('status', STATUSES) ?? undefined;
  update.assignedTo = pick('assignedTo');
  update.classification = pick('classification', CLASSIFICATIONS);
  update.determination = pick('determination', DETERMINATIONS);
  update.comment = pick('comment') ?? undefined;
  if (Object.values(update).every((v) => v === undefined)) {
    throw errors.invalidRequestBody(
      'give at least one of status, assignedTo, classification, determination, comment',
    );
  }
  return update;
}

function applyUpdate(state: EmulatorState, ctx: RequestContext, a: Alert, u: AlertUpdate): void {
  const stamp = now(state);
  if (u.status !== undefined) {
    a.status = u.status;
    a.resolvedTime = u.status === 'Resolved' ? (a.resolvedTime ?? stamp) : null;
  }
  if (u.assignedTo !== undefined) a.assignedTo = u.assignedTo;
  if (u.classification !== undefined) a.classification = u.classification;
  if (u.determination !== undefined) a.determination = u.determination;
  if (u.comment !== undefined) {
    a.comments = [
      ...a.comments,
      { comment: u.comment, createdBy: ctx.claims?.appid ?? 'API', createdTime: stamp },
    ];
  }
  a.lastUpdateTime = stamp;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function hostOf(u: string): string {
  try {
    return new URL(u.includes('://') ? u : `http://${u}`).hostname;
  } catch {
    return u;
  }
}

import type { Alert } from '@mde-bridge/client/models';
import { errors } from '../errors.js';
import type { RequestContext, RouteDef } from '../http/router.js';
import { applyQuery, parseQuery } from '../odata/index.js';
import type { EntitySetSpec, ODataResult } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import {
  graphClassification,
  graphDetermination,
  graphSeverity,
  graphStatus,
  toGraphAlert,
} from './graph-alert-mapping.js';

/**
 * Microsoft Graph `security/alerts_v2` over the tenant's MDE alerts (spec 8.1). Unlike Defender, Graph
 * pages with `@odata.nextLink` whether or not `$top` is given: `$top` is the page size, the link advances
 * `$skip`. Graph's throttling figures for this API are not in the spec, so no `limit` is set.
 */
const ROLES = ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'];

/**
 * Page size without `$top`, and the largest `$top` accepted. Neither is published for alerts_v2
 * (NOT FOUND; DEVIATIONS.md): 2,000 chosen.
 */
export const GRAPH_ALERTS_PAGE_SIZE = 2_000;

/** The query options the list page documents; any other `$` option is refused. */
const ALLOWED_OPTIONS = ['$count', '$filter', '$skip', '$top'];

/** Filterable properties (security-list-alerts_v2), compared in their Graph form. */
export const graphAlertSpec: EntitySetSpec<Alert> = {
  entitySet: 'alerts_v2',
  maxTop: GRAPH_ALERTS_PAGE_SIZE,
  selectable: false,
  filterable: {
    assignedTo: { type: 'string', get: (a) => a.assignedTo },
    classification: { type: 'string', get: (a) => graphClassification(a.classification) },
    determination: { type: 'string', get: (a) => graphDetermination(a.determination) },
    createdDateTime: { type: 'datetime', get: (a) => a.alertCreationTime },
    lastUpdateDateTime: { type: 'datetime', get: (a) => a.lastUpdateTime },
    severity: { type: 'string', get: (a) => graphSeverity(a.severity) },
    serviceSource: { type: 'string', get: () => 'microsoftDefenderForEndpoint' },
    status: { type: 'string', get: (a) => graphStatus(a.status) },
  },
};

const sortedCache = new WeakMap<readonly Alert[], { length: number; sorted: Alert[] }>();

/** "The most recent alerts are displayed at the top" (security-list-alerts_v2); ties by id. */
export function newestFirst(alerts: readonly Alert[]): Alert[] {
  const cached = sortedCache.get(alerts);
  if (cached && cached.length === alerts.length) return cached.sorted;
  const sorted = [...alerts].sort((a, b) =>
    a.alertCreationTime === b.alertCreationTime
      ? a.id.localeCompare(b.id)
      : a.alertCreationTime < b.alertCreationTime
        ? 1
        : -1,
  );
  sortedCache.set(alerts, { length: alerts.length, sorted });
  return sorted;
}

/**
 * One page of alerts_v2: only the documented options, `$filter` on the Graph forms, newest first. `$top` is
 * the page size (default 2,000) and a nextLink with `$skip` advanced follows whenever more remain.
 */
export function graphAlertPage(
  alerts: readonly Alert[],
  params: URLSearchParams,
  pageUrl: URL,
): ODataResult<Alert> {
  for (const key of params.keys()) {
    if (key.startsWith('$') && !ALLOWED_OPTIONS.includes(key.toLowerCase())) {
      throw errors.badRequest(
        `Query option '${key}' is not allowed. Supported: ${ALLOWED_OPTIONS.join(', ')}`,
      );
    }
  }
  const q = parseQuery(params, graphAlertSpec);
  const pageSize = q.top ?? GRAPH_ALERTS_PAGE_SIZE;
  // `$top=0` asks for an empty page; otherwise page by `pageSize` so a nextLink is made when more remain.
  const paged = pageSize === 0 ? q : { ...q, top: undefined };
  return applyQuery(newestFirst(alerts), paged, graphAlertSpec, { pageUrl, pageSize });
}

function graphContext(ctx: RequestContext, suffix = ''): string {
  return `${ctx.origin}/v1.0/$metadata#security/alerts_v2${suffix}`;
}

export function graphAlertRoutes(state: EmulatorState): RouteDef[] {
  const base = { family: 'graph', auth: 'graph' as const, roles: ROLES };
  return [
    {
      ...base,
      method: 'GET',
      path: '/v1.0/security/alerts_v2',
      operation: 'listGraphAlerts',
      handler: (ctx) => {
        const result = graphAlertPage(state.data.alerts, ctx.query, ctx.url);
        const prefix: Record<string, unknown> = { '@odata.context': graphContext(ctx) };
        if (result.count !== undefined) prefix['@odata.count'] = result.count;
        // Graph writes the nextLink before `value`.
        if (result.nextLink) prefix['@odata.nextLink'] = result.nextLink;
        const page = result.value as Alert[];
        return {
          status: 200,
          odata: true,
          stream: { prefix, items: page.map((a) => toGraphAlert(a, state.device(a.machineId))) },
        };
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/v1.0/security/alerts_v2/:id',
      operation: 'getGraphAlert',
      handler: (ctx) => {
        const alert = state.alert(ctx.params.id);
        if (!alert) throw errors.notFound(`No alert found with id '${ctx.params.id}'`);
        return {
          status: 200,
          odata: true,
          body: {
            '@odata.context': graphContext(ctx, '/$entity'),
            ...toGraphAlert(alert, state.device(alert.machineId)),
          },
        };
      },
    },
  ];
}

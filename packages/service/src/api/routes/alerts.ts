import { getAlert, listAlerts } from '../../hosts/alert-queries.js';
import { isoMs } from '../../store/schema.js';
import { notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf, tenantFilter } from './request-scope.js';
import { AlertListQuery, AlertSchema, AlertWithEvidenceSchema, ItemParams, pageOf } from './schemas/hosts.js';

/** Alerts: the filtered list (without evidence, which can be large) and one alert with its evidence. */
export function alertsRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const tags = ['alerts'];

  api.get(
    '/alerts',
    {
      schema: { tags, querystring: AlertListQuery, response: { 200: pageOf(AlertSchema) } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const { from, to } = request.query;
      return listAlerts(
        db,
        {
          ...request.query,
          tenant: await tenantFilter(db, request.query.tenant),
          // Stored times are fixed-width UTC strings, so the bounds must be too for text comparison.
          from: isoMs(from) ?? undefined,
          to: isoMs(to) ?? undefined,
        },
        deviceGroupsOf(request),
      );
    },
  );

  api.get(
    '/alerts/:id',
    {
      schema: { tags, params: ItemParams, response: { 200: AlertWithEvidenceSchema } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const alert = await getAlert(db, request.params.id, deviceGroupsOf(request));
      if (!alert) throw notFound(`alert '${request.params.id}'`);
      return { ...alert, evidence: alert.evidence ?? [] };
    },
  );
}

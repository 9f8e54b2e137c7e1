import { listMachineActions } from '../../hosts/action-queries.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf, tenantFilter } from './request-scope.js';
import { ActionListQuery, MachineActionSchema, pageOf } from './schemas/hosts.js';

/** Machine actions (isolate, release, scan …) as Defender reports them, newest first. */
export function actionsRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  api.get(
    '/actions',
    {
      schema: {
        tags: ['actions'],
        querystring: ActionListQuery,
        response: { 200: pageOf(MachineActionSchema) },
      },
      config: { access: 'hosts.view' },
    },
    async (request) =>
      listMachineActions(
        db,
        { ...request.query, tenant: await tenantFilter(db, request.query.tenant) },
        deviceGroupsOf(request),
      ),
  );
}

import { dashboardSummary } from '../../hosts/dashboard-summary.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf } from './request-scope.js';
import { DashboardSchema } from './schemas/hosts.js';

/** The landing page's figures: tenants with their last sync, hosts by state, active alerts by severity. */
export function dashboardRoutes(api: Api, deps: AppDeps): void {
  api.get(
    '/dashboard',
    { schema: { tags: ['dashboard'], response: { 200: DashboardSchema } }, config: { access: 'hosts.view' } },
    async (request) => dashboardSummary(deps.store.db, deviceGroupsOf(request)),
  );
}

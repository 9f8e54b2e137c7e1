import { findScopedDevice } from '../../hosts/host-detail.js';
import { getDeviceRisk, getRiskHistory } from '../../risk/device-risk.js';
import { notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf } from './request-scope.js';
import { ItemParams } from './schemas/hosts.js';
import { DeviceRiskWithHistorySchema } from './schemas/risk.js';

/** A host's risk levels with their reasons and history (C6). */
export function riskRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;

  api.get(
    '/hosts/:id/risk',
    {
      schema: { tags: ['hosts'], params: ItemParams, response: { 200: DeviceRiskWithHistorySchema } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      // Outside the caller's device groups is the same 404 as an unknown host.
      const device = await findScopedDevice(db, request.params.id, deviceGroupsOf(request));
      if (!device) throw notFound(`host '${request.params.id}'`);
      const risk = await getDeviceRisk(db, device.tenant, device.id);
      if (!risk) throw notFound(`risk of host '${request.params.id}' (not computed yet)`);
      return { ...risk, history: await getRiskHistory(db, device.tenant, device.id) };
    },
  );
}

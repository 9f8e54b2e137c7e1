import type {
  ConfigurationScore,
  ExposureScore,
  ExposureScoreByMachineGroup,
} from '@mde-bridge/client/models';
import { isoTicks } from '../clock.js';
import type { DeviceRecord } from '../generator/types.js';
import type { RouteDef } from '../http/router.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { entity, plainCollection, refuseODataOptions } from './common.js';

/**
 * Exposure and configuration scores (spec 4.9). The tenant scores come from the generator; the per-group
 * exposure score is derived here. No rate limit is published for these APIs (spec 9.1 NOT FOUND).
 */
const ROLES = ['Score.Read.All'];

/**
 * Name reported for devices in no device group. The Graph deviceEvidence example shows `UnassignedGroup`
 * for such a device; what ByMachineGroups calls them is not published (DEVIATIONS.md).
 */
export const UNASSIGNED_GROUP = 'UnassignedGroup';

const LEVEL_WEIGHT: Record<string, number> = { None: 0, Low: 1, Medium: 2, High: 3 };

/**
 * One score per device group: the tenant score scaled by how the group's mean device exposure level
 * compares with the tenant's, clamped to 0–100. Devices without an exposure level are not counted; a group
 * with none of those gets the tenant score. Groups in name order.
 */
export function exposureByGroup(
  devices: Iterable<DeviceRecord>,
  tenantScore: number,
  time: string,
): ExposureScoreByMachineGroup[] {
  const groups = new Map<string, { sum: number; n: number }>();
  let sum = 0;
  let n = 0;
  for (const d of devices) {
    const name = d.machine.rbacGroupName ?? UNASSIGNED_GROUP;
    let g = groups.get(name);
    if (!g) {
      g = { sum: 0, n: 0 };
      groups.set(name, g);
    }
    const weight = d.machine.exposureLevel === null ? undefined : LEVEL_WEIGHT[d.machine.exposureLevel];
    if (weight === undefined) continue;
    g.sum += weight;
    g.n++;
    sum += weight;
    n++;
  }
  const tenantMean = n === 0 ? 0 : sum / n;
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([rbacGroupName, g]) => {
      const score = g.n === 0 || tenantMean === 0 ? tenantScore : (tenantScore * (g.sum / g.n)) / tenantMean;
      return { time, score: Math.min(100, Math.max(0, score)), rbacGroupName };
    });
}

export function scoreRoutes(state: EmulatorState): RouteDef[] {
  const base = { family: 'scores', auth: 'defender' as const, roles: ROLES, feature: 'tvm' as const };
  return [
    {
      ...base,
      method: 'GET',
      path: '/api/exposureScore',
      operation: 'getExposureScore',
      handler: (ctx) => {
        const nowMs = state.clock.now();
        const body: ExposureScore = { time: isoTicks(nowMs), score: state.data.exposureScore(nowMs) };
        return entity(ctx, 'ExposureScore', body);
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/exposureScore/ByMachineGroups',
      operation: 'listExposureScoreByMachineGroups',
      handler: (ctx) => {
        refuseODataOptions(ctx, 'exposureScore/ByMachineGroups');
        const nowMs = state.clock.now();
        const rows = exposureByGroup(state.data.devices, state.data.exposureScore(nowMs), isoTicks(nowMs));
        return plainCollection(ctx, 'ExposureScore', rows);
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/configurationScore',
      operation: 'getConfigurationScore',
      handler: (ctx) => {
        const nowMs = state.clock.now();
        // An integer in the doc example (Secure Score for Devices points).
        const body: ConfigurationScore = {
          time: isoTicks(nowMs),
          score: Math.round(state.data.configurationScore(nowMs)),
        };
        return entity(ctx, 'ConfigurationScore', body);
      },
    },
  ];
}

import { ExposureScoreByMachineGroup, validateStrict } from '@mde-bridge/client/models';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../generator/types.js';
import { exposureByGroup, UNASSIGNED_GROUP } from './scores.js';

function device(rbacGroupName: string | null, exposureLevel: string | null): DeviceRecord {
  return { machine: { rbacGroupName, exposureLevel } } as DeviceRecord;
}

const TIME = '2024-05-01T00:00:00.0000000Z';

describe('exposureByGroup', () => {
  it('gives one row per device group, ungrouped devices under UnassignedGroup, in name order', () => {
    const rows = exposureByGroup([device('B', 'Low'), device(null, 'High'), device('A', 'Medium')], 40, TIME);
    expect(rows.map((r) => r.rbacGroupName)).toEqual(['A', 'B', UNASSIGNED_GROUP]);
    for (const r of rows) expect(validateStrict(ExposureScoreByMachineGroup, r)).toEqual([]);
  });

  it('scales the tenant score by the group mean exposure level relative to the tenant mean', () => {
    // Levels 1 (Low) and 3 (High): tenant mean 2; group means 1 and 3.
    const rows = exposureByGroup([device('Low', 'Low'), device('High', 'High')], 40, TIME);
    expect(rows).toEqual([
      { time: TIME, score: 60, rbacGroupName: 'High' },
      { time: TIME, score: 20, rbacGroupName: 'Low' },
    ]);
  });

  it('clamps to 100 and uses the tenant score for groups without an exposure level', () => {
    const rows = exposureByGroup(
      [device('Hot', 'High'), device('Cold', 'None'), device('Unknown', null)],
      90,
      TIME,
    );
    expect(rows.find((r) => r.rbacGroupName === 'Hot')?.score).toBe(100);
    expect(rows.find((r) => r.rbacGroupName === 'Cold')?.score).toBe(0);
    expect(rows.find((r) => r.rbacGroupName === 'Unknown')?.score).toBe(90);
  });

  it('is deterministic', () => {
    const devices = [device('A', 'Low'), device('B', 'Medium'), device('A', 'High')];
    expect(exposureByGroup(devices, 33.3, TIME)).toEqual(exposureByGroup(devices, 33.3, TIME));
  });
});

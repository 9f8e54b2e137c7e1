import { describe, expect, it } from 'vitest';
import { TenantInputError } from '../tenants/tenant-repository.js';
import { resolveSchedules, ScheduleSettingsError } from './schedule-settings.js';

describe('resolveSchedules', () => {
  it('fills in the defaults: devices and scores hourly, alerts and actions every minute, software daily', () => {
    expect(resolveSchedules({})).toEqual({
      machines: 3_600_000,
      alerts: 60_000,
      actions: 60_000,
      vulnerabilities: 4 * 3_600_000,
      software: 86_400_000,
      scores: 3_600_000,
      health: 4 * 3_600_000,
    });
    expect(resolveSchedules(undefined)).toEqual(resolveSchedules({}));
  });

  it('applies per-tenant overrides in every unit, and "off"', () => {
    const s = resolveSchedules({
      schedules: { machines: '30m', alerts: '30s', software: 'off', scores: '7d' },
    });
    expect(s).toMatchObject({ machines: 1_800_000, alerts: 30_000, software: null, scores: 7 * 86_400_000 });
    expect(s.actions).toBe(60_000);
    expect(resolveSchedules({ schedules: { health: '2h', vulnerabilities: '1d' } })).toMatchObject({
      health: 7_200_000,
      vulnerabilities: 86_400_000,
    });
  });

  it.each([
    [{ schedules: { machines: '10s' } }, 'schedules.machines', /minimum is 30s/],
    [{ schedules: { alerts: '8d' } }, 'schedules.alerts', /maximum is 7d/],
    [{ schedules: { alerts: 60 } }, 'schedules.alerts', /is 60: expected a duration/],
    [{ schedules: { alerts: '1 hour' } }, 'schedules.alerts', /expected a duration like "30s"/],
    [{ schedules: { devices: '1h' } }, 'schedules.devices', /is not a resource; valid: machines, alerts/],
    [{ schedules: ['1h'] }, 'schedules', /must be an object/],
    [{ schedules: 'hourly' }, 'schedules', /must be an object/],
  ])('refuses %j naming the bad key', (settings, field, message) => {
    const error = (() => {
      try {
        resolveSchedules(settings);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ScheduleSettingsError);
    expect(error).toBeInstanceOf(TenantInputError);
    expect((error as ScheduleSettingsError).field).toBe(field);
    expect((error as Error).message).toMatch(new RegExp(`^settings\\.${field.replace('.', '\\.')} `));
    expect((error as Error).message).toMatch(message);
  });
});

import { type Resource, Resources } from '../sync/sync-context.js';
import { TenantInputError } from '../tenants/tenant-repository.js';

/** How often each resource is synced unless a tenant's `settings.schedules` says otherwise (issue 4). */
export const DEFAULT_SCHEDULES: Readonly<Record<Resource, string>> = {
  machines: '1h',
  alerts: '1m',
  actions: '1m',
  vulnerabilities: '4h',
  software: '1d',
  scores: '1h',
  health: '4h',
};

/** Each resource's interval in ms; null when the tenant switched it off (it then runs only when triggered). */
export type Schedules = Record<Resource, number | null>;

const MIN_INTERVAL_MS = 30_000;
const MAX_INTERVAL_MS = 7 * 24 * 3_600_000;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+)([smhd])$/;

/**
 * A tenant's `settings.schedules` is invalid. A `TenantInputError`, so the API answers 400 with its message
 * as it does for any other bad tenant setting.
 */
export class ScheduleSettingsError extends TenantInputError {
  override name = 'ScheduleSettingsError';
  constructor(
    /** Where, as a path: `schedules.machines`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`settings.${field} ${reason}`);
  }
}

/**
 * The intervals a tenant's settings ask for, defaults filled in. Durations are `30s`, `5m`, `1h`, `1d`
 * (30 s to 7 d), or `"off"`.
 * @example resolveSchedules({ schedules: { machines: '30m', software: 'off' } }).machines // 1_800_000
 */
export function resolveSchedules(settings: Record<string, unknown> | null | undefined): Schedules {
  const overrides = settings?.schedules ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new ScheduleSettingsError('schedules', 'must be an object like {"machines": "1h", "alerts": "1m"}');
  }
  for (const key of Object.keys(overrides)) {
    if (!(Resources as readonly string[]).includes(key)) {
      throw new ScheduleSettingsError(
        `schedules.${key}`,
        `is not a resource; valid: ${Resources.join(', ')}`,
      );
    }
  }
  const given = overrides as Partial<Record<Resource, unknown>>;
  return Object.fromEntries(
    Resources.map((r) => [r, interval(`schedules.${r}`, given[r] ?? DEFAULT_SCHEDULES[r])]),
  ) as Schedules;
}

function interval(field: string, value: unknown): number | null {
  if (value === 'off') return null;
  const match = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  if (!match) {
    throw new ScheduleSettingsError(
      field,
      `is ${JSON.stringify(value)}: expected a duration like "30s", "5m", "1h", "1d", or "off"`,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms < MIN_INTERVAL_MS) throw new ScheduleSettingsError(field, `is "${value}": the minimum is 30s`);
  if (ms > MAX_INTERVAL_MS) throw new ScheduleSettingsError(field, `is "${value}": the maximum is 7d`);
  return ms;
}

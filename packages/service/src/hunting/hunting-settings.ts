/** A tenant's hunting settings (`settings.hunting`, CONTRACT.md issue 8), checked where tenant settings are saved. */

/** `settings.hunting.api` of a tenant (CONTRACT.md). */
export const HuntingApiSettings = ['auto', 'mde', 'graph'] as const;
export type HuntingApiSetting = (typeof HuntingApiSettings)[number];

/**
 * Checks a tenant's `settings.hunting` (`{api: 'auto'|'mde'|'graph'}`); returns the problem as
 * `{field, reason}` (field relative to `settings`), or null when valid or absent.
 */
export function huntingSettingsProblem(
  settings: Record<string, unknown> | null | undefined,
): { field: string; reason: string } | null {
  const hunting = settings?.hunting;
  if (hunting === undefined) return null;
  if (typeof hunting !== 'object' || hunting === null || Array.isArray(hunting))
    return { field: 'hunting', reason: 'must be an object like {"api": "auto"}' };
  for (const key of Object.keys(hunting)) {
    if (key !== 'api') return { field: `hunting.${key}`, reason: 'is not a hunting setting; valid: api' };
  }
  const api = (hunting as Record<string, unknown>).api;
  if (api !== undefined && !(HuntingApiSettings as readonly unknown[]).includes(api))
    return {
      field: 'hunting.api',
      reason: `is ${JSON.stringify(api)}: expected one of ${HuntingApiSettings.join(', ')}`,
    };
  return null;
}

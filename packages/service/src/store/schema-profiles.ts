/**
 * Tables of OS profiles, profiling rules and memberships (issue 6). Add each table's interface to `ProfilesTables`, and its name to exactly one of the two
 * lists below: the store will not compile until every table is in one (removing a tenant must not leave
 * its rows behind).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the tables arrive
export interface ProfilesTables {}

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const profilesTenantTables = {} as const satisfies Partial<Record<keyof ProfilesTables, true>>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const profilesBridgeTables = [] as const satisfies readonly (keyof ProfilesTables)[];

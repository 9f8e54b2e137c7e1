/**
 * Tables of risk levels per endpoint and their history (issue 6). Add each table's interface to `RiskTables`, and its name to exactly one of the two
 * lists below: the store will not compile until every table is in one (removing a tenant must not leave
 * its rows behind).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the tables arrive
export interface RiskTables {}

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const riskTenantTables = {} as const satisfies Partial<Record<keyof RiskTables, true>>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const riskBridgeTables = [] as const satisfies readonly (keyof RiskTables)[];

/**
 * Tables of host context (issue 6): endpoints seen on the network, managed by Defender or not. Add each
 * table's interface to `ContextTables`, and its name to exactly one of the two lists below: the store will
 * not compile until every table is in one (removing a tenant must not leave its rows behind).
 */
export interface ContextTables {
  endpoints: EndpointTable;
}

/**
 * A host the bridge has heard of from the network side (a host session, a detection): matched to a Defender
 * device (`managed` = 1, with tenant and device_id) or not (`managed` = 0: an unmanaged endpoint). The asset
 * view is Defender's devices plus the unmanaged endpoints.
 */
export interface EndpointTable {
  id: string;
  managed: number;
  /** tenants.id of the matched device; null when unmanaged. */
  tenant: string | null;
  device_id: string | null;
  /** Lower-case host name as last observed (FQDN or short). */
  hostname: string | null;
  /** JSON array of lower-case alternate names. */
  alternate_names: string;
  ip: string | null;
  /** How it was matched: dnsName, shortName, alternateName, currentIp, ipAtTime, findByIp; null when unmanaged. */
  match_by: string | null;
  /** Where it was observed (the host session's `source`). */
  source: string | null;
  /** JSON: observed attributes (for profiling endpoints Defender says nothing about). */
  attributes: string;
  first_seen_at: string;
  last_seen_at: string;
}

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const contextTenantTables = {} as const satisfies Partial<Record<keyof ContextTables, true>>;

/**
 * Tables of the bridge itself. Endpoints outlive a tenant's removal (they become unmanaged again), so they
 * are not removed with it.
 */
export const contextBridgeTables = ['endpoints'] as const satisfies readonly (keyof ContextTables)[];

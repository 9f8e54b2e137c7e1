import type { DefenderClient, Governor } from '@mde-bridge/client';
import type { Store } from '../store/store.js';
import { tenantClientCache } from '../tenants/tenant-client-cache.js';

/** What the response module needs of a tenant's Defender client. */
export type ResponseClient = Pick<
  DefenderClient,
  | 'isolateMachine'
  | 'unisolateMachine'
  | 'runAntivirusScan'
  | 'restrictCodeExecution'
  | 'unrestrictCodeExecution'
  | 'collectInvestigationPackage'
  | 'listMachineActions'
>;

/** Opens the client of a tenant (tenants.id). */
export type ResponseClientFactory = (tenant: string) => Promise<ResponseClient>;

/**
 * `openTenantClient` per tenant, cached until the tenant row changes; the governor (its rate budget)
 * outlives the client, and is the scheduler's own when `governorFor` is given (one budget per tenant). A failed open (disabled tenant, bad key) is not cached.
 */
export function tenantResponseClients(options: {
  store: Store;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** The scheduler's governor of a tenant, so response calls and syncs share one rate budget. */
  governorFor?: (tenant: string) => Governor;
}): ResponseClientFactory {
  return tenantClientCache(options);
}

import { type DefenderClient, type Governor, TokenBucketGovernor } from '@mde-bridge/client';
import type { Store } from '../store/store.js';
import { openTenantClient } from '../tenants/tenant-client.js';

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
  const clients = new Map<string, { version: string; client: Promise<ResponseClient> }>();
  const governors = new Map<string, Governor>();
  return async (tenant) => {
    const row = await options.store.db
      .selectFrom('tenants')
      .select(['name', 'updated_at'])
      .where('id', '=', tenant)
      .executeTakeFirstOrThrow();
    const cached = clients.get(tenant);
    if (cached && cached.version === row.updated_at) return cached.client;
    let governor = options.governorFor?.(tenant) ?? governors.get(tenant);
    if (!governor) {
      governor = new TokenBucketGovernor();
      governors.set(tenant, governor);
    }
    const client = openTenantClient(options.store, row.name, options.env, {
      governor,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }).then((opened) => opened.client);
    client.catch(() => clients.delete(tenant));
    clients.set(tenant, { version: row.updated_at, client });
    return client;
  };
}

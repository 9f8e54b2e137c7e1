/**
 * Tenants' Defender clients for long-lived modules (response, hunting, validation, host context): one
 * `openTenantClient` per tenant, cached until the tenant row changes (its `updated_at`). The governor (the
 * tenant's rate budget) outlives the client, and is the caller's own when `governorFor` is given. A failed open
 * (disabled tenant, bad key) is not cached: the next call tries again.
 */
import {
  type DefenderClient,
  type DefenderClientOptions,
  type Governor,
  TokenBucketGovernor,
} from '@mde-bridge/client';
import type { Store } from '../store/store.js';
import { openTenantClient } from './tenant-client.js';

export interface TenantClientCacheOptions {
  store: Store;
  env?: NodeJS.ProcessEnv;
  /** The transport of tenant clients (tests: bound to the emulator); default global fetch. */
  fetch?: typeof fetch;
  /** A tenant's governor kept elsewhere (the scheduler's), so several modules share one rate budget. */
  governorFor?: (tenant: string) => Governor;
  /** Further client options (e.g. `maxRetries`). */
  clientOptions?: Partial<DefenderClientOptions>;
}

/** Opens the client of a tenant (tenants.id), from the cache while the tenant row is unchanged. */
export function tenantClientCache(
  options: TenantClientCacheOptions,
): (tenant: string) => Promise<DefenderClient> {
  const clients = new Map<string, { version: string; client: Promise<DefenderClient> }>();
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
      ...options.clientOptions,
      governor,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }).then((opened) => opened.client);
    client.catch(() => clients.delete(tenant));
    clients.set(tenant, { version: row.updated_at, client });
    return client;
  };
}

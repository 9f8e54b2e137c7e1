import { DefenderClient, type DefenderClientOptions } from '@mde-bridge/client';
import { secretBox } from '../secrets/secret-box.js';
import type { Store } from '../store/store.js';
import { getTenantRow, type TenantRow } from './tenant-repository.js';

/** The tenant is configured but switched off. */
export class TenantDisabledError extends Error {
  override name = 'TenantDisabledError';
}

/**
 * A `DefenderClient` for a stored tenant: its credential decrypted with the master key, its cloud, URL
 * overrides and proxy applied. `extra` tunes the client (fetch, governor, logger, timeouts …).
 * @example const { tenant, client } = await openTenantClient(store, 'contoso');
 */
export async function openTenantClient(
  store: Store,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  extra: Partial<DefenderClientOptions> = {},
): Promise<{ tenant: TenantRow; client: DefenderClient }> {
  const tenant = await getTenantRow(store.db, name);
  if (Number(tenant.enabled) !== 1) {
    throw new TenantDisabledError(
      `tenant '${tenant.name}' is disabled; enable it with mde-bridge tenant enable ${tenant.name}`,
    );
  }
  const secret = secretBox(env).open(tenant.credential_ciphertext, tenant.name);
  const credential: DefenderClientOptions['credential'] =
    tenant.credential_kind === 'certificate'
      ? { certificatePem: tenant.certificate_pem ?? '', privateKeyPem: secret }
      : { clientSecret: secret };
  const client = new DefenderClient({
    tenantId: tenant.tenant_id,
    clientId: tenant.client_id,
    credential,
    cloud: tenant.cloud,
    apiUrl: tenant.api_url ?? undefined,
    loginUrl: tenant.login_url ?? undefined,
    graphUrl: tenant.graph_url ?? undefined,
    proxy: tenant.proxy ?? undefined,
    ...extra,
  });
  return { tenant, client };
}

import type { Kysely } from 'kysely';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Database } from '../store/schema.js';
import {
  type CheckedTenant,
  type NewTenant,
  type TenantCredential,
  TenantExistsError,
  TenantNotFoundError,
  type TenantRow,
  type TenantView,
  toView,
} from './tenant-repository.js';

/** A partial change to a tenant: `undefined` keeps a field; `null` clears an optional URL or the proxy. */
export interface TenantPatch {
  name?: string;
  tenantId?: string;
  clientId?: string;
  /** Omitted: the stored credential stays. */
  credential?: TenantCredential;
  cloud?: string;
  apiUrl?: string | null;
  loginUrl?: string | null;
  graphUrl?: string | null;
  proxy?: string | null;
  enabled?: boolean;
  settings?: Record<string, unknown>;
}

/** The stored row by its id (what the API hands out) or its name (what people type). */
export async function findTenantRow(db: Kysely<Database>, idOrName: string): Promise<TenantRow> {
  const row =
    (await db.selectFrom('tenants').selectAll().where('id', '=', idOrName).executeTakeFirst()) ??
    (await db.selectFrom('tenants').selectAll().where('name', '=', idOrName).executeTakeFirst());
  if (row) return row;
  const names = await db.selectFrom('tenants').select('name').orderBy('name').execute();
  throw new TenantNotFoundError(
    idOrName,
    names.map((n) => n.name),
  );
}

/** The credential a stored row holds, decrypted (for a connection test or re-sealing under a new name). */
export function storedCredential(row: TenantRow, box: SecretBox): TenantCredential {
  const secret = box.open(row.credential_ciphertext, row.name);
  return row.credential_kind === 'certificate'
    ? { certificatePem: row.certificate_pem ?? '', privateKeyPem: secret }
    : { clientSecret: secret };
}

/**
 * The tenant as it would be after `patch`: the stored settings with the patch laid over them, the stored
 * credential unless the patch brings one. `checkNewTenant` on the result validates it before anything is
 * contacted or written.
 */
export function patchedTenant(row: TenantRow, credential: TenantCredential, patch: TenantPatch): NewTenant {
  const pick = (value: string | null | undefined, stored: string | null) =>
    value === undefined ? (stored ?? undefined) : (value ?? undefined);
  return {
    name: patch.name ?? row.name,
    tenantId: patch.tenantId ?? row.tenant_id,
    clientId: patch.clientId ?? row.client_id,
    credential: patch.credential ?? credential,
    cloud: patch.cloud ?? row.cloud,
    apiUrl: pick(patch.apiUrl, row.api_url),
    loginUrl: pick(patch.loginUrl, row.login_url),
    graphUrl: pick(patch.graphUrl, row.graph_url),
    proxy: pick(patch.proxy, row.proxy),
    enabled: patch.enabled ?? Number(row.enabled) === 1,
    settings: patch.settings,
  };
}

/**
 * Writes a checked tenant over a stored row. The credential is sealed again every time because the tenant
 * name is its additional authenticated data: a renamed tenant's old envelope would no longer open.
 * Returns the new view and the names of the fields that changed (for the audit record; never values of secrets).
 */
export async function updateTenant(
  db: Kysely<Database>,
  box: SecretBox,
  row: TenantRow,
  next: CheckedTenant,
  extra: { enabled?: boolean; settings?: Record<string, unknown>; credentialChanged: boolean },
  now: Date = new Date(),
): Promise<{ tenant: TenantView; changed: string[] }> {
  if (next.name !== row.name) {
    const clash = await db
      .selectFrom('tenants')
      .select('id')
      .where('name', '=', next.name)
      .executeTakeFirst();
    if (clash) throw new TenantExistsError(`a tenant named '${next.name}' already exists`);
  }
  const updated: TenantRow = {
    ...row,
    ...next.columns,
    credential_kind: next.credential.kind,
    credential_ciphertext: box.seal(next.credential.secret, next.name),
    certificate_pem: next.credential.certificatePem,
    enabled: extra.enabled === undefined ? row.enabled : extra.enabled ? 1 : 0,
    settings: extra.settings === undefined ? row.settings : JSON.stringify(extra.settings),
    updated_at: now.toISOString(),
  };
  const { id: _, created_at: __, ...columns } = updated;
  await db.updateTable('tenants').set(columns).where('id', '=', row.id).execute();
  const comparable: (keyof TenantRow)[] = [
    'name',
    'tenant_id',
    'client_id',
    'cloud',
    'api_url',
    'login_url',
    'graph_url',
    'proxy',
    'credential_kind',
    'certificate_pem',
    'enabled',
    'settings',
  ];
  const changed: string[] = comparable.filter((key) => String(row[key]) !== String(updated[key]));
  if (extra.credentialChanged && !changed.includes('credential_kind')) changed.push('credential');
  return { tenant: toView(updated), changed };
}

/**
 * The tenants table as plain functions over `Kysely<Database>` (STYLE.md 9). Credentials are write-only: they
 * go in through a `SecretBox` and nothing here gives them back (`openTenantClient` is the one reader).
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import { loadClientCertificate, resolveCloud } from '@mde-bridge/client';
import type { Kysely, Selectable } from 'kysely';
import type { SecretBox } from '../secrets/secret-box.js';
import type { BridgeTable, Database, TenantTable } from '../store/schema.js';
import { contextTenantTables } from '../store/schema-context.js';
import { detectionsTenantTables } from '../store/schema-detections.js';
import { huntingTenantTables } from '../store/schema-hunting.js';
import { profilesTenantTables } from '../store/schema-profiles.js';
import { responseTenantTables } from '../store/schema-response.js';
import { riskTenantTables } from '../store/schema-risk.js';
import { webhooksTenantTables } from '../store/schema-webhooks.js';

export type TenantRow = Selectable<TenantTable>;

export type TenantCredential = { clientSecret: string } | { certificatePem: string; privateKeyPem?: string };

export interface NewTenant {
  name: string;
  /** Entra directory (tenant) ID, a GUID. */
  tenantId: string;
  /** Application (client) ID, a GUID. */
  clientId: string;
  credential: TenantCredential;
  /** A name from the client's `cloudNames()`; default `commercial`. */
  cloud?: string;
  apiUrl?: string;
  loginUrl?: string;
  graphUrl?: string;
  proxy?: string;
  enabled?: boolean;
  isDemo?: boolean;
  settings?: Record<string, unknown>;
}

/** A tenant as shown anywhere (CLI, API, UI): every column but the credential's ciphertext. */
export interface TenantView {
  id: string;
  name: string;
  tenant_id: string;
  client_id: string;
  cloud: string;
  api_url: string | null;
  login_url: string | null;
  graph_url: string | null;
  /** With any password replaced by `***`. */
  proxy: string | null;
  credential_kind: 'secret' | 'certificate';
  /** `client secret`, or `certificate <first 16 hex digits of its SHA-256 thumbprint>`. */
  credential: string;
  /** The public certificate chain (PEM), never the key. */
  certificate_pem: string | null;
  enabled: boolean;
  is_demo: boolean;
  settings: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** Bad tenant settings (name, IDs, cloud, URLs, proxy, certificate); nothing was written. */
export class TenantInputError extends Error {
  override name = 'TenantInputError';
}

export class TenantExistsError extends Error {
  override name = 'TenantExistsError';
}

export class TenantNotFoundError extends Error {
  override name = 'TenantNotFoundError';
  constructor(
    readonly tenantName: string,
    known: string[],
  ) {
    super(
      known.length > 0
        ? `no tenant named '${tenantName}' (known tenants: ${known.join(', ')})`
        : `no tenant named '${tenantName}': no tenant is configured yet (add one with mde-bridge tenant add)`,
    );
  }
}

/**
 * Every table holding rows of one tenant (keyed by `tenant` = tenants.id). A `Record` over the schema's
 * tables so that adding a table to `Database` fails to compile until it is listed here: removing a tenant
 * must not leave its rows behind.
 */
const TENANT_SCOPED: Record<Exclude<keyof Database, BridgeTable>, true> = {
  devices: true,
  device_ips: true,
  alerts: true,
  machine_actions: true,
  isolation_states: true,
  sync_cursors: true,
  sync_runs: true,
  vulnerabilities: true,
  device_vulnerabilities: true,
  software: true,
  recommendations: true,
  scores: true,
  device_health: true,
  ...contextTenantTables,
  ...riskTenantTables,
  ...profilesTenantTables,
  ...webhooksTenantTables,
  ...responseTenantTables,
  ...detectionsTenantTables,
  ...huntingTenantTables,
};
export const tenantScopedTables = Object.keys(TENANT_SCOPED) as (keyof typeof TENANT_SCOPED)[];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Adds a tenant. Everything is validated (and the certificate checked against its key) before the secret is
 * sealed or anything is written; the tenant is not contacted (that is `test-connection`).
 */
export async function addTenant(
  db: Kysely<Database>,
  box: SecretBox,
  input: NewTenant,
  now: Date = new Date(),
): Promise<TenantView> {
  const valid = checkNewTenant(input);
  if (await findRow(db, valid.name))
    throw new TenantExistsError(`a tenant named '${valid.name}' already exists`);

  const timestamp = now.toISOString();
  const row = {
    id: randomUUID(),
    ...valid.columns,
    credential_kind: valid.credential.kind,
    credential_ciphertext: box.seal(valid.credential.secret, valid.name),
    certificate_pem: valid.credential.certificatePem,
    enabled: input.enabled === false ? 0 : 1,
    is_demo: input.isDemo ? 1 : 0,
    settings: JSON.stringify(input.settings ?? {}),
    created_at: timestamp,
    updated_at: timestamp,
  } satisfies TenantRow;
  try {
    await db.insertInto('tenants').values(row).execute();
  } catch (err) {
    // Lost a race with another `tenant add` of the same name (the unique index caught it).
    if (await findRow(db, valid.name))
      throw new TenantExistsError(`a tenant named '${valid.name}' already exists`);
    throw err;
  }
  return toView(row);
}

/** A tenant's settings checked and normalised, its credential ready to seal; nothing read or written. */
export interface CheckedTenant {
  name: string;
  columns: Pick<
    TenantRow,
    'name' | 'tenant_id' | 'client_id' | 'cloud' | 'api_url' | 'login_url' | 'graph_url' | 'proxy'
  >;
  credential: { kind: 'secret' | 'certificate'; secret: string; certificatePem: string | null };
}

/**
 * Validates a would-be tenant (name, IDs, cloud and URLs, proxy, certificate against its key) without touching
 * the store, so a caller can check input before contacting the tenant (the API's validated save).
 */
export function checkNewTenant(input: NewTenant): CheckedTenant {
  const name = input.name.trim();
  if (!NAME.test(name)) {
    throw new TenantInputError(
      `tenant name '${input.name}' must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  const tenantId = guid(input.tenantId, 'tenant ID');
  const clientId = guid(input.clientId, 'client ID');
  const cloud = (input.cloud?.trim() || 'commercial').toLowerCase();
  const urls = {
    apiUrl: blank(input.apiUrl),
    loginUrl: blank(input.loginUrl),
    graphUrl: blank(input.graphUrl),
  };
  let resolved: ReturnType<typeof resolveCloud>;
  try {
    resolved = resolveCloud({ cloud, ...urls });
  } catch (err) {
    throw new TenantInputError((err as Error).message);
  }
  const proxy = validProxy(blank(input.proxy));
  const credential = sealable(input.credential);
  return {
    name,
    columns: {
      name,
      tenant_id: tenantId,
      client_id: clientId,
      cloud: resolved.name,
      // Only what the user overrode: a named cloud's own URLs follow the client's table when it is updated.
      api_url: urls.apiUrl ? resolved.apiUrl : null,
      login_url: urls.loginUrl ? resolved.loginUrl : null,
      graph_url: urls.graphUrl ? resolved.graphUrl : null,
      proxy,
    },
    credential,
  };
}

export async function listTenants(db: Kysely<Database>): Promise<TenantView[]> {
  const rows = await db.selectFrom('tenants').selectAll().orderBy('name').execute();
  return rows.map(toView);
}

export async function getTenant(db: Kysely<Database>, name: string): Promise<TenantView> {
  return toView(await getTenantRow(db, name));
}

/** The stored row, credential ciphertext included: for `openTenantClient`, not for display. */
export async function getTenantRow(db: Kysely<Database>, name: string): Promise<TenantRow> {
  const row = await findRow(db, name);
  if (!row) throw new TenantNotFoundError(name, await tenantNames(db));
  return row;
}

/**
 * Removes a tenant and every row it owns, in one transaction; returns what was deleted per table. `also` runs
 * inside that transaction (the API's audit record commits with the removal, or neither does).
 */
export async function removeTenant(
  db: Kysely<Database>,
  name: string,
  also?: (trx: Kysely<Database>, tenant: TenantView) => Promise<void>,
): Promise<{ tenant: TenantView; deleted: Record<(typeof tenantScopedTables)[number], number> }> {
  return db.transaction().execute(async (trx) => {
    const row = await getTenantRow(trx, name);
    const deleted = {} as Record<(typeof tenantScopedTables)[number], number>;
    for (const table of tenantScopedTables) {
      // Every listed table has a `tenant` column; kysely cannot narrow a union of table names for `where`.
      const result = await trx
        .deleteFrom(table as 'devices')
        .where('tenant', '=', row.id)
        .executeTakeFirst();
      deleted[table] = Number(result.numDeletedRows);
    }
    // Endpoints seen on the network outlive the tenant: they were real hosts, now with no Defender device.
    await trx
      .updateTable('endpoints')
      .set({ managed: 0, tenant: null, device_id: null, match_by: null })
      .where('tenant', '=', row.id)
      .execute();
    await trx.deleteFrom('tenants').where('id', '=', row.id).execute();
    await also?.(trx, toView(row));
    return { tenant: toView(row), deleted };
  });
}

export async function setEnabled(
  db: Kysely<Database>,
  name: string,
  enabled: boolean,
  now: Date = new Date(),
): Promise<TenantView> {
  const row = await getTenantRow(db, name);
  const updated = { enabled: enabled ? 1 : 0, updated_at: now.toISOString() };
  await db.updateTable('tenants').set(updated).where('id', '=', row.id).execute();
  return toView({ ...row, ...updated });
}

export function toView(row: TenantRow): TenantView {
  const { credential_ciphertext: _, enabled, is_demo, settings, proxy, ...rest } = row;
  return {
    ...rest,
    proxy: proxy === null ? null : redactProxy(proxy),
    credential:
      row.credential_kind === 'certificate' && row.certificate_pem
        ? `certificate ${thumbprint(row.certificate_pem)}`
        : 'client secret',
    enabled: Number(enabled) === 1,
    is_demo: Number(is_demo) === 1,
    settings: parseSettings(settings),
  };
}

async function findRow(db: Kysely<Database>, name: string): Promise<TenantRow | undefined> {
  return db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
}

async function tenantNames(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('tenants').select('name').orderBy('name').execute();
  return rows.map((r) => r.name);
}

function sealable(credential: TenantCredential): {
  kind: 'secret' | 'certificate';
  secret: string;
  certificatePem: string | null;
} {
  if ('clientSecret' in credential) {
    if (credential.clientSecret.trim() === '') throw new TenantInputError('the client secret is empty');
    return { kind: 'secret', secret: credential.clientSecret, certificatePem: null };
  }
  try {
    const cert = loadClientCertificate(credential.certificatePem, credential.privateKeyPem);
    // Keep only the public chain in clear; the key is what gets sealed.
    return { kind: 'certificate', secret: cert.privateKey, certificatePem: `${cert.x5c.trim()}\n` };
  } catch (err) {
    throw new TenantInputError((err as Error).message);
  }
}

function guid(value: string, label: string): string {
  const v = value.trim();
  if (!GUID.test(v)) {
    throw new TenantInputError(
      `the ${label} must be a GUID like 00000000-0000-0000-0000-000000000000 (got '${value}')`,
    );
  }
  return v.toLowerCase();
}

function blank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function validProxy(proxy: string | undefined): string | null {
  if (proxy === undefined) return null;
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    throw new TenantInputError(
      `proxy '${redactProxy(proxy)}' is not a valid URL (expected http://host:port)`,
    );
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new TenantInputError(
      `proxy '${redactProxy(proxy)}' must be an http:// or https:// URL with a host`,
    );
  }
  return proxy;
}

function redactProxy(proxy: string): string {
  return proxy.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function thumbprint(pem: string): string {
  try {
    return `${new X509Certificate(pem).fingerprint256.replaceAll(':', '').slice(0, 16)}…`;
  } catch {
    return '(unreadable)';
  }
}

function parseSettings(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

import { openMigratedStore, storeUrl } from '../../config/settings.js';
import { onTenantDisabled, onTenantEnabled } from '../../profiles/profile-endpoints.js';
import { secretBox } from '../../secrets/secret-box.js';
import type { Store } from '../../store/store.js';
import {
  addTenant,
  getTenant,
  listTenants,
  removeTenant,
  setEnabled,
  TenantInputError,
  type TenantView,
} from '../../tenants/tenant-repository.js';
import { parseFlags } from '../args.js';
import {
  connectionFlagOptions,
  connectionFlagsUsage,
  connectionSettings,
  refuseSecretFlag,
} from '../credential-flags.js';
import { UsageError } from '../errors.js';

export const tenantUsage = `Usage: mde-bridge tenant <subcommand> [--db URL] [--json]

Subcommands:
  add --name N ${connectionFlagsUsage}
                      store a tenant (its secret or private key encrypted with the master key); it is not
                      contacted: check it with 'mde-bridge test-connection --tenant N'
  list                every tenant
  show NAME           one tenant (never its secret)
  remove NAME         delete a tenant and everything synced from it
  disable NAME        stop syncing and acting on a tenant, keeping its data
  enable NAME         switch it back on

NAME can also be given as --name N. The store is --db, else MDE_BRIDGE_DB, else
sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db. The master key is MDE_BRIDGE_MASTER_KEY (32 bytes,
base64 or hex), else <MDE_BRIDGE_DATA_DIR or ./data>/master.key, created on first use with mode 0600.
--json prints machine-readable JSON on stdout.
`;

const subcommands = ['add', 'list', 'show', 'remove', 'disable', 'enable'] as const;
type Subcommand = (typeof subcommands)[number];

/** `mde-bridge tenant …`: configure the Defender tenants the bridge talks to. */
export async function tenant(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [first, ...rest] = argv;
  if (!subcommands.includes(first as Subcommand)) {
    throw new UsageError(
      first ? `unknown subcommand 'tenant ${first}'` : `give a subcommand: ${subcommands.join(', ')}`,
    );
  }
  const sub = first as Subcommand;
  if (sub === 'add') return add(rest, out, env);
  const { values, positionals } = parseFlags(
    rest,
    { name: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  const json = values.json ?? false;
  if (sub === 'list') {
    if (positionals.length > 0 || values.name !== undefined)
      throw new UsageError('tenant list takes no name');
    const tenants = await withStore(values.db, env, (store) => listTenants(store.db));
    out.write(json ? `${JSON.stringify(tenants)}\n` : tenantTable(tenants));
    return 0;
  }
  const name = tenantName(positionals, values.name, sub);
  const text = await withStore(values.db, env, async (store) => {
    if (sub === 'show') {
      const view = await getTenant(store.db, name);
      return json ? JSON.stringify(view) : describe(view);
    }
    if (sub === 'remove') {
      const { tenant: removed, deleted } = await removeTenant(store.db, name);
      const counts = Object.entries(deleted).filter(([, n]) => n > 0);
      return json
        ? JSON.stringify({ removed, deleted })
        : `Removed tenant '${removed.name}'${counts.length ? ` and its rows: ${counts.map(([t, n]) => `${t} ${n}`).join(', ')}` : ''}.`;
    }
    // As through the API: disabling drops the tenant's dynamic OS profiles and re-profiles its devices by the
    // standard rules; enabling builds them again.
    const view = await store.db.transaction().execute(async (trx) => {
      const updated = await setEnabled(trx, name, sub === 'enable');
      await (updated.enabled ? onTenantEnabled : onTenantDisabled)(trx, updated.id);
      return updated;
    });
    return json ? JSON.stringify(view) : `Tenant '${view.name}' ${view.enabled ? 'enabled' : 'disabled'}.`;
  });
  out.write(`${text}\n`);
  return 0;
}

async function add(argv: string[], out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<number> {
  refuseSecretFlag(argv);
  const { values } = parseFlags(argv, {
    ...connectionFlagOptions,
    name: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.name?.trim()) throw new UsageError('--name is required');
  const settings = connectionSettings(values, env);
  const view = await withStore(values.db, env, async (store) => {
    try {
      return await addTenant(store.db, secretBox(env), { name: values.name as string, ...settings });
    } catch (err) {
      // Bad flag values (a non-GUID ID, an unknown cloud, a URL that is not an origin) are usage errors.
      if (err instanceof TenantInputError) throw new UsageError(err.message);
      throw err;
    }
  });
  out.write(
    values.json
      ? `${JSON.stringify(view)}\n`
      : `Added tenant '${view.name}' (${view.cloud} cloud, ${view.credential}). It has not been contacted: run mde-bridge test-connection --tenant ${view.name}\n`,
  );
  return 0;
}

async function withStore<T>(
  db: string | undefined,
  env: NodeJS.ProcessEnv,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openMigratedStore(storeUrl(db, env));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function tenantName(positionals: string[], flag: string | undefined, sub: Subcommand): string {
  const names = [...positionals, ...(flag === undefined ? [] : [flag])];
  if (names.length !== 1 || names[0].trim() === '') {
    throw new UsageError(`tenant ${sub} needs exactly one tenant name (tenant ${sub} NAME)`);
  }
  return names[0].trim();
}

function tenantTable(tenants: TenantView[]): string {
  if (tenants.length === 0) return 'No tenants. Add one with: mde-bridge tenant add --name N …\n';
  const header = ['NAME', 'ENABLED', 'CLOUD', 'TENANT ID', 'CLIENT ID', 'CREDENTIAL'];
  const rows = tenants.map((t) => [
    t.name + (t.is_demo ? ' (demo)' : ''),
    t.enabled ? 'yes' : 'no',
    t.cloud,
    t.tenant_id,
    t.client_id,
    t.credential,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return `${[header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function describe(t: TenantView): string {
  const fields: [string, string | null][] = [
    ['Name', t.name + (t.is_demo ? ' (demo)' : '')],
    ['Enabled', t.enabled ? 'yes' : 'no'],
    ['Tenant ID', t.tenant_id],
    ['Client ID', t.client_id],
    ['Credential', t.credential],
    ['Cloud', t.cloud],
    ['API URL', t.api_url],
    ['Login URL', t.login_url],
    ['Graph URL', t.graph_url],
    ['Proxy', t.proxy],
    ['Created', t.created_at],
    ['Updated', t.updated_at],
  ];
  return fields
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k.padEnd(11)} ${v}`)
    .join('\n');
}

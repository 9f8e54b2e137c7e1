import { appendAudit } from '../../audit/audit-log.js';
import {
  type ApiTokenView,
  createApiToken,
  findApiToken,
  listApiTokens,
  MAX_EXPIRES_IN_DAYS,
  revokeApiToken,
} from '../../auth/api-tokens.js';
import { cliActor, roleArgument, table, withAccessStore } from '../access-cli.js';
import { intFlag, parseFlags } from '../args.js';
import { CliError, UsageError } from '../errors.js';

export const tokensUsage = `Usage: mde-bridge tokens <subcommand> [--db URL] [--json]

Subcommands:
  create --name N --role ROLE [--expires-in-days D]
                      issue an API token (Authorization: Bearer mdeb_…); it is printed once and never again
  list                every token (never the secret)
  revoke NAME_OR_ID   stop a token from working at once

ROLE is a role id or name (see 'mde-bridge roles list').
`;

const subcommands = ['create', 'list', 'revoke'] as const;
type Subcommand = (typeof subcommands)[number];

/** `mde-bridge tokens …`: API tokens for integrations. */
export async function tokens(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [first, ...rest] = argv;
  if (!subcommands.includes(first as Subcommand)) {
    throw new UsageError(
      first ? `unknown subcommand 'tokens ${first}'` : `give a subcommand: ${subcommands.join(', ')}`,
    );
  }
  const { values, positionals } = parseFlags(
    rest,
    {
      name: { type: 'string' },
      role: { type: 'string' },
      'expires-in-days': { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  const json = values.json ?? false;
  if (first === 'create') {
    if (positionals.length > 0) throw new UsageError('tokens create takes flags only (--name N --role ROLE)');
    if (!values.name?.trim()) throw new UsageError('--name is required');
    const days =
      values['expires-in-days'] === undefined
        ? undefined
        : intFlag(values['expires-in-days'], 'expires-in-days', 1, MAX_EXPIRES_IN_DAYS, 0);
    const created = await withAccessStore(values.db, env, async (store) => {
      const role = await roleArgument(store, values.role);
      const result = await createApiToken(store.db, {
        name: values.name as string,
        roleId: role.id,
        expiresInDays: days,
        createdBy: 'cli',
      });
      const { apiToken } = result;
      await appendAudit(store.db, {
        ...cliActor(),
        action: 'token.created',
        target: apiToken.name,
        detail: {
          id: apiToken.id,
          prefix: apiToken.prefix,
          roleId: apiToken.roleId,
          expiresAt: apiToken.expiresAt,
        },
      });
      return result;
    });
    out.write(
      json
        ? `${JSON.stringify(created)}\n`
        : `Created API token '${created.apiToken.name}' (${created.apiToken.roleName}${created.apiToken.expiresAt ? `, expires ${created.apiToken.expiresAt}` : ''}).\nIt is shown once; store it now:\n${created.token}\n`,
    );
    return 0;
  }
  if (first === 'list') {
    if (positionals.length > 0) throw new UsageError('tokens list takes no argument');
    const list = await withAccessStore(values.db, env, (store) => listApiTokens(store.db));
    out.write(json ? `${JSON.stringify(list)}\n` : tokensTable(list));
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('tokens revoke needs exactly one token name or id');
  const revoked = await withAccessStore(values.db, env, async (store) => {
    const found = await findApiToken(store.db, positionals[0]);
    if (!found) throw new CliError(`no active API token '${positionals[0]}'; see 'mde-bridge tokens list'`);
    const result = await revokeApiToken(store.db, found.id);
    await appendAudit(store.db, {
      ...cliActor(),
      action: 'token.revoked',
      target: result.name,
      detail: { id: result.id, prefix: result.prefix },
    });
    return result;
  });
  out.write(
    json ? `${JSON.stringify(revoked)}\n` : `Revoked API token '${revoked.name}' (${revoked.prefix}…).\n`,
  );
  return 0;
}

function tokensTable(list: ApiTokenView[]): string {
  if (list.length === 0)
    return 'No API tokens. Create one with: mde-bridge tokens create --name N --role ROLE\n';
  return table(
    ['NAME', 'PREFIX', 'ROLE', 'CREATED', 'EXPIRES', 'LAST USED', 'STATE'],
    list.map((t) => [
      t.name,
      `${t.prefix}…`,
      t.roleName,
      t.createdAt,
      t.expiresAt ?? 'never',
      t.lastUsedAt ?? 'never',
      t.revokedAt ? 'revoked' : 'active',
    ]),
  );
}

import { listRoles } from '../../auth/roles.js';
import { table, withAccessStore } from '../access-cli.js';
import { parseFlags } from '../args.js';
import { UsageError } from '../errors.js';

export const rolesUsage = `Usage: mde-bridge roles list [--db URL] [--json]

Lists the roles (built-in and custom) with their permissions and device groups. Roles are edited in the web UI
or through the API (POST/PATCH/DELETE /api/v1/roles).
`;

/** `mde-bridge roles list`. */
export async function roles(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first !== 'list')
    throw new UsageError(first ? `unknown subcommand 'roles ${first}'` : 'give a subcommand: list');
  const { values, positionals } = parseFlags(
    rest,
    { db: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  if (positionals.length > 0) throw new UsageError('roles list takes no argument');
  const list = await withAccessStore(values.db, env, (store) => listRoles(store.db));
  out.write(
    values.json
      ? `${JSON.stringify(list)}\n`
      : table(
          ['ID', 'NAME', 'BUILT-IN', 'DEVICE GROUPS', 'PERMISSIONS'],
          list.map((r) => [
            r.id,
            r.name,
            r.builtin ? 'yes' : 'no',
            r.deviceGroups === null ? 'all' : r.deviceGroups.join(', ') || 'none',
            r.permissions.join(', '),
          ]),
        ),
  );
  return 0;
}

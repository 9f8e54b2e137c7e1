import { appendAudit } from '../../audit/audit-log.js';
import { randomPassword } from '../../auth/passwords.js';
import { createUser, findUser, listUsers, type UserView, updateUser } from '../../auth/users.js';
import {
  cliActor,
  passwordFlagOptions,
  passwordFromFlags,
  refuseSecretFlags,
  roleArgument,
  table,
  withAccessStore,
} from '../access-cli.js';
import { parseFlags } from '../args.js';
import { CliError, UsageError } from '../errors.js';

export const usersUsage = `Usage: mde-bridge users <subcommand> [--db URL]

Subcommands:
  add --username U --role ROLE [--display-name D] [--password-env VAR | --password-file F] [--json]
                      create a user; without a password flag a random password is printed once
  list [--json]       every user
  passwd U [--password-env VAR | --password-file F]
                      set a user's password (random and printed once without a flag); ends their sessions
  disable U           stop a user from signing in and end their sessions
  enable U            let them sign in again

ROLE is a role id or name (see 'mde-bridge roles list'). A password is never taken as a flag value (it would
land in shell history). The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
`;

const subcommands = ['add', 'list', 'passwd', 'disable', 'enable'] as const;
type Subcommand = (typeof subcommands)[number];

/** `mde-bridge users …`: the bridge's own user accounts. */
export async function users(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [first, ...rest] = argv;
  if (!subcommands.includes(first as Subcommand)) {
    throw new UsageError(
      first ? `unknown subcommand 'users ${first}'` : `give a subcommand: ${subcommands.join(', ')}`,
    );
  }
  refuseSecretFlags(rest, ['password']);
  const sub = first as Subcommand;
  const { values, positionals } = parseFlags(
    rest,
    {
      ...passwordFlagOptions,
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  const json = values.json ?? false;
  if (sub === 'add') {
    if (positionals.length > 0) throw new UsageError('users add takes flags only (--username U --role ROLE)');
    if (!values.username) throw new UsageError('--username is required');
    const given = passwordFromFlags(values, env);
    const password = given ?? randomPassword();
    const user = await withAccessStore(values.db, env, async (store) => {
      const role = await roleArgument(store, values.role);
      const created = await createUser(store.db, {
        username: values.username as string,
        password,
        roleId: role.id,
        displayName: values['display-name'],
      });
      await appendAudit(store.db, {
        ...cliActor(),
        action: 'user.created',
        target: created.username,
        detail: { id: created.id, roleId: created.roleId },
      });
      return created;
    });
    const shown = given === null ? password : undefined;
    if (json) out.write(`${JSON.stringify(shown ? { user, password: shown } : { user })}\n`);
    else {
      out.write(`Added user '${user.username}' (${user.roleName}).\n`);
      if (shown) out.write(`Password (shown once, not stored anywhere readable): ${shown}\n`);
    }
    return 0;
  }
  if (sub === 'list') {
    if (positionals.length > 0) throw new UsageError('users list takes no argument');
    const list = await withAccessStore(values.db, env, (store) => listUsers(store.db));
    out.write(json ? `${JSON.stringify(list)}\n` : usersTable(list));
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`users ${sub} needs exactly one user name (users ${sub} U)`);
  const name = positionals[0];
  if (sub === 'passwd') {
    const given = passwordFromFlags(values, env);
    const password = given ?? randomPassword();
    const user = await withAccessStore(values.db, env, async (store) => {
      const found = await mustFindUser(store.db, name);
      const updated = await updateUser(store.db, found.id, { password });
      await appendAudit(store.db, { ...cliActor(), action: 'password.changed', target: updated.username });
      return updated;
    });
    out.write(`Password of '${user.username}' changed; their sessions ended.\n`);
    if (given === null) out.write(`New password (shown once): ${password}\n`);
    return 0;
  }
  const disabled = sub === 'disable';
  const user = await withAccessStore(values.db, env, async (store) => {
    const found = await mustFindUser(store.db, name);
    const updated = await updateUser(store.db, found.id, { disabled });
    if (found.disabled !== disabled) {
      await appendAudit(store.db, {
        ...cliActor(),
        action: disabled ? 'user.disabled' : 'user.enabled',
        target: updated.username,
      });
    }
    return updated;
  });
  out.write(
    json ? `${JSON.stringify(user)}\n` : `User '${user.username}' ${disabled ? 'disabled' : 'enabled'}.\n`,
  );
  return 0;
}

async function mustFindUser(db: Parameters<typeof findUser>[0], name: string): Promise<UserView> {
  const user = await findUser(db, name);
  if (!user) throw new CliError(`no user '${name}'; see 'mde-bridge users list'`);
  return user;
}

function usersTable(list: UserView[]): string {
  if (list.length === 0) return 'No users. Add one with: mde-bridge users add --username U --role ROLE\n';
  return table(
    ['USERNAME', 'DISPLAY NAME', 'ROLE', 'ENABLED', 'LAST LOGIN'],
    list.map((u) => [
      u.username,
      u.displayName,
      u.roleName,
      u.disabled ? 'no' : 'yes',
      u.lastLoginAt ?? 'never',
    ]),
  );
}

/** What the `users`, `roles` and `tokens` commands share: the store, who is acting, roles and passwords from flags. */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { AccessConflictError, AccessInputError, AccessNotFoundError } from '../auth/access-errors.js';
import { PasswordPolicyError } from '../auth/passwords.js';
import { ensureBuiltinRoles, findRole, type RoleView } from '../auth/roles.js';
import { openMigratedStore, storeUrl } from '../config/settings.js';
import type { Store } from '../store/store.js';
import { CliError, UsageError } from './errors.js';

export const passwordFlagOptions = {
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
} as const;

/** Opens the store with the built-in roles present; access errors become plain CLI errors. */
export async function withAccessStore<T>(
  db: string | undefined,
  env: NodeJS.ProcessEnv,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openMigratedStore(storeUrl(db, env));
  try {
    await ensureBuiltinRoles(store.db);
    return await fn(store);
  } catch (err) {
    if (err instanceof AccessInputError || err instanceof PasswordPolicyError)
      throw new UsageError(err.message);
    if (err instanceof AccessConflictError || err instanceof AccessNotFoundError)
      throw new CliError(err.message);
    throw err;
  } finally {
    await store.close();
  }
}

/** CLI changes are audited as the operating-system user who ran the command. */
export function cliActor(): Pick<AuditEntryInput, 'actorKind' | 'actor'> {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    // Containers may run under a uid with no passwd entry.
    name = process.env.USER || 'unknown';
  }
  return { actorKind: 'cli', actor: name };
}

/** ROLE as a role id or name (any case). */
export async function roleArgument(
  store: Store,
  value: string | undefined,
  flag = '--role',
): Promise<RoleView> {
  if (!value?.trim())
    throw new UsageError(`${flag} is required (a role id or name: see 'mde-bridge roles list')`);
  const role = await findRole(store.db, value.trim());
  if (!role) throw new UsageError(`no role '${value}' (${flag}); see 'mde-bridge roles list'`);
  return role;
}

/** Refuses a secret given as a flag value before parsing: it would land in shell history. */
export function refuseSecretFlags(argv: string[], names: string[]): void {
  for (const name of names) {
    if (argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`))) {
      throw new UsageError(
        `--${name} is not accepted (it would land in shell history); use --password-env VAR or --password-file F`,
      );
    }
  }
}

/** The password from --password-env / --password-file, or null when neither was given. */
export function passwordFromFlags(
  values: { 'password-env'?: string; 'password-file'?: string },
  env: NodeJS.ProcessEnv,
): string | null {
  const envName = values['password-env'];
  const file = values['password-file'];
  if (envName !== undefined && file !== undefined)
    throw new UsageError('give --password-env or --password-file, not both');
  if (envName !== undefined) {
    const value = env[envName];
    if (!value)
      throw new UsageError(`environment variable ${envName} (from --password-env) is not set or empty`);
    return value;
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read ${file} (from --password-file): ${(err as NodeJS.ErrnoException).code ?? ''}`,
      );
    }
    // One trailing newline is what `echo` and editors add, not part of the password.
    const value = text.replace(/\r?\n$/, '');
    if (!value) throw new UsageError(`${file} (from --password-file) is empty`);
    return value;
  }
  return null;
}

/** A plain-text table: a header and left-aligned columns. */
export function table(header: string[], rows: string[][]): string {
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

/**
 * Users as plain functions over the store. The password hash never leaves this module: every reader gets a
 * `UserView`.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, UserTable } from '../store/schema.js';
import { AccessConflictError, AccessInputError, AccessNotFoundError } from './access-errors.js';
import { hashPassword, PasswordPolicyError, randomPassword } from './passwords.js';
import { ensureBuiltinRoles, findRole, getRole } from './roles.js';

/** A user as the API, the CLI and the UI show it (the contract's `User`). */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roleId: string;
  roleName: string;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface NewUser {
  username: string;
  password: string;
  roleId: string;
  displayName?: string;
}

export interface UserPatch {
  roleId?: string;
  displayName?: string;
  disabled?: boolean;
  password?: string;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
export const BOOTSTRAP_USERNAME = 'admin';

function usersWithRole(db: Kysely<Database>) {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'users.id as id',
      'users.username as username',
      'users.display_name as displayName',
      'users.role_id as roleId',
      'roles.name as roleName',
      'users.disabled as disabled',
      'users.created_at as createdAt',
      'users.last_login_at as lastLoginAt',
    ]);
}

type UserRow = Awaited<ReturnType<ReturnType<typeof usersWithRole>['executeTakeFirstOrThrow']>>;

function toUserView(row: UserRow): UserView {
  return { ...row, disabled: Number(row.disabled) === 1 };
}

export async function listUsers(db: Kysely<Database>): Promise<UserView[]> {
  return (await usersWithRole(db).orderBy('users.username').execute()).map(toUserView);
}

export async function getUser(db: Kysely<Database>, id: string): Promise<UserView> {
  const row = await usersWithRole(db).where('users.id', '=', id).executeTakeFirst();
  if (!row) throw new AccessNotFoundError(`user '${id}' not found`);
  return toUserView(row);
}

/** A user by id or by user name (ignoring case); null when there is none. */
export async function findUser(db: Kysely<Database>, idOrUsername: string): Promise<UserView | null> {
  const row =
    (await usersWithRole(db).where('users.id', '=', idOrUsername).executeTakeFirst()) ??
    (await usersWithRole(db)
      .where(sql<string>`lower(users.username)`, '=', idOrUsername.toLowerCase())
      .executeTakeFirst());
  return row ? toUserView(row) : null;
}

export async function createUser(
  db: Kysely<Database>,
  input: NewUser,
  now: Date = new Date(),
): Promise<UserView> {
  const username = input.username;
  if (!USERNAME_PATTERN.test(username)) {
    throw new AccessInputError(
      'the user name must be 1 to 64 characters: letters, digits, dot, underscore, @ or hyphen',
      'username',
    );
  }
  const displayName = checkDisplayName(input.displayName ?? '');
  const passwordHash = await hashNew(input.password);
  return db.transaction().execute(async (trx) => {
    await checkRoleExists(trx, input.roleId);
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where(sql<string>`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
    if (taken) throw new AccessConflictError(`a user named '${username}' already exists`);
    const id = randomUUID();
    const at = now.toISOString();
    await trx
      .insertInto('users')
      .values({
        id,
        username,
        display_name: displayName,
        password_hash: passwordHash,
        role_id: input.roleId,
        disabled: 0,
        created_at: at,
        updated_at: at,
        last_login_at: null,
      })
      .execute();
    return getUser(trx, id);
  });
}

/**
 * Changes a user. Disabling or a new password ends the user's sessions (a stolen cookie stops working), except
 * `keepSession` (the SHA-256 of the caller's own session, when users change their own password). Removing the
 * last enabled user who can manage users is refused (409): nobody could undo it.
 */
export async function updateUser(
  db: Kysely<Database>,
  id: string,
  patch: UserPatch,
  now: Date = new Date(),
  keepSession?: string,
): Promise<UserView> {
  const displayName = patch.displayName === undefined ? undefined : checkDisplayName(patch.displayName);
  const passwordHash = patch.password === undefined ? undefined : await hashNew(patch.password);
  return db.transaction().execute(async (trx) => {
    const before = await getUser(trx, id);
    const set: Partial<UserTable> = { updated_at: now.toISOString() };
    if (patch.roleId !== undefined) {
      await checkRoleExists(trx, patch.roleId);
      set.role_id = patch.roleId;
    }
    if (displayName !== undefined) set.display_name = displayName;
    if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
    if (passwordHash !== undefined) set.password_hash = passwordHash;
    await trx.updateTable('users').set(set).where('id', '=', id).execute();
    const demoted = patch.roleId !== undefined && patch.roleId !== before.roleId;
    if ((demoted || patch.disabled) && !before.disabled) await refuseNoManagerLeft(trx, before);
    if (patch.disabled || passwordHash !== undefined) {
      let sessions = trx.deleteFrom('sessions').where('user_id', '=', id);
      if (keepSession && !patch.disabled) sessions = sessions.where('token_hash', '!=', keepSession);
      await sessions.execute();
    }
    return getUser(trx, id);
  });
}

/** The stored hash, for login only. */
export async function passwordHashOf(
  db: Kysely<Database>,
  username: string,
): Promise<{ id: string; passwordHash: string; disabled: boolean } | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'disabled'])
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
  return row ? { id: row.id, passwordHash: row.password_hash, disabled: Number(row.disabled) === 1 } : null;
}

/**
 * First start: when there is no user at all, creates `admin` (Super Admin) with the given password or a random
 * one, returned only when generated so the caller prints it once. Otherwise changes nothing.
 */
export async function bootstrapAdmin(
  db: Kysely<Database>,
  options: { password?: string; now?: Date } = {},
): Promise<{ created: boolean; username: typeof BOOTSTRAP_USERNAME; password?: string }> {
  const now = options.now ?? new Date();
  await ensureBuiltinRoles(db, now);
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return { created: false, username: BOOTSTRAP_USERNAME };
  const password = options.password ?? randomPassword();
  await createUser(
    db,
    { username: BOOTSTRAP_USERNAME, password, roleId: 'super-admin', displayName: 'Administrator' },
    now,
  );
  return options.password === undefined
    ? { created: true, username: BOOTSTRAP_USERNAME, password }
    : { created: true, username: BOOTSTRAP_USERNAME };
}

async function hashNew(password: string): Promise<string> {
  try {
    return await hashPassword(password);
  } catch (err) {
    if (err instanceof PasswordPolicyError) throw new AccessInputError(err.message, 'password');
    throw err;
  }
}

async function checkRoleExists(db: Kysely<Database>, roleId: string): Promise<void> {
  try {
    await getRole(db, roleId);
  } catch {
    const byName = await findRole(db, roleId);
    const hint = byName ? ` (did you mean the id '${byName.id}'?)` : '';
    throw new AccessInputError(`role '${roleId}' does not exist${hint}`, 'roleId');
  }
}

async function refuseNoManagerLeft(db: Kysely<Database>, before: UserView): Promise<void> {
  if (!(await getRole(db, before.roleId)).permissions.includes('users.manage')) return;
  const rows = await db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['roles.permissions'])
    .where('users.disabled', '=', 0)
    .execute();
  const managers = rows.filter((r) => (JSON.parse(r.permissions) as string[]).includes('users.manage'));
  if (managers.length === 0) {
    throw new AccessConflictError(
      `this would leave no enabled user who can manage users ('${before.username}' is the last one)`,
    );
  }
}

function checkDisplayName(value: string): string {
  const name = value.trim();
  if (name.length > 128 || /[\u0000-\u001f]/.test(name)) {
    throw new AccessInputError('the display name must be at most 128 printable characters', 'displayName');
  }
  return name;
}

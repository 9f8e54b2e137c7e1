/**
 * Roles as plain functions over the store (STYLE.md 9). Built-in roles are defined in code (permissions.ts)
 * and mirrored into the table, so users and tokens can reference them by a stable id.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, RoleTable } from '../store/schema.js';
import { AccessConflictError, AccessInputError, AccessNotFoundError } from './access-errors.js';
import { builtinRoles, isPermission, type Permission, Permissions } from './permissions.js';

/** A role as the API, the CLI and the UI show it (the contract's `Role`). */
export interface RoleView {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  permissions: Permission[];
  /** Defender device group names the role is limited to; null = every device group. */
  deviceGroups: string[] | null;
}

export interface RoleInput {
  name: string;
  description?: string;
  permissions: string[];
  deviceGroups?: string[] | null;
}

const MAX_NAME = 64;
const MAX_GROUP = 256;

export function toRoleView(row: Selectable<RoleTable>): RoleView {
  // Permissions dropped from the code since the row was written are ignored rather than granted.
  const permissions = (JSON.parse(row.permissions) as string[]).filter(isPermission);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    builtin: row.builtin === 1,
    permissions: Permissions.filter((p) => permissions.includes(p)),
    deviceGroups: row.device_groups === null ? null : (JSON.parse(row.device_groups) as string[]),
  };
}

/**
 * Inserts the built-in roles that are missing and resets the permissions of those present to the code's, so an
 * upgrade that adds a permission reaches Super Admin without a migration. Safe to run on every start.
 */
export async function ensureBuiltinRoles(db: Kysely<Database>, now: Date = new Date()): Promise<void> {
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    for (const role of builtinRoles) {
      const permissions = JSON.stringify(role.permissions);
      const existing = await trx.selectFrom('roles').selectAll().where('id', '=', role.id).executeTakeFirst();
      if (!existing) {
        await trx
          .insertInto('roles')
          .values({
            id: role.id,
            name: role.name,
            description: role.description,
            builtin: 1,
            permissions,
            device_groups: null,
            created_at: at,
            updated_at: at,
          })
          .execute();
      } else if (
        existing.permissions !== permissions ||
        existing.builtin !== 1 ||
        existing.device_groups !== null ||
        existing.name !== role.name ||
        existing.description !== role.description
      ) {
        await trx
          .updateTable('roles')
          .set({
            name: role.name,
            description: role.description,
            builtin: 1,
            permissions,
            device_groups: null,
            updated_at: at,
          })
          .where('id', '=', role.id)
          .execute();
      }
    }
  });
}

export async function listRoles(db: Kysely<Database>): Promise<RoleView[]> {
  const rows = await db.selectFrom('roles').selectAll().orderBy('builtin', 'desc').orderBy('name').execute();
  // Built-ins in the code's order (most to least powerful), then custom roles by name.
  const order = builtinRoles.map((r) => r.id);
  return rows
    .map(toRoleView)
    .sort((a, b) => rank(order, a.id) - rank(order, b.id) || a.name.localeCompare(b.name));
}

function rank(order: string[], id: string): number {
  const i = order.indexOf(id);
  return i === -1 ? order.length : i;
}

export async function getRole(db: Kysely<Database>, id: string): Promise<RoleView> {
  const row = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AccessNotFoundError(`role '${id}' not found`);
  return toRoleView(row);
}

/** A role by id, or by name ignoring case (the CLI's ROLE argument); null when there is none. */
export async function findRole(db: Kysely<Database>, idOrName: string): Promise<RoleView | null> {
  const row =
    (await db.selectFrom('roles').selectAll().where('id', '=', idOrName).executeTakeFirst()) ??
    (await db
      .selectFrom('roles')
      .selectAll()
      .where(sql<string>`lower(name)`, '=', idOrName.trim().toLowerCase())
      .executeTakeFirst());
  return row ? toRoleView(row) : null;
}

export async function createRole(
  db: Kysely<Database>,
  input: RoleInput,
  now: Date = new Date(),
): Promise<RoleView> {
  const name = checkName(input.name);
  const permissions = checkPermissions(input.permissions);
  const deviceGroups = checkDeviceGroups(input.deviceGroups ?? null);
  const description = checkDescription(input.description ?? '');
  return db.transaction().execute(async (trx) => {
    await refuseTakenName(trx, name, null);
    const id = randomUUID();
    const at = now.toISOString();
    await trx
      .insertInto('roles')
      .values({
        id,
        name,
        description,
        builtin: 0,
        permissions: JSON.stringify(permissions),
        device_groups: deviceGroups === null ? null : JSON.stringify(deviceGroups),
        created_at: at,
        updated_at: at,
      })
      .execute();
    return getRole(trx, id);
  });
}

/** Changes a custom role; built-in roles are defined by the code and refused (409). */
export async function updateRole(
  db: Kysely<Database>,
  id: string,
  patch: Partial<RoleInput>,
  now: Date = new Date(),
): Promise<RoleView> {
  return db.transaction().execute(async (trx) => {
    const current = await getRole(trx, id);
    if (current.builtin)
      throw new AccessConflictError(`'${current.name}' is a built-in role and cannot be changed`);
    const set: Partial<RoleTable> = { updated_at: now.toISOString() };
    if (patch.name !== undefined) {
      set.name = checkName(patch.name);
      await refuseTakenName(trx, set.name, id);
    }
    if (patch.description !== undefined) set.description = checkDescription(patch.description);
    if (patch.permissions !== undefined)
      set.permissions = JSON.stringify(checkPermissions(patch.permissions));
    if (patch.deviceGroups !== undefined) {
      const groups = checkDeviceGroups(patch.deviceGroups);
      set.device_groups = groups === null ? null : JSON.stringify(groups);
    }
    await trx.updateTable('roles').set(set).where('id', '=', id).execute();
    return getRole(trx, id);
  });
}

/** Deletes a custom role nobody uses: a user or a token (even revoked, which keeps its history) still
 * referencing it makes this a 409. */
export async function deleteRole(db: Kysely<Database>, id: string): Promise<RoleView> {
  return db.transaction().execute(async (trx) => {
    const role = await getRole(trx, id);
    if (role.builtin)
      throw new AccessConflictError(`'${role.name}' is a built-in role and cannot be deleted`);
    const users = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('role_id', '=', id)
      .executeTakeFirstOrThrow();
    const tokens = await trx
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('role_id', '=', id)
      .executeTakeFirstOrThrow();
    if (Number(users.n) > 0 || Number(tokens.n) > 0) {
      throw new AccessConflictError(
        `role '${role.name}' is still used by ${Number(users.n)} user(s) and ${Number(tokens.n)} API token(s)`,
      );
    }
    await trx.deleteFrom('roles').where('id', '=', id).execute();
    return role;
  });
}

async function refuseTakenName(db: Kysely<Database>, name: string, exceptId: string | null): Promise<void> {
  let query = db.selectFrom('roles').select('id').where(sql<string>`lower(name)`, '=', name.toLowerCase());
  if (exceptId) query = query.where('id', '!=', exceptId);
  if (await query.executeTakeFirst()) throw new AccessConflictError(`a role named '${name}' already exists`);
}

function checkName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > MAX_NAME) {
    throw new AccessInputError(`the role name must be 1 to ${MAX_NAME} characters`, 'name');
  }
  return name;
}

function checkDescription(value: string): string {
  if (value.length > 1000)
    throw new AccessInputError('the description must be at most 1000 characters', 'description');
  return value.trim();
}

function checkPermissions(values: string[]): Permission[] {
  const unknown = values.filter((v) => !isPermission(v));
  if (unknown.length > 0) {
    throw new AccessInputError(
      `unknown permission '${unknown[0]}'; known: ${Permissions.join(', ')}`,
      'permissions',
    );
  }
  return Permissions.filter((p) => values.includes(p));
}

function checkDeviceGroups(values: string[] | null): string[] | null {
  if (values === null) return null;
  const groups = [...new Set(values.map((v) => v.trim()))];
  if (groups.some((g) => g.length === 0 || g.length > MAX_GROUP || /[\u0000-\u001f]/.test(g))) {
    throw new AccessInputError(
      `device group names must be 1 to ${MAX_GROUP} printable characters`,
      'deviceGroups',
    );
  }
  return groups.sort();
}

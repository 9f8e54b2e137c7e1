/**
 * API tokens for integrations: `mdeb_` + 32 random bytes, shown once. The store keeps the SHA-256 and the
 * first characters (to recognise a token in a list); a token carries its own role, may expire, and is revoked
 * rather than deleted so the audit trail keeps its name.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { AccessConflictError, AccessInputError, AccessNotFoundError } from './access-errors.js';
import { API_TOKEN_PREFIX, type Principal } from './principal.js';
import { principalForRole } from './principal-for-role.js';
import { getRole } from './roles.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

/** The contract's `ApiToken`: never the token or its hash. */
export interface ApiTokenView {
  id: string;
  name: string;
  /** The first characters, e.g. `mdeb_Xy3k9aB`. */
  prefix: string;
  roleId: string;
  roleName: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface NewApiToken {
  name: string;
  roleId: string;
  /** Days until it stops working; absent = never. */
  expiresInDays?: number;
  /** The user name that issued it, or `cli`. */
  createdBy: string;
}

export const TOKEN_DISPLAY_PREFIX_LENGTH = 12;
export const MAX_EXPIRES_IN_DAYS = 3650;
/** `last_used_at` is written at most this often: a busy integration must not mean one write per call. */
const TOUCH_EVERY_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function tokensWithRole(db: Kysely<Database>) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('roles', 'roles.id', 'api_tokens.role_id')
    .select([
      'api_tokens.id as id',
      'api_tokens.name as name',
      'api_tokens.prefix as prefix',
      'api_tokens.role_id as roleId',
      'roles.name as roleName',
      'api_tokens.created_by as createdBy',
      'api_tokens.created_at as createdAt',
      'api_tokens.expires_at as expiresAt',
      'api_tokens.last_used_at as lastUsedAt',
      'api_tokens.revoked_at as revokedAt',
    ]);
}

export async function listApiTokens(db: Kysely<Database>): Promise<ApiTokenView[]> {
  return tokensWithRole(db).orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.name').execute();
}

export async function getApiToken(db: Kysely<Database>, id: string): Promise<ApiTokenView> {
  const row = await tokensWithRole(db).where('api_tokens.id', '=', id).executeTakeFirst();
  if (!row) throw new AccessNotFoundError(`API token '${id}' not found`);
  return row;
}

/** A token by id, else the one not revoked with that name (names are unique among active tokens). */
export async function findApiToken(db: Kysely<Database>, idOrName: string): Promise<ApiTokenView | null> {
  return (
    (await tokensWithRole(db).where('api_tokens.id', '=', idOrName).executeTakeFirst()) ??
    (await tokensWithRole(db)
      .where('api_tokens.name', '=', idOrName)
      .where('api_tokens.revoked_at', 'is', null)
      .executeTakeFirst()) ??
    null
  );
}

/** Issues a token; `token` is the only copy of the secret anywhere. */
export async function createApiToken(
  db: Kysely<Database>,
  input: NewApiToken,
  now: Date = new Date(),
): Promise<{ token: string; apiToken: ApiTokenView }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 64 || /[\u0000-\u001f]/.test(name)) {
    throw new AccessInputError('the token name must be 1 to 64 printable characters', 'name');
  }
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRES_IN_DAYS)) {
    throw new AccessInputError(
      `expiresInDays must be an integer from 1 to ${MAX_EXPIRES_IN_DAYS}`,
      'expiresInDays',
    );
  }
  return db.transaction().execute(async (trx) => {
    try {
      await getRole(trx, input.roleId);
    } catch {
      throw new AccessInputError(`role '${input.roleId}' does not exist`, 'roleId');
    }
    const taken = await trx
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (taken) throw new AccessConflictError(`an active API token named '${name}' already exists`);
    const token = newSecretToken(API_TOKEN_PREFIX);
    const id = randomUUID();
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        name,
        token_hash: hashSecretToken(token),
        prefix: token.slice(0, TOKEN_DISPLAY_PREFIX_LENGTH),
        role_id: input.roleId,
        created_by: input.createdBy,
        created_at: now.toISOString(),
        expires_at: days === undefined ? null : new Date(now.getTime() + days * DAY_MS).toISOString(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return { token, apiToken: await getApiToken(trx, id) };
  });
}

/** Revokes a token (idempotent: an already revoked one keeps its first `revokedAt`). */
export async function revokeApiToken(
  db: Kysely<Database>,
  id: string,
  now: Date = new Date(),
): Promise<ApiTokenView> {
  await getApiToken(db, id);
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return getApiToken(db, id);
}

/** The token's caller, or null when it is unknown, revoked or expired. */
export async function resolveApiToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<Principal | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('roles', 'roles.id', 'api_tokens.role_id')
    .selectAll('roles')
    .select([
      'api_tokens.id as tokenId',
      'api_tokens.name as tokenName',
      'api_tokens.expires_at as expiresAt',
      'api_tokens.last_used_at as lastUsedAt',
      'api_tokens.revoked_at as revokedAt',
    ])
    .where('api_tokens.token_hash', '=', hashSecretToken(token))
    .executeTakeFirst();
  if (!row || row.revokedAt !== null) return null;
  if (row.expiresAt !== null && Date.parse(row.expiresAt) <= now.getTime()) return null;
  if (row.lastUsedAt === null || now.getTime() - Date.parse(row.lastUsedAt) >= TOUCH_EVERY_MS) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.tokenId)
      .execute();
  }
  return principalForRole('token', row.tokenId, row.tokenName, row);
}

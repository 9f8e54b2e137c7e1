/**
 * Browser sessions. The cookie holds a random token; the store keeps only its SHA-256, so a copy of the
 * database does not let anyone sign in. A session ends after `idleTimeoutMs` without a request or
 * `absoluteTimeoutMs` after sign-in, whichever comes first, and at once when its user is disabled.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Principal } from './principal.js';
import { principalForRole } from './principal-for-role.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

export interface SessionTimeouts {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = {
  idleTimeoutMs: 8 * 60 * 60 * 1000,
  absoluteTimeoutMs: 7 * 24 * 60 * 60 * 1000,
};

/** `last_seen_at` is written at most this often, so reading pages does not mean one write per request. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface NewSession {
  /** The cookie value: shown to the browser once, never stored. */
  token: string;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(
  db: Kysely<Database>,
  userId: string,
  now: Date,
  timeouts: SessionTimeouts = DEFAULT_SESSION_TIMEOUTS,
): Promise<NewSession> {
  const token = newSecretToken();
  const csrfToken = newSecretToken();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + timeouts.absoluteTimeoutMs).toISOString();
  // Sign-ins are rare enough to carry the clean-up of sessions that ran out.
  await db.deleteFrom('sessions').where('expires_at', '<=', at).execute();
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashSecretToken(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: at,
      expires_at: expiresAt,
      last_seen_at: at,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

/** The session's user and CSRF token, or null when the token is unknown, expired, idle too long or disabled. */
export async function resolveSession(
  db: Kysely<Database>,
  token: string,
  now: Date,
  timeouts: SessionTimeouts = DEFAULT_SESSION_TIMEOUTS,
): Promise<{ principal: Principal; csrfToken: string } | null> {
  const tokenHash = hashSecretToken(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .selectAll('roles')
    .select([
      'sessions.csrf_token as csrfToken',
      'sessions.expires_at as expiresAt',
      'sessions.last_seen_at as lastSeenAt',
      'users.id as userId',
      'users.username as username',
      'users.disabled as userDisabled',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || Number(row.userDisabled) === 1) return null;
  const nowMs = now.getTime();
  if (Date.parse(row.expiresAt) <= nowMs || Date.parse(row.lastSeenAt) + timeouts.idleTimeoutMs <= nowMs) {
    await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    return null;
  }
  if (nowMs - Date.parse(row.lastSeenAt) >= TOUCH_EVERY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('token_hash', '=', tokenHash)
      .execute();
  }
  return {
    principal: principalForRole('user', row.userId, row.username, row),
    csrfToken: row.csrfToken,
  };
}

export async function deleteSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashSecretToken(token)).execute();
}

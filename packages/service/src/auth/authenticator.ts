/**
 * The bridge's Authenticator: API tokens (`Authorization: Bearer mdeb_…`) and browser sessions (the
 * `mdeb_session` cookie), plus sign-in with rate limiting and sign-out. Built once per process, since the
 * rate limiter's counts live in it.
 */
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import { resolveApiToken } from './api-tokens.js';
import { DEFAULT_LOGIN_RATE_LIMITS, LoginRateLimiter, type LoginRateLimits } from './login-rate-limiter.js';
import { dummyPasswordHash, MAX_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import { type Authentication, type Authenticator, SESSION_COOKIE } from './principal.js';
import {
  createSession,
  DEFAULT_SESSION_TIMEOUTS,
  deleteSession,
  type NewSession,
  resolveSession,
} from './sessions.js';
import { getUser, passwordHashOf, type UserView } from './users.js';

export interface AuthenticatorOptions {
  now?: () => Date;
  idleTimeoutMs?: number;
  absoluteTimeoutMs?: number;
  loginRateLimits?: Partial<LoginRateLimits>;
}

export type LoginResult =
  | { ok: true; user: UserView; session: NewSession }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

export interface BridgeAuthenticator extends Authenticator {
  /** Checks a user name and password and opens a session; every attempt is audited. */
  login(attempt: { username: string; password: string; ip: string | null }): Promise<LoginResult>;
  /** Ends the session whose cookie value is `token` (unknown tokens are ignored). */
  logout(token: string): Promise<void>;
  now(): Date;
}

/** True when `authenticator` can sign users in (tests may pass a bare Authenticator to buildApp). */
export function isBridgeAuthenticator(authenticator: Authenticator): authenticator is BridgeAuthenticator {
  return 'login' in authenticator && 'logout' in authenticator;
}

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : null;
}

/** Audit details keep at most this much of an attempted user name (it is whatever the caller typed). */
const MAX_AUDITED_NAME = 128;

export function createAuthenticator(
  db: Kysely<Database>,
  options: AuthenticatorOptions = {},
): BridgeAuthenticator {
  const now = options.now ?? (() => new Date());
  const timeouts = {
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_SESSION_TIMEOUTS.idleTimeoutMs,
    absoluteTimeoutMs: options.absoluteTimeoutMs ?? DEFAULT_SESSION_TIMEOUTS.absoluteTimeoutMs,
  };
  const limiter = new LoginRateLimiter(now, { ...DEFAULT_LOGIN_RATE_LIMITS, ...options.loginRateLimits });

  async function authenticate(request: Parameters<Authenticator['authenticate']>[0]) {
    const header = request.headers.authorization;
    if (header !== undefined) {
      // A request that presents a token is judged by it alone, never by a cookie that happens to ride along.
      const token = bearerToken(header);
      const principal = token ? await resolveApiToken(db, token, now()) : null;
      return principal ? ({ principal, via: 'token' } satisfies Authentication) : null;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) return null;
    const session = await resolveSession(db, cookie, now(), timeouts);
    return session
      ? ({
          principal: session.principal,
          via: 'session',
          csrfToken: session.csrfToken,
        } satisfies Authentication)
      : null;
  }

  async function login({
    username,
    password,
    ip,
  }: {
    username: string;
    password: string;
    ip: string | null;
  }) {
    const at = now();
    const actor = username.slice(0, MAX_AUDITED_NAME);
    const audit = (
      action: string,
      outcome: 'success' | 'failure' | 'denied',
      detail: Record<string, unknown>,
    ) => appendAudit(db, { actorKind: 'user', actor, action, target: actor, outcome, detail, ip }, at);

    const retryAfterSeconds = limiter.retryAfterSeconds(username, ip ?? '');
    if (retryAfterSeconds !== null) {
      await audit('login.failed', 'denied', { reason: 'rate_limited', retryAfterSeconds });
      return { ok: false, reason: 'rate_limited', retryAfterSeconds } as const;
    }
    const stored = password.length <= MAX_PASSWORD_LENGTH ? await passwordHashOf(db, username) : null;
    // Unknown users are checked against a dummy hash so the answer takes as long as for a wrong password.
    const matches = await verifyPassword(password, stored?.passwordHash ?? (await dummyPasswordHash()));
    if (!stored || !matches || stored.disabled) {
      limiter.recordFailure(username, ip ?? '');
      const reason = !stored ? 'unknown_user' : !matches ? 'wrong_password' : 'disabled';
      await audit('login.failed', 'failure', { reason });
      return { ok: false, reason: 'invalid_credentials' } as const;
    }
    limiter.recordSuccess(username);
    const session = await createSession(db, stored.id, at, timeouts);
    await db
      .updateTable('users')
      .set({ last_login_at: at.toISOString() })
      .where('id', '=', stored.id)
      .execute();
    await audit('login.succeeded', 'success', {});
    return { ok: true, user: await getUser(db, stored.id), session } as const;
  }

  return {
    authenticate,
    login,
    logout: (token: string) => deleteSession(db, token),
    now,
  };
}

import type { Permission } from './permissions.js';

/** Who is calling: a signed-in user (session cookie) or an integration (API token). */
export interface Principal {
  kind: 'user' | 'token';
  /** users.id or api_tokens.id. */
  id: string;
  /** User name, or the token's name. */
  name: string;
  roleId: string;
  roleName: string;
  permissions: ReadonlySet<Permission>;
  /** Defender device group names this caller is limited to; null = every device group. */
  deviceGroups: readonly string[] | null;
}

export interface Authentication {
  principal: Principal;
  via: 'session' | 'token';
  /** The session's CSRF token (sessions only): state-changing requests must echo it as `x-csrf-token`. */
  csrfToken?: string;
}

/** Resolves a request's caller from its session cookie or `Authorization: Bearer` token. */
export interface Authenticator {
  /** null when the request carries no valid, unexpired, non-revoked session or token (or its user is disabled). */
  authenticate(request: {
    headers: Record<string, string | string[] | undefined>;
    cookies?: Record<string, string | undefined>;
  }): Promise<Authentication | null>;
}

/** The cookie holding the session token: httpOnly, SameSite=Strict, Secure when served over HTTPS. */
export const SESSION_COOKIE = 'mdeb_session';
/** API tokens start with this, so a leaked one is recognisable (and secret scanners can match it). */
export const API_TOKEN_PREFIX = 'mdeb_';

import { compactVerify, decodeProtectedHeader, type JWTPayload } from 'jose';
import { errors } from '../errors.js';
import type { Directory } from './directory.js';
import { AUDIENCES, type AudienceKind } from './resources.js';

export interface VerifyOptions {
  /** Which API is being called: Defender (`https://api.securitycenter.microsoft.com`) or Graph. */
  audience: AudienceKind;
  nowMs: number;
  /**
   * Leeway on `exp`/`nbf`, default 0 so short-lived tokens set by fault injection expire exactly when
   * `expires_in` said (iat/nbf are already back-dated 5 minutes at minting).
   */
  clockSkewSeconds?: number;
}

/** Claims of a verified access token (spec 2.5). */
export interface AccessTokenClaims extends JWTPayload {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  app_displayname?: string;
  appidacr?: string;
  oid?: string;
  sub: string;
  tid: string;
  roles?: string[];
  ver?: string;
}

function isoSeconds(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

/**
 * Validate `Authorization: Bearer <jwt>` for a Defender or Graph call. Throws `errors.unauthorized(...)`
 * (401 `Unauthorized`) naming the problem: missing header, wrong scheme, malformed token, unknown key / bad
 * signature, wrong issuer, expired / not yet valid, wrong audience.
 */
export async function verifyAccessToken(
  directory: Directory,
  authorizationHeader: string | undefined,
  options: VerifyOptions,
): Promise<AccessTokenClaims> {
  const header = authorizationHeader?.trim();
  if (!header) throw errors.unauthorized('Authorization header is missing');
  const m = /^(\S+)\s+(\S+)$/.exec(header);
  if (m?.[1].toLowerCase() !== 'bearer') {
    throw errors.unauthorized('Authorization header is invalid: the Bearer scheme is required');
  }
  const token = m[2];

  let protectedHeader: ReturnType<typeof decodeProtectedHeader>;
  try {
    protectedHeader = decodeProtectedHeader(token);
  } catch {
    throw errors.unauthorized('Access token is malformed: not a JWT');
  }
  if (protectedHeader.alg !== 'RS256') {
    throw errors.unauthorized(
      `Access token signature is invalid: algorithm ${String(protectedHeader.alg)} is not accepted`,
    );
  }
  const key = directory.signingKey;
  if (protectedHeader.kid !== undefined && protectedHeader.kid !== key.kid) {
    throw errors.unauthorized('Access token signature is invalid: signing key not found');
  }

  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key.publicKey, { algorithms: ['RS256'] }));
  } catch {
    throw errors.unauthorized('Access token signature is invalid');
  }
  let claims: AccessTokenClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as AccessTokenClaims;
  } catch {
    throw errors.unauthorized('Access token is malformed: the payload is not JSON');
  }
  if (!claims || typeof claims !== 'object') throw errors.unauthorized('Access token is malformed');

  if (claims.iss !== directory.accessTokenIssuer) {
    throw errors.unauthorized(`Access token issuer '${String(claims.iss)}' is invalid`);
  }
  const skew = options.clockSkewSeconds ?? 0;
  const nowSec = options.nowMs / 1000;
  if (typeof claims.exp !== 'number') throw errors.unauthorized('Access token is malformed: no exp claim');
  if (nowSec >= claims.exp + skew) {
    throw errors.unauthorized(`Access token has expired (exp ${isoSeconds(claims.exp)})`);
  }
  if (typeof claims.nbf === 'number' && nowSec < claims.nbf - skew) {
    throw errors.unauthorized(`Access token is not yet valid (nbf ${isoSeconds(claims.nbf)})`);
  }
  const expected = AUDIENCES[options.audience];
  if (claims.aud !== expected) {
    throw errors.unauthorized(
      `Access token audience '${String(claims.aud)}' is invalid; expected '${expected}'`,
    );
  }
  return claims;
}

/**
 * Require at least one of `anyOf` in the token's `roles`, else `errors.forbidden(...)` (403 `Forbidden`) naming
 * the permissions that would have allowed the call.
 */
export function requireRole(claims: Pick<AccessTokenClaims, 'roles'>, anyOf: readonly string[]): void {
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  if (anyOf.some((r) => roles.includes(r))) return;
  throw errors.forbidden(
    `The application does not have any of the required application permissions (${anyOf.join(', ')}) to access the resource.`,
  );
}

import { randomBytes, randomUUID } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload, SignJWT } from 'jose';
import {
  type AadstsErrorSpec,
  aad,
  aadstsError,
  type LoginResponse,
  normalizeOrigin,
  pickCorrelationId,
  type ResponseContext,
  responseHeaders,
} from './aadsts.js';
import type { Directory } from './directory.js';
import { AUDIENCES, type AudienceKind, DEFENDER_APP_ID, GRAPH_APP_ID, resolveResource } from './resources.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Clock skew allowed on client assertions (`exp`/`nbf`). */
export const ASSERTION_CLOCK_SKEW_SECONDS = 300;
/** Entra back-dates `iat`/`nbf` of access tokens by this much. */
export const TOKEN_BACKDATE_SECONDS = 300;

export type TokenResponse = LoginResponse;

export interface TokenRequest {
  /** `v2` = `POST /{tenant}/oauth2/v2.0/token` (scope=), `v1` = `POST /{tenant}/oauth2/token` (resource=). */
  version: 'v1' | 'v2';
  /** The `{tenant}` path segment as received (GUID or domain name). */
  tenantSegment: string;
  /** The parsed `application/x-www-form-urlencoded` body. */
  form: URLSearchParams;
  /** Scheme+host(+port) the client called, e.g. `http://127.0.0.1:8123`; used for `error_uri` and assertion `aud`. */
  loginOrigin: string;
  nowMs: number;
  /** Optional `Authorization` header, for `client_secret_basic`. */
  authorizationHeader?: string;
  /** Optional `client-request-id` (header or query) – echoed as `correlation_id`. */
  correlationId?: string;
}

/** Claims of an access token minted by the emulator (spec 2.5). */
export interface MintedClaims extends JWTPayload {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  aio: string;
  app_displayname: string;
  appid: string;
  appidacr: '1' | '2';
  idp: string;
  oid: string;
  rh: string;
  roles?: string[];
  sub: string;
  tenant_region_scope: string;
  tid: string;
  uti: string;
  ver: '1.0';
}

export interface IssueAccessTokenInput {
  clientId: string;
  audience: AudienceKind;
  nowMs?: number;
  /** '1' = secret (default), '2' = certificate. */
  appidacr?: '1' | '2';
  /** Override the directory's lifetime for this token. */
  lifetimeSeconds?: number;
}

export interface IssuedAccessToken {
  accessToken: string;
  claims: MintedClaims;
  expiresIn: number;
}

function guidBytes(guid: string): Buffer {
  // .NET Guid.ToByteArray order, as inside Entra's opaque `rh` claim
  const hex = guid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

/**
 * Mint an access token for a registered app without going through the token endpoint (handy for tests of
 * API routes). Throws if the app is unknown.
 */
export async function issueAccessToken(
  directory: Directory,
  input: IssueAccessTokenInput,
): Promise<IssuedAccessToken> {
  const app = directory.getApplication(input.clientId);
  if (!app) throw new Error(`application ${input.clientId} is not registered`);
  const nowSec = Math.floor((input.nowMs ?? Date.now()) / 1000);
  const lifetime = input.lifetimeSeconds ?? directory.tokenLifetimeSeconds;
  const resourceAppId = input.audience === 'defender' ? DEFENDER_APP_ID : GRAPH_APP_ID;
  const roles = input.audience === 'defender' ? app.roles : app.graphRoles;
  const issuer = directory.accessTokenIssuer;
  const claims: MintedClaims = {
    aud: AUDIENCES[input.audience],
    iss: issuer,
    iat: nowSec - TOKEN_BACKDATE_SECONDS,
    nbf: nowSec - TOKEN_BACKDATE_SECONDS,
    exp: nowSec + lifetime + 1,
    aio: randomBytes(20).toString('base64'),
    app_displayname: app.displayName,
    appid: app.clientId,
    appidacr: input.appidacr ?? '1',
    idp: issuer,
    oid: app.objectId,
    rh: `0.${Buffer.concat([Buffer.from([1, 7, 0]), guidBytes(directory.tenantId), guidBytes(resourceAppId), Buffer.from([0, 0])]).toString('base64url')}.`,
    sub: app.objectId,
    tenant_region_scope: directory.tenantRegionScope,
    tid: directory.tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
  };
  if (roles.length > 0) claims.roles = [...roles]; // Entra omits `roles` when nothing is granted
  // keep the sample's claim order (roles between rh and sub)
  const ordered = orderClaims(claims);
  const accessToken = await new SignJWT(ordered)
    .setProtectedHeader({
      typ: 'JWT',
      alg: 'RS256',
      x5t: directory.signingKey.x5t,
      kid: directory.signingKey.kid,
    })
    .sign(directory.signingKey.privateKey);
  return { accessToken, claims: ordered, expiresIn: lifetime };
}

const CLAIM_ORDER = [
  'aud',
  'iss',
  'iat',
  'nbf',
  'exp',
  'aio',
  'app_displayname',
  'appid',
  'appidacr',
  'idp',
  'oid',
  'rh',
  'roles',
  'sub',
  'tenant_region_scope',
  'tid',
  'uti',
  'ver',
];

function orderClaims(claims: MintedClaims): MintedClaims {
  const out: Record<string, unknown> = {};
  for (const k of CLAIM_ORDER) if (claims[k] !== undefined) out[k] = claims[k];
  return out as MintedClaims;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
  }
}

/**
 * The emulated Entra token endpoint (spec 2.2–2.7), `client_credentials` only.
 * Returns the HTTP status, JSON body and headers to send; never throws for bad input.
 */
export async function handleTokenRequest(directory: Directory, req: TokenRequest): Promise<TokenResponse> {
  const loginOrigin = normalizeOrigin(req.loginOrigin);
  const ctx: ResponseContext = { loginOrigin, nowMs: req.nowMs, correlationId: req.correlationId };
  const fail = (spec: AadstsErrorSpec): TokenResponse => aadstsError(spec, ctx);
  const form = req.form;

  // 1. tenant
  const tenant = directory.resolveTenant(req.tenantSegment);
  if (!tenant.ok) {
    switch (tenant.reason) {
      case 'empty-guid':
        return fail(aad.emptyGuidTenant(req.tenantSegment));
      case 'not-found':
        return fail(aad.tenantNotFound(req.tenantSegment));
      case 'multi-tenant':
        return fail(aad.multiTenantEndpoint());
      default:
        return fail(aad.invalidTenantIdentifier(req.tenantSegment));
    }
  }

  // 2. grant type
  const grantType = form.get('grant_type');
  if (!grantType) return fail(aad.missingParameter('grant_type'));
  if (grantType !== 'client_credentials') return fail(aad.unsupportedGrantType(grantType));

  // 3. client identity (client_secret_post or client_secret_basic)
  const basic = parseBasic(req.authorizationHeader);
  let clientId = form.get('client_id') ?? undefined;
  let clientSecret = form.get('client_secret') ?? undefined;
  if (basic) {
    if (clientId && clientId.toLowerCase() !== basic.id.toLowerCase()) return fail(aad.clientIdMismatch());
    clientId = basic.id;
    if (clientSecret === undefined) clientSecret = basic.secret;
  }
  if (!clientId) return fail(aad.missingParameter('client_id'));

  // 4. requested resource
  let identifier: string;
  if (req.version === 'v2') {
    const scope = form.get('scope');
    if (!scope)
      return fail(form.has('resource') ? aad.resourceParameterNotSupported() : aad.missingParameter('scope'));
    const scopes = scope.split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s.toLowerCase()));
    if (scopes.length !== 1) return fail(aad.invalidScope(scope));
    const only = scopes[0];
    if (!only.toLowerCase().endsWith('/.default')) return fail(aad.scopeNotDefault(only));
    identifier = only.slice(0, -'/.default'.length);
  } else {
    const resource = form.get('resource');
    if (!resource) return fail(aad.missingParameter('resource'));
    identifier = resource;
  }

  // 5. application
  const app = directory.getApplication(clientId);
  if (!app) return fail(aad.applicationNotFound(clientId, directory.displayName));

  // 6. credential
  const assertion = form.get('client_assertion') ?? undefined;
  const assertionType = form.get('client_assertion_type') ?? undefined;
  let appidacr: '1' | '2';
  if (assertion !== undefined && clientSecret !== undefined) return fail(aad.multipleCredentials());
  if (assertion !== undefined) {
    const problem = await verifyClientAssertion(directory, {
      clientId: app.clientId,
      assertion,
      assertionType,
      tenantSegment: req.tenantSegment,
      loginOrigin,
      nowMs: req.nowMs,
    });
    if (problem) return fail(problem);
    appidacr = '2';
  } else if (clientSecret !== undefined) {
    if (!directory.verifySecret(app.clientId, clientSecret)) return fail(aad.invalidSecret(app.clientId));
    appidacr = '1';
  } else if (assertionType !== undefined) {
    return fail(aad.missingParameter('client_assertion'));
  } else {
    return fail(aad.missingCredential());
  }

  // 7. resource known?
  const resource = resolveResource(identifier);
  if (!resource) return fail(aad.resourceNotFound(identifier, directory.displayName));

  // 8. mint
  const issued = await issueAccessToken(directory, {
    clientId: app.clientId,
    audience: resource.kind,
    nowMs: req.nowMs,
    appidacr,
  });
  const traceId = randomUUID();
  const headers = responseHeaders(traceId, pickCorrelationId(req.correlationId));
  if (req.version === 'v2') {
    return {
      status: 200,
      headers,
      body: {
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        ext_expires_in: issued.expiresIn,
        access_token: issued.accessToken,
      },
    };
  }
  return {
    status: 200,
    headers,
    body: {
      token_type: 'Bearer',
      expires_in: String(issued.expiresIn),
      ext_expires_in: String(issued.expiresIn),
      expires_on: String(issued.claims.exp),
      not_before: String(issued.claims.nbf),
      resource: identifier,
      access_token: issued.accessToken,
    },
  };
}

export interface ClientAssertionInput {
  clientId: string;
  assertion: string;
  assertionType: string | undefined;
  tenantSegment: string;
  loginOrigin: string;
  nowMs: number;
}

/**
 * Audiences accepted in a client assertion: the token endpoint (v2 or v1 path) on the origin the client
 * called or on https://login.microsoftonline.com, with the tenant as GUID, domain name or the segment used.
 */
export function acceptedAssertionAudiences(
  directory: Directory,
  tenantSegment: string,
  loginOrigin: string,
): string[] {
  const tenants = new Set([directory.tenantId, directory.domainName, tenantSegment.toLowerCase()]);
  const origins = new Set([normalizeOrigin(loginOrigin).toLowerCase(), 'https://login.microsoftonline.com']);
  const out: string[] = [];
  for (const o of origins)
    for (const t of tenants) {
      out.push(`${o}/${t}/oauth2/v2.0/token`);
      out.push(`${o}/${t}/oauth2/token`);
    }
  return out;
}

function b64urlToHex(value: unknown): string {
  if (typeof value !== 'string') return '';
  return Buffer.from(value, 'base64url').toString('hex').toUpperCase();
}

/** Validate a `private_key_jwt` client assertion; returns the AADSTS error or undefined when valid. */
export async function verifyClientAssertion(
  directory: Directory,
  input: ClientAssertionInput,
): Promise<AadstsErrorSpec | undefined> {
  if (!input.assertionType) return aad.missingParameter('client_assertion_type');
  if (input.assertionType !== CLIENT_ASSERTION_TYPE) return aad.invalidAssertionType();

  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(input.assertion);
    claims = decodeJwt(input.assertion);
  } catch {
    return aad.malformedJwt();
  }
  if (header.alg !== 'RS256' && header.alg !== 'PS256') return aad.unsupportedAssertionAlg();

  // key lookup by thumbprint (x5t#S256 preferred, as Entra recommends; x5t = SHA-1 legacy)
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string) : undefined;
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  if (!x5tS256 && !x5t) return aad.assertionKeyMissing();
  const thumbprintHex = b64urlToHex(x5tS256 ?? x5t);
  const cert = directory.findCertificate(input.clientId, { x5t, x5tS256 });
  if (!cert) return aad.certificateNotRegistered(thumbprintHex, input.clientId);
  if (cert.validTo.getTime() < input.nowMs || cert.validFrom.getTime() > input.nowMs) {
    return aad.invalidAssertionSignature(thumbprintHex, 'The key used is expired.');
  }
  try {
    await compactVerify(input.assertion, cert.publicKey, { algorithms: ['RS256', 'PS256'] });
  } catch {
    return aad.invalidAssertionSignature(
      thumbprintHex,
      'The provided signature value did not match the expected signature value.',
    );
  }

  // iss / sub
  if (typeof claims.iss !== 'string' || typeof claims.sub !== 'string') return aad.malformedJwt();
  if (claims.iss !== claims.sub) return aad.subjectMismatchesIssuer();
  if (claims.sub.toLowerCase() !== input.clientId.toLowerCase()) return aad.assertionClientMismatch();

  // aud
  const auds = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
  if (auds.length > 1) return aad.tooManyAudiences(auds.length);
  const accepted = acceptedAssertionAudiences(directory, input.tenantSegment, input.loginOrigin);
  const aud = typeof auds[0] === 'string' ? auds[0].replace(/\/+$/, '').toLowerCase() : '';
  if (!accepted.includes(aud)) return aad.assertionAudience();

  // time range
  if (typeof claims.exp !== 'number') return aad.malformedJwt();
  const nowSec = input.nowMs / 1000;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : undefined;
  if (
    nowSec > claims.exp + ASSERTION_CLOCK_SKEW_SECONDS ||
    (nbf !== undefined && nowSec < nbf - ASSERTION_CLOCK_SKEW_SECONDS)
  ) {
    return aad.assertionTimeRange(input.nowMs, nbf, claims.exp);
  }
  return undefined;
}

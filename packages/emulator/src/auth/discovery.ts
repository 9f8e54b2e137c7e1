import { randomUUID } from 'node:crypto';
import {
  type AadstsErrorSpec,
  aad,
  aadstsError,
  type LoginResponse,
  normalizeOrigin,
  responseHeaders,
} from './aadsts.js';
import type { Directory } from './directory.js';
import { jwks } from './keys.js';

export type OpenIdConfigurationVersion = 'v1' | 'v2';
export type DiscoveryResult = LoginResponse;

function ok(body: Record<string, unknown>): DiscoveryResult {
  const id = randomUUID();
  return { status: 200, headers: responseHeaders(id, randomUUID()), body };
}

/**
 * Resolve the tenant path segment for discovery documents. `common`/`organizations`/`consumers` give the
 * multi-tenant documents (with the literal `{tenantid}` placeholder in `issuer`, as Entra does).
 */
function discoveryTenant(
  directory: Directory,
  tenantSegment: string,
): { path: string; issuerTenant: string } | { error: AadstsErrorSpec } {
  const r = directory.resolveTenant(tenantSegment);
  if (r.ok) return { path: r.tenantId, issuerTenant: r.tenantId };
  switch (r.reason) {
    case 'multi-tenant':
      return { path: tenantSegment.toLowerCase(), issuerTenant: '{tenantid}' };
    case 'empty-guid':
      return { error: { ...aad.emptyGuidTenant(tenantSegment), error: 'invalid_tenant' } };
    case 'not-found':
      return { error: aad.tenantNotFound(tenantSegment, 'invalid_tenant') };
    default:
      return { error: aad.invalidTenantIdentifier(tenantSegment, 'invalid_tenant') };
  }
}

const CLAIMS_SUPPORTED_V2 = [
  'sub',
  'iss',
  'cloud_instance_name',
  'cloud_instance_host_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'acr',
  'nonce',
  'preferred_username',
  'name',
  'tid',
  'ver',
  'at_hash',
  'c_hash',
  'email',
];

const CLAIMS_SUPPORTED_V1 = [
  'sub',
  'iss',
  'cloud_instance_name',
  'cloud_instance_host_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'acr',
  'amr',
  'nonce',
  'email',
  'given_name',
  'family_name',
  'nickname',
];

/**
 * OpenID Connect discovery documents:
 * - `v2`: `GET /{tenant}/v2.0/.well-known/openid-configuration` (what MSAL fetches; `issuer` is on the login
 *   origin so MSAL's issuer check passes, endpoints use the tenant GUID like Entra).
 * - `v1`: `GET /{tenant}/.well-known/openid-configuration` (`issuer` = `https://sts.windows.net/{tid}/`, the
 *   issuer of the access tokens the emulator mints).
 * Unknown tenant: 400 `invalid_tenant` AADSTS90002 / 900023.
 */
export function openidConfiguration(
  directory: Directory,
  tenantSegment: string,
  loginOrigin: string,
  version: OpenIdConfigurationVersion = 'v2',
  nowMs: number = Date.now(),
): DiscoveryResult {
  const origin = normalizeOrigin(loginOrigin);
  const t = discoveryTenant(directory, tenantSegment);
  if ('error' in t) return aadstsError(t.error, { loginOrigin: origin, nowMs });
  const base = `${origin}/${t.path}`;
  const common = {
    tenant_region_scope: t.path === directory.tenantId ? directory.tenantRegionScope : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
  if (version === 'v2') {
    return ok({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${origin}/${t.issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: CLAIMS_SUPPORTED_V2,
      kerberos_endpoint: `${base}/kerberos`,
      ...common,
    });
  }
  return ok({
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/common/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: `https://sts.windows.net/${t.issuerTenant}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: CLAIMS_SUPPORTED_V1,
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    kerberos_endpoint: `${base}/kerberos`,
    ...common,
  });
}

/**
 * The signing keys: `GET /{tenant}/discovery/v2.0/keys`, `/{tenant}/discovery/keys`, `/common/discovery/keys`,
 * `/common/discovery/v2.0/keys`. Unknown tenant → 400 `invalid_tenant`.
 */
export function jwksResponse(
  directory: Directory,
  tenantSegment: string,
  loginOrigin: string,
  nowMs: number = Date.now(),
): DiscoveryResult {
  const t = discoveryTenant(directory, tenantSegment);
  if ('error' in t) return aadstsError(t.error, { loginOrigin, nowMs });
  return ok(jwks(directory.signingKey));
}

/**
 * Instance discovery, `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=<authority>/oauth2/v2.0/authorize`.
 * MSAL only sends it to https://login.microsoftonline.com (hard-coded) and only when the authority host is not
 * in `knownAuthorities`/`cloudDiscoveryMetadata`, so it reaches the emulator only if that host is redirected to
 * it. The answer declares the emulator's host as its own single-alias cloud.
 */
export function instanceDiscovery(
  _directory: Directory,
  query: URLSearchParams,
  loginOrigin: string,
  nowMs: number = Date.now(),
): DiscoveryResult {
  const origin = normalizeOrigin(loginOrigin);
  const ctx = { loginOrigin: origin, nowMs };
  const authorize = query.get('authorization_endpoint');
  if (!authorize) {
    return aadstsError(
      {
        status: 400,
        error: 'invalid_request',
        code: 90014,
        message: "The required field 'authorization_endpoint' is missing.",
      },
      ctx,
    );
  }
  let url: URL;
  try {
    url = new URL(authorize);
  } catch {
    return aadstsError(
      { status: 400, error: 'invalid_instance', code: 50049, message: 'Unknown or invalid instance.' },
      ctx,
    );
  }
  const ourHost = new URL(origin).host.toLowerCase();
  const host = url.host.toLowerCase();
  const knownHosts = new Set([
    ourHost,
    'login.microsoftonline.com',
    'login.windows.net',
    'login.microsoft.com',
    'sts.windows.net',
  ]);
  if (!knownHosts.has(host)) {
    return aadstsError(
      { status: 400, error: 'invalid_instance', code: 50049, message: 'Unknown or invalid instance.' },
      ctx,
    );
  }
  const tenant = url.pathname.split('/').filter(Boolean)[0] ?? 'common';
  return ok({
    tenant_discovery_endpoint: `${origin}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': query.get('api-version') ?? '1.1',
    metadata: [{ preferred_network: ourHost, preferred_cache: ourHost, aliases: [ourHost] }],
  });
}

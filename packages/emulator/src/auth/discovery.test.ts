import { describe, expect, it } from 'vitest';
import { Directory } from './directory.js';
import { instanceDiscovery, jwksResponse, openidConfiguration } from './discovery.js';

const TENANT = '6de90c16-b0cb-4759-86b3-5601aec49b50';
const ORIGIN = 'https://127.0.0.1:8443';
const dir = new Directory({ tenantId: TENANT });

describe('openidConfiguration', () => {
  it('v2 document for the GUID or the domain name', () => {
    for (const seg of [TENANT, 'contoso-emulated.onmicrosoft.com']) {
      const res = openidConfiguration(dir, seg, `${ORIGIN}/`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        issuer: `${ORIGIN}/${TENANT}/v2.0`,
        token_endpoint: `${ORIGIN}/${TENANT}/oauth2/v2.0/token`,
        authorization_endpoint: `${ORIGIN}/${TENANT}/oauth2/v2.0/authorize`,
        jwks_uri: `${ORIGIN}/${TENANT}/discovery/v2.0/keys`,
        end_session_endpoint: `${ORIGIN}/${TENANT}/oauth2/v2.0/logout`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com',
      });
    }
  });

  it('v1 document has the sts.windows.net issuer of the access tokens', () => {
    const res = dir.openidConfiguration(TENANT, ORIGIN, 'v1');
    expect(res.body).toMatchObject({
      issuer: `https://sts.windows.net/${TENANT}/`,
      token_endpoint: `${ORIGIN}/${TENANT}/oauth2/token`,
      jwks_uri: `${ORIGIN}/common/discovery/keys`,
    });
  });

  it('common uses the {tenantid} placeholder', () => {
    const res = openidConfiguration(dir, 'common', ORIGIN);
    expect(res.body.issuer).toBe(`${ORIGIN}/{tenantid}/v2.0`);
    expect(res.body.token_endpoint).toBe(`${ORIGIN}/common/oauth2/v2.0/token`);
  });

  it('unknown / invalid tenants give invalid_tenant', () => {
    const notFound = openidConfiguration(dir, '11111111-1111-1111-1111-111111111111', ORIGIN);
    expect(notFound.status).toBe(400);
    expect(notFound.body).toMatchObject({
      error: 'invalid_tenant',
      error_codes: [90002],
      error_uri: `${ORIGIN}/error?code=90002`,
    });
    const invalid = openidConfiguration(dir, 'x_y', ORIGIN);
    expect(invalid.body).toMatchObject({ error: 'invalid_tenant', error_codes: [900023] });
    const empty = openidConfiguration(dir, '00000000-0000-0000-0000-000000000000', ORIGIN);
    expect(empty.body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });
});

describe('jwksResponse', () => {
  it('serves the keys for our tenant and common, refuses others', () => {
    expect(jwksResponse(dir, TENANT, ORIGIN).body).toEqual(dir.jwks());
    expect(jwksResponse(dir, 'common', ORIGIN).status).toBe(200);
    expect(jwksResponse(dir, 'example.com', ORIGIN).status).toBe(400);
  });
});

describe('instanceDiscovery', () => {
  it('declares the emulator host as its own cloud', () => {
    const q = new URLSearchParams({
      'api-version': '1.1',
      authorization_endpoint: `${ORIGIN}/${TENANT}/oauth2/v2.0/authorize`,
    });
    const res = instanceDiscovery(dir, q, ORIGIN);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant_discovery_endpoint: `${ORIGIN}/${TENANT}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [
        {
          preferred_network: '127.0.0.1:8443',
          preferred_cache: '127.0.0.1:8443',
          aliases: ['127.0.0.1:8443'],
        },
      ],
    });
  });

  it('refuses unknown instances and a missing authorization_endpoint', () => {
    const bad = instanceDiscovery(
      dir,
      new URLSearchParams({ authorization_endpoint: 'https://evil.example/x/oauth2/v2.0/authorize' }),
      ORIGIN,
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_instance', error_codes: [50049] });
    expect(instanceDiscovery(dir, new URLSearchParams(), ORIGIN).status).toBe(400);
  });
});

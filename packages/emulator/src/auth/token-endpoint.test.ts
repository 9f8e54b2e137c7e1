import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { Directory, type RegisteredApplication } from './directory.js';
import {
  CLIENT_ASSERTION_TYPE,
  clientAssertion,
  DEFENDER_SCOPE,
  form,
  LOGIN_ORIGIN,
  testCertificate,
} from './test-utils.js';
import type { TokenRequest, TokenResponse } from './token-endpoint.js';

const TENANT = '6de90c16-b0cb-4759-86b3-5601aec49b50';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN_URL = `${LOGIN_ORIGIN}/${TENANT}/oauth2/v2.0/token`;

let dir: Directory;
let app: RegisteredApplication;
const now = Math.floor(Date.now() / 1000) * 1000 + 123;
const STAMP = `${new Date(now).toISOString().slice(0, 19).replace('T', ' ')}Z`;
const ISO7 = new Date(now).toISOString().replace('.123Z', '.1230000Z');
const nowSec = Math.floor(now / 1000);

beforeAll(() => {
  dir = new Directory({ tenantId: TENANT });
  app = dir.register({
    displayName: 'MDE-HelloWorld',
    roles: ['SecurityRecommendation.Read.All', 'Machine.Read.All'],
    graphRoles: ['SecurityAlert.Read.All'],
    certificatePem: testCertificate(0).certificatePem,
  });
});

function request(
  fields: Record<string, string | undefined>,
  extra: Partial<TokenRequest> = {},
): Promise<TokenResponse> {
  return dir.handleTokenRequest({
    version: 'v2',
    tenantSegment: TENANT,
    form: form(fields),
    loginOrigin: LOGIN_ORIGIN,
    nowMs: now,
    ...extra,
  });
}

function secretForm(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    grant_type: 'client_credentials',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    scope: DEFENDER_SCOPE,
    ...extra,
  };
}

function expectAadError(
  res: TokenResponse,
  status: number,
  error: string,
  code: number,
  text?: string | RegExp,
): void {
  expect(res.status).toBe(status);
  const body = res.body as Record<string, unknown>;
  expect(Object.keys(body)).toEqual([
    'error',
    'error_description',
    'error_codes',
    'timestamp',
    'trace_id',
    'correlation_id',
    'error_uri',
  ]);
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([code]);
  expect(body.timestamp).toBe(STAMP);
  expect(body.trace_id).toMatch(GUID);
  expect(body.correlation_id).toMatch(GUID);
  expect(body.error_uri).toBe(`${LOGIN_ORIGIN}/error?code=${code}`);
  const desc = body.error_description as string;
  expect(desc.startsWith(`AADSTS${code}: `)).toBe(true);
  expect(desc).toMatch(
    new RegExp(
      `\\r\\nTrace ID: ${body.trace_id}\\r\\nCorrelation ID: ${body.correlation_id}\\r\\nTimestamp: ${STAMP}$`,
    ),
  );
  if (text) expect(desc).toMatch(text);
}

describe('token endpoint: tenant segment', () => {
  it('rejects the empty GUID', async () => {
    const res = await request(secretForm(), { tenantSegment: '00000000-0000-0000-0000-000000000000' });
    expectAadError(
      res,
      400,
      'invalid_request',
      90002,
      "Requested tenant identifier '00000000-0000-0000-0000-000000000000' is not valid. Tenant identifiers may not be an empty GUID.",
    );
  });

  it('rejects another tenant GUID and another domain as not found', async () => {
    const other = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
    expectAadError(
      await request(secretForm(), { tenantSegment: other }),
      400,
      'invalid_request',
      90002,
      `Tenant '${other}' not found.`,
    );
    expectAadError(
      await request(secretForm(), { tenantSegment: 'fabrikam.onmicrosoft.com' }),
      400,
      'invalid_request',
      90002,
      "Tenant 'fabrikam.onmicrosoft.com' not found.",
    );
  });

  it('rejects a segment that is neither GUID nor DNS name', async () => {
    expectAadError(
      await request(secretForm(), { tenantSegment: 'not_a_tenant' }),
      400,
      'invalid_request',
      900023,
      "Specified tenant identifier 'not_a_tenant' is neither a valid DNS name, nor a valid external domain.",
    );
  });

  it('rejects /common for client credentials', async () => {
    expectAadError(await request(secretForm(), { tenantSegment: 'common' }), 400, 'invalid_request', 9001023);
  });

  it('accepts the domain name and an upper-case GUID', async () => {
    expect((await request(secretForm(), { tenantSegment: 'contoso-emulated.onmicrosoft.com' })).status).toBe(
      200,
    );
    expect((await request(secretForm(), { tenantSegment: TENANT.toUpperCase() })).status).toBe(200);
  });
});

describe('token endpoint: request validation', () => {
  it('requires grant_type and only supports client_credentials', async () => {
    expectAadError(
      await request(secretForm({ grant_type: undefined })),
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
    expectAadError(
      await request(secretForm({ grant_type: 'password' })),
      400,
      'unsupported_grant_type',
      70003,
      "unsupported grant type 'password'",
    );
  });

  it('requires client_id', async () => {
    expectAadError(
      await request(secretForm({ client_id: undefined })),
      400,
      'invalid_request',
      900144,
      "'client_id'",
    );
  });

  it('requires scope on v2 (and rejects resource there)', async () => {
    expectAadError(
      await request(secretForm({ scope: undefined })),
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
    expectAadError(
      await request(secretForm({ scope: undefined, resource: 'https://api.securitycenter.microsoft.com' })),
      400,
      'invalid_request',
      901002,
    );
  });

  it('rejects scopes without /.default and multi-resource scopes', async () => {
    expectAadError(
      await request(secretForm({ scope: 'https://api.securitycenter.microsoft.com/Machine.Read.All' })),
      400,
      'invalid_scope',
      1002012,
      'Client credential flows must have a scope value with /.default suffixed',
    );
    expectAadError(
      await request(secretForm({ scope: `${DEFENDER_SCOPE} https://graph.microsoft.com/.default` })),
      400,
      'invalid_scope',
      70011,
    );
  });

  it('rejects unknown resources with invalid_resource 500011', async () => {
    expectAadError(
      await request(secretForm({ scope: 'https://example.com/.default' })),
      400,
      'invalid_resource',
      500011,
      'The resource principal named https://example.com was not found in the tenant named Contoso Emulated.',
    );
    // regional hosts are not resource identifiers (spec 2.1 UNSURE) – treated as unknown
    expectAadError(
      await request(secretForm({ scope: 'https://api-uk.securitycenter.microsoft.com/.default' })),
      400,
      'invalid_resource',
      500011,
    );
  });

  it('answers 400 unauthorized_client 700016 for an unknown client id', async () => {
    const unknown = '11111111-2222-3333-4444-555555555555';
    expectAadError(
      await request(secretForm({ client_id: unknown })),
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${unknown}' was not found in the directory 'Contoso Emulated'.`,
    );
  });

  it('answers 401 invalid_client 7000215 for a wrong secret', async () => {
    expectAadError(
      await request(secretForm({ client_secret: 'wrong' })),
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    );
  });

  it('answers 401 invalid_client 7000218 without any credential', async () => {
    expectAadError(
      await request(secretForm({ client_secret: undefined })),
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  });

  it('refuses a secret and an assertion together', async () => {
    expectAadError(
      await request(secretForm({ client_assertion: 'x.y.z', client_assertion_type: CLIENT_ASSERTION_TYPE })),
      400,
      'invalid_request',
      90023,
    );
  });

  it('echoes client-request-id as correlation_id', async () => {
    const cid = '2b7e1c8e-4f3a-4a53-9a0e-5f3c1f0c9d11';
    const res = await request(secretForm({ client_secret: 'wrong' }), { correlationId: cid });
    expect(res.body.correlation_id).toBe(cid);
    expect(res.headers['client-request-id']).toBe(cid);
  });

  it('uses the login origin in error_uri', async () => {
    const res = await request(secretForm({ client_secret: 'wrong' }), {
      loginOrigin: 'https://login.windows.net/',
    });
    expect(res.body.error_uri).toBe('https://login.windows.net/error?code=7000215');
  });
});

describe('token endpoint: success', () => {
  it('v2: integer expires_in and a v1.0 Defender token shaped like the sample', async () => {
    const res = await request(secretForm());
    expect(res.status).toBe(200);
    expect(res.headers['Cache-Control']).toBe('no-store, no-cache');
    expect(Object.keys(res.body)).toEqual(['token_type', 'expires_in', 'ext_expires_in', 'access_token']);
    expect(res.body.token_type).toBe('Bearer');
    expect(res.body.expires_in).toBe(3599);
    expect(res.body.ext_expires_in).toBe(3599);
    const jwt = res.body.access_token as string;
    const header = decodeProtectedHeader(jwt);
    expect(header).toEqual({ typ: 'JWT', alg: 'RS256', x5t: dir.signingKey.x5t, kid: dir.signingKey.kid });
    const claims = decodeJwt(jwt);
    expect(Object.keys(claims)).toEqual([
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
    ]);
    expect(claims).toMatchObject({
      aud: 'https://api.securitycenter.microsoft.com',
      iss: `https://sts.windows.net/${TENANT}/`,
      idp: `https://sts.windows.net/${TENANT}/`,
      app_displayname: 'MDE-HelloWorld',
      appid: app.clientId,
      appidacr: '1',
      oid: app.objectId,
      sub: app.objectId,
      roles: ['SecurityRecommendation.Read.All', 'Machine.Read.All'],
      tenant_region_scope: 'NA',
      tid: TENANT,
      ver: '1.0',
    });
    expect(claims.iat).toBe(nowSec - 300);
    expect(claims.nbf).toBe(claims.iat);
    expect((claims.exp as number) - (claims.iat as number)).toBe(3900);
    expect(claims.rh).toMatch(/^0\.[A-Za-z0-9_-]+\.$/);
    expect(claims.aio).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it.each([
    'https://api.securitycenter.microsoft.com/.default',
    'https://api.security.microsoft.com/.default',
    'https://securitycenter.onmicrosoft.com/windowsatpservice/.default',
    'fc780465-2017-40d4-a0c5-307022471b92/.default',
  ])('Defender scope %s gives aud https://api.securitycenter.microsoft.com', async (scope) => {
    const res = await request(secretForm({ scope }));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string).aud).toBe('https://api.securitycenter.microsoft.com');
  });

  it('Graph scope gives the Graph audience and graphRoles', async () => {
    const res = await request(secretForm({ scope: 'https://graph.microsoft.com/.default' }));
    const claims = decodeJwt(res.body.access_token as string);
    expect(claims.aud).toBe('https://graph.microsoft.com');
    expect(claims.roles).toEqual(['SecurityAlert.Read.All']);
  });

  it('omits roles when nothing is granted', async () => {
    const bare = dir.register({ displayName: 'no-permissions', roles: [] });
    const res = await request(secretForm({ client_id: bare.clientId, client_secret: bare.clientSecret }));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string).roles).toBeUndefined();
  });

  it('ignores OIDC scopes next to the .default scope', async () => {
    const res = await request(secretForm({ scope: `${DEFENDER_SCOPE} openid profile offline_access` }));
    expect(res.status).toBe(200);
  });

  it('supports client_secret_basic', async () => {
    const basic = Buffer.from(
      `${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`,
    ).toString('base64');
    const res = await request(secretForm({ client_id: undefined, client_secret: undefined }), {
      authorizationHeader: `Basic ${basic}`,
    });
    expect(res.status).toBe(200);
  });

  it('v1: string numbers, expires_on/not_before/resource', async () => {
    const res = await request(
      {
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        resource: 'https://api.securitycenter.microsoft.com',
      },
      { version: 'v1' },
    );
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([
      'token_type',
      'expires_in',
      'ext_expires_in',
      'expires_on',
      'not_before',
      'resource',
      'access_token',
    ]);
    const claims = decodeJwt(res.body.access_token as string);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: '3599',
      ext_expires_in: '3599',
      expires_on: String(claims.exp),
      not_before: String(claims.nbf),
      resource: 'https://api.securitycenter.microsoft.com',
    });
    expect(claims.aud).toBe('https://api.securitycenter.microsoft.com');
  });

  it('v1: requires resource', async () => {
    const res = await request(
      { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret },
      { version: 'v1' },
    );
    expectAadError(res, 400, 'invalid_request', 900144, "'resource'");
  });

  it('honours a short token lifetime', async () => {
    const short = new Directory({ tenantId: TENANT, tokenLifetimeSeconds: 5, signingKey: dir.signingKey });
    const a = short.register({ displayName: 'short', roles: ['Machine.Read.All'] });
    const res = await short.handleTokenRequest({
      version: 'v2',
      tenantSegment: TENANT,
      form: form({
        grant_type: 'client_credentials',
        client_id: a.clientId,
        client_secret: a.clientSecret,
        scope: DEFENDER_SCOPE,
      }),
      loginOrigin: LOGIN_ORIGIN,
      nowMs: now,
    });
    expect(res.body.expires_in).toBe(5);
    expect(decodeJwt(res.body.access_token as string).exp).toBe(nowSec + 6);
    short.tokenLifetimeSeconds = 60;
    const res2 = await short.handleTokenRequest({
      version: 'v2',
      tenantSegment: TENANT,
      form: form({
        grant_type: 'client_credentials',
        client_id: a.clientId,
        client_secret: a.clientSecret,
        scope: DEFENDER_SCOPE,
      }),
      loginOrigin: LOGIN_ORIGIN,
      nowMs: now,
    });
    expect(res2.body.expires_in).toBe(60);
  });
});

describe('token endpoint: certificate credential (client_assertion)', () => {
  function assertionForm(assertion: string | undefined, type: string | null = CLIENT_ASSERTION_TYPE) {
    return {
      grant_type: 'client_credentials',
      client_id: app.clientId,
      scope: DEFENDER_SCOPE,
      client_assertion_type: type ?? undefined,
      client_assertion: assertion,
    };
  }

  it('accepts PS256 + x5t#S256 and marks appidacr 2', async () => {
    const a = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      nowSec,
    });
    const res = await request(assertionForm(a));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string).appidacr).toBe('2');
  });

  it('accepts RS256 + x5t (SHA-1)', async () => {
    const a = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      alg: 'RS256',
      nowSec,
    });
    expect((await request(assertionForm(a))).status).toBe(200);
  });

  it.each([
    `${LOGIN_ORIGIN}/${TENANT}/oauth2/token`,
    `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
    `${LOGIN_ORIGIN}/contoso-emulated.onmicrosoft.com/oauth2/v2.0/token`,
  ])('accepts aud %s', async (aud) => {
    const a = await clientAssertion({ clientId: app.clientId, aud, cert: testCertificate(0), nowSec });
    expect((await request(assertionForm(a))).status).toBe(200);
  });

  it('rejects an unregistered certificate with 700027 (key not found)', async () => {
    const other = testCertificate(1);
    const a = await clientAssertion({ clientId: app.clientId, aud: TOKEN_URL, cert: other, nowSec });
    expectAadError(
      await request(assertionForm(a)),
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${other.sha256Hex}'`,
    );
  });

  it('rejects a bad signature with 700027 (invalid signature)', async () => {
    const a = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      signingKeyPem: testCertificate(1).privateKeyPem,
      nowSec,
    });
    expectAadError(
      await request(assertionForm(a)),
      401,
      'invalid_client',
      700027,
      'Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value.',
    );
  });

  it('rejects an assertion without thumbprint header with 700027', async () => {
    const a = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      thumbprint: 'none',
      nowSec,
    });
    expectAadError(await request(assertionForm(a)), 401, 'invalid_client', 700027);
  });

  it('rejects an expired assertion with 700024 but allows 5 minutes of skew', async () => {
    const expired = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      nowSec: nowSec - 1000,
      lifetimeSec: 600,
    });
    expectAadError(
      await request(assertionForm(expired)),
      401,
      'invalid_client',
      700024,
      `AADSTS700024: Client assertion is not within its valid time range. Current time: ${ISO7}, assertion valid from `,
    );
    const withinSkew = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      nowSec: nowSec - 800,
      lifetimeSec: 600,
    });
    expect((await request(assertionForm(withinSkew))).status).toBe(200);
    const future = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      nowSec: nowSec + 1000,
    });
    expectAadError(await request(assertionForm(future)), 401, 'invalid_client', 700024);
  });

  it('rejects a wrong audience (50012) and several audiences (5002741)', async () => {
    const wrong = await clientAssertion({
      clientId: app.clientId,
      aud: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      cert: testCertificate(0),
      nowSec,
    });
    expectAadError(
      await request(assertionForm(wrong)),
      401,
      'invalid_client',
      50012,
      'Client assertion audience claim does not match Realm issuer.',
    );
    const otherTenant = await clientAssertion({
      clientId: app.clientId,
      aud: `${LOGIN_ORIGIN}/f8cdef31-a31e-4b4a-93e4-5f571e91255a/oauth2/v2.0/token`,
      cert: testCertificate(0),
      nowSec,
    });
    expectAadError(await request(assertionForm(otherTenant)), 401, 'invalid_client', 50012);
    const two = await clientAssertion({
      clientId: app.clientId,
      aud: [TOKEN_URL, `${LOGIN_ORIGIN}/${TENANT}/v2.0`],
      cert: testCertificate(0),
      nowSec,
    });
    expectAadError(await request(assertionForm(two)), 401, 'invalid_client', 5002741);
  });

  it('checks iss = sub = client_id', async () => {
    const mismatch = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      sub: '99999999-9999-9999-9999-999999999999',
      nowSec,
    });
    expectAadError(await request(assertionForm(mismatch)), 401, 'invalid_client', 50048);
    const otherClient = await clientAssertion({
      clientId: '99999999-9999-9999-9999-999999999999',
      aud: TOKEN_URL,
      cert: testCertificate(0),
      nowSec,
    });
    expectAadError(await request(assertionForm(otherClient)), 401, 'invalid_client', 700021);
  });

  it('validates client_assertion_type and the JWT format', async () => {
    const a = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      nowSec,
    });
    expectAadError(
      await request(assertionForm(a, null)),
      400,
      'invalid_request',
      900144,
      "'client_assertion_type'",
    );
    expectAadError(await request(assertionForm(a, 'urn:example:other')), 400, 'invalid_request', 90100);
    expectAadError(
      await request(assertionForm('not-a-jwt')),
      400,
      'invalid_request',
      50027,
      'JWT token is invalid or malformed.',
    );
    expectAadError(
      await request(assertionForm(undefined)),
      400,
      'invalid_request',
      900144,
      "'client_assertion'",
    );
    const hs = await new SignJWT({ iss: app.clientId, sub: app.clientId, aud: TOKEN_URL, exp: nowSec + 600 })
      .setProtectedHeader({ alg: 'HS256', x5t: testCertificate(0).x5t })
      .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough-32b'));
    expectAadError(await request(assertionForm(hs)), 400, 'invalid_request', 5002730);
  });

  it('rejects an expired certificate', async () => {
    const later = now + 2 * 365 * 86400_000;
    const a = await clientAssertion({
      clientId: app.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(0),
      nowSec: Math.floor(later / 1000),
    });
    const res = await request(assertionForm(a), { nowMs: later });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.body.error_codes).toEqual([700027]);
    expect(res.body.error_description).toContain('The key used is expired.');
  });

  it('a certificate-only app refuses secrets', async () => {
    const certOnly = dir.register({
      displayName: 'cert-only',
      roles: ['Machine.Read.All'],
      certificatePem: testCertificate(1).certificatePem,
    });
    dir.removeSecrets(certOnly.clientId);
    const res = await request(
      secretForm({ client_id: certOnly.clientId, client_secret: certOnly.clientSecret }),
    );
    expectAadError(res, 401, 'invalid_client', 7000215);
    const a = await clientAssertion({
      clientId: certOnly.clientId,
      aud: TOKEN_URL,
      cert: testCertificate(1),
      nowSec,
    });
    expect((await request({ ...assertionForm(a), client_id: certOnly.clientId })).status).toBe(200);
  });
});

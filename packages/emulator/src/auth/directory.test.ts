import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Directory, generateClientSecret, isDnsName, isGuid } from './directory.js';
import { certificateThumbprints, jwks } from './keys.js';
import { testCertificate } from './test-utils.js';

describe('Directory', () => {
  it('has a tenant GUID and a domain name', () => {
    const dir = new Directory();
    expect(isGuid(dir.tenantId)).toBe(true);
    expect(dir.domainName).toBe('contoso-emulated.onmicrosoft.com');
    expect(dir.tokenLifetimeSeconds).toBe(3599);
    expect(dir.accessTokenIssuer).toBe(`https://sts.windows.net/${dir.tenantId}/`);
    expect(() => new Directory({ tenantId: '00000000-0000-0000-0000-000000000000' })).toThrow();
    expect(() => new Directory({ tenantId: 'nope' })).toThrow();
  });

  it('registers applications with random ids and Entra-style secrets', () => {
    const dir = new Directory();
    const a = dir.register({ displayName: 'A', roles: ['Machine.Read.All'] });
    expect(isGuid(a.clientId)).toBe(true);
    expect(a.clientSecret).toHaveLength(40);
    expect(a.clientSecret).toMatch(/^[A-Za-z0-9]{3}Q~[A-Za-z0-9~._-]{35}$/);
    expect(a.graphRoles).toEqual([]);
    expect(dir.verifySecret(a.clientId, a.clientSecret)).toBe(true);
    expect(dir.verifySecret(a.clientId, `${a.clientSecret}x`)).toBe(false);
    expect(dir.verifySecret(a.clientId.toUpperCase(), a.clientSecret)).toBe(true);
    expect(generateClientSecret()).not.toBe(generateClientSecret());
  });

  it('keeps secrets only as hashes', () => {
    const dir = new Directory();
    const a = dir.register({ displayName: 'A', roles: [], clientSecret: 'super-secret-value' });
    expect(JSON.stringify(dir.listApplications())).not.toContain('super-secret-value');
    expect(JSON.stringify(dir.getApplication(a.clientId))).not.toContain('super-secret-value');
    expect(dir.getApplication(a.clientId)?.secretCount).toBe(1);
    const extra = dir.addSecret(a.clientId);
    expect(dir.verifySecret(a.clientId, extra)).toBe(true);
    dir.removeSecrets(a.clientId);
    expect(dir.verifySecret(a.clientId, 'super-secret-value')).toBe(false);
  });

  it('accepts fixed ids, refuses duplicates and non-GUIDs', () => {
    const dir = new Directory();
    const id = '0f9e8d7c-6b5a-4321-8fed-cba987654321';
    dir.register({ displayName: 'A', roles: [], clientId: id });
    expect(() => dir.register({ displayName: 'B', roles: [], clientId: id })).toThrow(/already/);
    expect(() => dir.register({ displayName: 'C', roles: [], clientId: 'app' })).toThrow(/GUID/);
    expect(dir.removeApplication(id)).toBe(true);
    expect(dir.getApplication(id)).toBeUndefined();
  });

  it('parses certificates and finds them by x5t / x5t#S256', () => {
    const dir = new Directory();
    const cert = testCertificate(0);
    const a = dir.register({ displayName: 'A', roles: [], certificatePem: cert.certificatePem });
    const x509 = new X509Certificate(cert.certificatePem);
    expect(a.certificateThumbprint).toBe(x509.fingerprint.replace(/:/g, ''));
    expect(a.certificateThumbprintSha256).toBe(x509.fingerprint256.replace(/:/g, ''));
    expect(dir.findCertificate(a.clientId, { x5tS256: cert.x5tS256 })?.sha1Hex).toBe(a.certificateThumbprint);
    expect(dir.findCertificate(a.clientId, { x5t: cert.x5t })).toBeDefined();
    expect(dir.findCertificate(a.clientId, { x5t: testCertificate(1).x5t })).toBeUndefined();
    dir.addCertificate(a.clientId, testCertificate(1).certificatePem);
    expect(dir.findCertificate(a.clientId, { x5t: testCertificate(1).x5t })).toBeDefined();
    expect(() => dir.register({ displayName: 'bad', roles: [], certificatePem: 'not a pem' })).toThrow();
  });

  it('resolves tenant segments', () => {
    const dir = new Directory({
      tenantId: '6de90c16-b0cb-4759-86b3-5601aec49b50',
      domainName: 'Contoso-Emulated.onmicrosoft.com',
    });
    expect(dir.resolveTenant('6DE90C16-B0CB-4759-86B3-5601AEC49B50')).toEqual({
      ok: true,
      tenantId: dir.tenantId,
    });
    expect(dir.resolveTenant('contoso-emulated.ONMICROSOFT.com')).toEqual({
      ok: true,
      tenantId: dir.tenantId,
    });
    expect(dir.resolveTenant('00000000-0000-0000-0000-000000000000')).toMatchObject({
      ok: false,
      reason: 'empty-guid',
    });
    expect(dir.resolveTenant('11111111-1111-1111-1111-111111111111')).toMatchObject({
      ok: false,
      reason: 'not-found',
    });
    expect(dir.resolveTenant('example.com')).toMatchObject({ ok: false, reason: 'not-found' });
    expect(dir.resolveTenant('bad tenant')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(dir.resolveTenant('common')).toMatchObject({ ok: false, reason: 'multi-tenant' });
    expect(isDnsName('a.b')).toBe(false);
    expect(isDnsName('login.emulator.invalid')).toBe(true);
  });
});

describe('signing keys', () => {
  it('publishes an RS256 JWKS whose kid/x5t are the certificate thumbprint', () => {
    const dir = new Directory();
    const set = dir.jwks();
    expect(set.keys).toHaveLength(1);
    const [k] = set.keys;
    expect(k).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB', kid: dir.signingKey.kid });
    expect(Buffer.from(k.n, 'base64url')).toHaveLength(256); // 2048-bit modulus
    expect(k.x5t).toBe(certificateThumbprints(dir.signingKey.certificatePem).x5t);
    expect(k.kid).toBe(k.x5t);
    expect(
      new X509Certificate(Buffer.from(k.x5c[0], 'base64')).publicKey.export({ format: 'jwk' }),
    ).toMatchObject({
      n: k.n,
    });
    expect(jwks([dir.signingKey, dir.signingKey]).keys).toHaveLength(2);
  });
});

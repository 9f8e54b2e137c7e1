import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import { Directory, type RegisteredApplication } from './directory.js';
import { DEFENDER_SCOPE, form, LOGIN_ORIGIN, testCertificate } from './test-utils.js';
import { issueAccessToken } from './token-endpoint.js';
import { requireRole, verifyAccessToken } from './verify.js';

let dir: Directory;
let app: RegisteredApplication;
const now = Date.now();

beforeAll(() => {
  dir = new Directory();
  app = dir.register({
    displayName: 'reader',
    roles: ['Machine.Read.All'],
    graphRoles: ['ThreatHunting.Read.All'],
  });
});

async function expectUnauthorized(p: Promise<unknown>, message: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DefenderError);
  const de = err as DefenderError;
  expect(de.status).toBe(401);
  expect(de.code).toBe('Unauthorized');
  expect(de.message).toMatch(message);
}

describe('verifyAccessToken', () => {
  it('accepts a token from the token endpoint and returns its claims', async () => {
    const res = await dir.handleTokenRequest({
      version: 'v2',
      tenantSegment: dir.tenantId,
      form: form({
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        scope: DEFENDER_SCOPE,
      }),
      loginOrigin: LOGIN_ORIGIN,
      nowMs: now,
    });
    const claims = await dir.verifyAccessToken(`Bearer ${res.body.access_token}`, {
      audience: 'defender',
      nowMs: now,
    });
    expect(claims.appid).toBe(app.clientId);
    expect(claims.tid).toBe(dir.tenantId);
    expect(claims.roles).toEqual(['Machine.Read.All']);
    // scheme is case-insensitive
    await expect(
      verifyAccessToken(dir, `bearer ${res.body.access_token}`, { audience: 'defender', nowMs: now }),
    ).resolves.toBeTruthy();
  });

  it('rejects a missing header', async () => {
    await expectUnauthorized(
      verifyAccessToken(dir, undefined, { audience: 'defender', nowMs: now }),
      /header is missing/,
    );
    await expectUnauthorized(
      verifyAccessToken(dir, '  ', { audience: 'defender', nowMs: now }),
      /header is missing/,
    );
  });

  it('rejects a non-Bearer scheme', async () => {
    const { accessToken } = await issueAccessToken(dir, {
      clientId: app.clientId,
      audience: 'defender',
      nowMs: now,
    });
    await expectUnauthorized(
      verifyAccessToken(dir, `Basic ${accessToken}`, { audience: 'defender', nowMs: now }),
      /Bearer/,
    );
    await expectUnauthorized(
      verifyAccessToken(dir, accessToken, { audience: 'defender', nowMs: now }),
      /Bearer/,
    );
  });

  it('rejects a malformed token', async () => {
    await expectUnauthorized(
      verifyAccessToken(dir, 'Bearer abc.def', { audience: 'defender', nowMs: now }),
      /malformed/,
    );
  });

  it('rejects a token signed by another key or tampered with', async () => {
    const foreign = new Directory({ tenantId: dir.tenantId });
    const fa = foreign.register({ displayName: 'x', roles: ['Machine.Read.All'] });
    const { accessToken: other } = await issueAccessToken(foreign, {
      clientId: fa.clientId,
      audience: 'defender',
      nowMs: now,
    });
    await expectUnauthorized(
      verifyAccessToken(dir, `Bearer ${other}`, { audience: 'defender', nowMs: now }),
      /signature is invalid/,
    );

    const { accessToken } = await issueAccessToken(dir, {
      clientId: app.clientId,
      audience: 'defender',
      nowMs: now,
    });
    const [h, p, s] = accessToken.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.roles = ['Machine.Isolate'];
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await expectUnauthorized(
      verifyAccessToken(dir, `Bearer ${tampered}`, { audience: 'defender', nowMs: now }),
      /signature is invalid/,
    );

    // same kid, other key
    const forged = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: dir.signingKey.kid })
      .sign(createPrivateKey(testCertificate(0).privateKeyPem));
    await expectUnauthorized(
      verifyAccessToken(dir, `Bearer ${forged}`, { audience: 'defender', nowMs: now }),
      /signature is invalid/,
    );
  });

  it('rejects an expired token, exactly at exp', async () => {
    dir.tokenLifetimeSeconds = 10;
    try {
      const { accessToken, claims } = await issueAccessToken(dir, {
        clientId: app.clientId,
        audience: 'defender',
        nowMs: now,
      });
      const header = `Bearer ${accessToken}`;
      await expect(
        verifyAccessToken(dir, header, { audience: 'defender', nowMs: claims.exp * 1000 - 1 }),
      ).resolves.toBeTruthy();
      await expectUnauthorized(
        verifyAccessToken(dir, header, { audience: 'defender', nowMs: claims.exp * 1000 }),
        /expired/,
      );
      // with leeway
      await expect(
        verifyAccessToken(dir, header, {
          audience: 'defender',
          nowMs: claims.exp * 1000 + 1000,
          clockSkewSeconds: 60,
        }),
      ).resolves.toBeTruthy();
    } finally {
      dir.tokenLifetimeSeconds = 3599;
    }
  });

  it('rejects a token that is not yet valid', async () => {
    const { accessToken } = await issueAccessToken(dir, {
      clientId: app.clientId,
      audience: 'defender',
      nowMs: now + 3600_000,
    });
    await expectUnauthorized(
      verifyAccessToken(dir, `Bearer ${accessToken}`, { audience: 'defender', nowMs: now }),
      /not yet valid/,
    );
  });

  it('rejects the wrong audience and says which', async () => {
    const { accessToken } = await issueAccessToken(dir, {
      clientId: app.clientId,
      audience: 'graph',
      nowMs: now,
    });
    await expectUnauthorized(
      verifyAccessToken(dir, `Bearer ${accessToken}`, { audience: 'defender', nowMs: now }),
      /audience 'https:\/\/graph\.microsoft\.com' is invalid; expected 'https:\/\/api\.securitycenter\.microsoft\.com'/,
    );
    const claims = await verifyAccessToken(dir, `Bearer ${accessToken}`, { audience: 'graph', nowMs: now });
    expect(claims.roles).toEqual(['ThreatHunting.Read.All']);
  });

  it('rejects a token of another tenant (issuer)', async () => {
    const otherTenant = new Directory({ signingKey: dir.signingKey });
    const oa = otherTenant.register({ displayName: 'x', roles: ['Machine.Read.All'] });
    const { accessToken } = await issueAccessToken(otherTenant, {
      clientId: oa.clientId,
      audience: 'defender',
      nowMs: now,
    });
    await expectUnauthorized(
      verifyAccessToken(dir, `Bearer ${accessToken}`, { audience: 'defender', nowMs: now }),
      /issuer/,
    );
  });
});

describe('requireRole', () => {
  it('passes when any role is present', () => {
    expect(() =>
      requireRole({ roles: ['Machine.ReadWrite.All'] }, ['Machine.Read.All', 'Machine.ReadWrite.All']),
    ).not.toThrow();
  });

  it('throws 403 Forbidden naming the required roles', () => {
    let err: unknown;
    try {
      requireRole({ roles: ['Machine.Read.All'] }, ['Machine.Isolate']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DefenderError);
    expect((err as DefenderError).status).toBe(403);
    expect((err as DefenderError).code).toBe('Forbidden');
    expect((err as DefenderError).message).toContain('Machine.Isolate');
    expect(() => requireRole({}, ['Alert.Read.All', 'Alert.ReadWrite.All'])).toThrow(
      /Alert\.Read\.All, Alert\.ReadWrite\.All/,
    );
  });
});

import { type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MsalTokenProvider } from '../auth/msal-token-provider.js';
import { DEFENDER_ROLES, describeMissing, Features, featureMatrix, rolesOf } from './feature-matrix.js';

const jwt = (payload: unknown) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

describe('rolesOf', () => {
  it('reads the roles claim without verifying', () => {
    expect(rolesOf(jwt({ roles: ['Machine.Read.All', 'Machine.Scan'] }))).toEqual([
      'Machine.Read.All',
      'Machine.Scan',
    ]);
    expect(rolesOf(`Bearer ${jwt({ roles: ['Score.Read.All'] })}`)).toEqual(['Score.Read.All']);
  });

  it.each([
    ['', 'empty'],
    ['garbage', 'not a JWT'],
    ['a.!!!.c', 'bad base64'],
    [`a.${Buffer.from('not json').toString('base64url')}.c`, 'not JSON'],
    [jwt(null), 'null payload'],
    [jwt({ aud: 'x' }), 'no roles (Entra omits the claim when none are granted)'],
    [jwt({ roles: 'Machine.Read.All' }), 'roles not an array'],
  ])('tolerates %j (%s) → []', (token) => {
    expect(rolesOf(token)).toEqual([]);
  });

  it('drops non-string entries', () => {
    expect(rolesOf(jwt({ roles: ['Machine.Read.All', 3, null] }))).toEqual(['Machine.Read.All']);
  });
});

describe('featureMatrix', () => {
  it('lists every role the bridge cares about', () => {
    const m = featureMatrix(['Machine.Isolate', 'Something.Else']);
    expect(Object.keys(m.permissions)).toEqual([...DEFENDER_ROLES]);
    expect(m.permissions['Machine.Isolate']).toBe(true);
    expect(m.permissions['Machine.Scan']).toBe(false);
    expect(Object.keys(m.features)).toEqual([...Features]);
  });

  it('lets ReadWrite roles satisfy Read', () => {
    const m = featureMatrix(['Machine.ReadWrite.All', 'Alert.ReadWrite.All']);
    expect(m.features.inventory).toMatchObject({ enabled: true, grantedBy: ['Machine.ReadWrite.All'] });
    expect(m.features.tags.enabled).toBe(true);
    expect(m.features.alerts.enabled).toBe(true);
    expect(m.features.alertUpdates.enabled).toBe(true);
    expect(m.permissions['Machine.Read.All']).toBe(false);
  });

  it('counts Graph roles only when given', () => {
    expect(featureMatrix([]).features.hunting.enabled).toBe(false);
    const m = featureMatrix([], { graphRoles: ['ThreatHunting.Read.All'] });
    expect(m.features.hunting).toMatchObject({ enabled: true, grantedBy: ['ThreatHunting.Read.All'] });
    expect(m.permissions['ThreatHunting.Read.All']).toBe(true);
    expect(m.permissions['SecurityAlert.Read.All']).toBe(false);
    expect(m.features.alerts.reason).toContain('or the Microsoft Graph permission SecurityAlert.Read.All');
  });

  it('says nothing is missing when every role is held', () => {
    expect(describeMissing(featureMatrix([...DEFENDER_ROLES]))).toEqual([]);
  });
});

describe('featureMatrix from a real token (emulator)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ devices: 5, clock: 'manual', log: () => {} });
  });
  afterAll(() => emu?.close());

  it('an app with only Machine.Read.All gets inventory and nothing else', async () => {
    const res = await fetch(`${emu.apiUrl}/_emulator/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'read-only', roles: ['Machine.Read.All'] }),
    });
    const app = (await res.json()) as { clientId: string; clientSecret: string };
    const token = await new MsalTokenProvider({
      tenantId: emu.tenantId,
      clientId: app.clientId,
      credential: { clientSecret: app.clientSecret },
      cloud: {
        name: 'custom',
        description: '',
        loginUrl: emu.loginUrl,
        apiUrl: emu.apiUrl,
        graphUrl: emu.graphUrl,
        defenderScope: 'https://api.securitycenter.microsoft.com/.default',
        defenderResource: 'https://api.securitycenter.microsoft.com',
        graphScope: 'https://graph.microsoft.com/.default',
        portalUrl: 'https://security.microsoft.com',
      },
    }).getToken('defender');

    const roles = rolesOf(token);
    expect(roles).toEqual(['Machine.Read.All']);
    const m = featureMatrix(roles);
    expect(m.features.inventory).toEqual({
      enabled: true,
      anyOf: ['Machine.Read.All', 'Machine.ReadWrite.All'],
      grantedBy: ['Machine.Read.All'],
    });
    for (const f of ['isolate', 'scan', 'hunting', 'alerts', 'tags', 'vulnerabilities', 'scores'] as const) {
      expect(m.features[f].enabled, f).toBe(false);
    }
    expect(m.features.isolate).toMatchObject({
      anyOf: ['Machine.Isolate'],
      reason: expect.stringContaining('Machine.Isolate'),
    });
    expect(m.features.hunting.anyOf).toEqual(['AdvancedQuery.Read.All']);

    const lines = describeMissing(m);
    expect(lines).toContain('Missing Machine.Isolate: isolate and release are disabled');
    expect(lines).toContain('Missing Machine.Scan: antivirus scans are disabled');
    expect(lines).toContain(
      'Missing AdvancedQuery.Read.All: advanced hunting and process stitching are disabled',
    );
    expect(lines).toContain('Missing Machine.ReadWrite.All: device tags are disabled');
    expect(lines).toContain(
      'Missing Alert.Read.All or Alert.ReadWrite.All: alert sync and detection validation are disabled',
    );
    expect(lines.some((l) => l.includes('device inventory'))).toBe(false);
  });
});

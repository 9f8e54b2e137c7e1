import { request as httpsRequest } from 'node:https';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCertificate } from '../auth/index.js';
import { DEFENDER_SCOPE, GRAPH_SCOPE, type Harness, startHarness } from './harness.js';

describe('Entra ID and token checks over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('gives MSAL a Defender token over plain HTTP with authorityMetadata (client secret)', async () => {
    const origin = h.emu.loginUrl;
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: h.emu.demoApp.clientId,
        clientSecret: h.emu.demoApp.clientSecret,
        authority: `https://login.emulator.invalid/${h.emu.tenantId}`,
        knownAuthorities: ['login.emulator.invalid'],
        authorityMetadata: JSON.stringify({
          token_endpoint: `${origin}/${h.emu.tenantId}/oauth2/v2.0/token`,
          authorization_endpoint: `${origin}/${h.emu.tenantId}/oauth2/v2.0/authorize`,
          issuer: `${origin}/${h.emu.tenantId}/v2.0`,
        }),
      },
    });
    const result = await msal.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
    const machines = await h.call('/api/machines?$top=1', { token: result?.accessToken });
    expect(machines.status).toBe(200);
    expect(machines.body.value).toHaveLength(1);
  });

  it('gives MSAL a token with a registered certificate (client assertion)', async () => {
    const cert = generateCertificate({ commonName: 'contract-client' });
    const app = await h.control('apps', 'POST', {
      displayName: 'cert app',
      roles: ['Machine.Read.All'],
      certificatePem: cert.certificatePem,
    });
    expect(app.status).toBe(201);
    const origin = h.emu.loginUrl;
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: app.body.clientId,
        clientCertificate: { thumbprintSha256: cert.sha256Hex, privateKey: cert.privateKeyPem },
        authority: `https://login.emulator.invalid/${h.emu.tenantId}`,
        knownAuthorities: ['login.emulator.invalid'],
        authorityMetadata: JSON.stringify({
          token_endpoint: `${origin}/${h.emu.tenantId}/oauth2/v2.0/token`,
          authorization_endpoint: `${origin}/${h.emu.tenantId}/oauth2/v2.0/authorize`,
          issuer: `${origin}/${h.emu.tenantId}/v2.0`,
        }),
      },
    });
    const result = await msal.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    const machines = await h.call('/api/machines?$top=1', { token: result?.accessToken });
    expect(machines.status).toBe(200);
  });

  it('rejects a wrong secret with AADSTS7000215 and an unknown tenant with AADSTS90002', async () => {
    const wrong = await fetch(`${h.emu.loginUrl}/${h.emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: h.emu.demoApp.clientId,
        client_secret: 'not-the-secret',
        scope: DEFENDER_SCOPE,
      }),
    });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { error: string; error_codes: number[] };
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
    const tenant = await fetch(`${h.emu.loginUrl}/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'x',
        client_secret: 'y',
        scope: DEFENDER_SCOPE,
      }),
    });
    expect(tenant.status).toBe(400);
    expect(((await tenant.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });

  it('answers 401 without a token, with a forged token and with a Graph token on the Defender API', async () => {
    expect((await h.call('/api/machines', { token: null })).status).toBe(401);
    const forged = await h.call('/api/machines', { token: 'eyJhbGciOiJub25lIn0.e30.' });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('Unauthorized');
    const graph = await h.call('/api/machines', { token: await h.token(GRAPH_SCOPE) });
    expect(graph.status).toBe(401);
  });

  it('answers 403 Forbidden naming the role an application lacks', async () => {
    const app = await h.control('apps', 'POST', { displayName: 'reader', roles: ['Machine.Read.All'] });
    const token = await h.token(DEFENDER_SCOPE, app.body);
    const machine = (await h.call('/api/machines?$top=1', { token })).body.value[0];
    const isolate = await h.call(`/api/machines/${machine.id}/isolate`, {
      method: 'POST',
      token,
      json: { Comment: 'x', IsolationType: 'Full' },
    });
    expect(isolate.status).toBe(403);
    expect(isolate.body.error.code).toBe('Forbidden');
    expect(isolate.body.error.message).toContain('Machine.Isolate');
    expect((await h.call('/api/alerts', { token })).status).toBe(403);
  });

  it('expires short-lived tokens (fault) and answers 401 once they lapse', async () => {
    await h.control('faults', 'POST', { kind: 'shortTokens', tokenLifetimeSeconds: 1 });
    const res = await fetch(`${h.emu.loginUrl}/${h.emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: h.emu.demoApp.clientId,
        client_secret: h.emu.demoApp.clientSecret,
        scope: DEFENDER_SCOPE,
      }),
    });
    const body = (await res.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(1);
    await h.control('faults', 'DELETE');
    await new Promise((r) => setTimeout(r, 2100)); // token expiry is wall-clock by design (MSAL checks it)
    expect((await h.call('/api/machines?$top=1', { token: body.access_token })).status).toBe(401);
  });
});

describe('Entra ID over HTTPS with OpenID discovery', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      https: true,
      certificateDir: `${process.env.TMPDIR ?? '/tmp'}/mde-emu-${process.pid}`,
    });
  });
  afterAll(() => h.close());

  it('gives MSAL a token through discovery, trusting the emulator certificate', async () => {
    const ca = h.emu.certificatePem!;
    const url = new URL(h.emu.loginUrl);
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: h.emu.demoApp.clientId,
        clientSecret: h.emu.demoApp.clientSecret,
        authority: `${h.emu.loginUrl}/${h.emu.tenantId}`,
        knownAuthorities: [url.host],
      },
      system: { networkClient: httpsClient(ca) },
    });
    const result = await msal.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
    const claims = JSON.parse(Buffer.from(result!.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.aud).toBe('https://api.securitycenter.microsoft.com');
    expect(claims.tid).toBe(h.emu.tenantId);
    expect(claims.roles).toContain('Machine.Isolate');
  });
});

/** MSAL's INetworkModule over node:https with the emulator's self-signed certificate as the only CA. */
function httpsClient(ca: string) {
  const send = (url: string, method: string, options?: { headers?: Record<string, string>; body?: string }) =>
    new Promise<{ headers: Record<string, string>; body: never; status: number }>((resolve, reject) => {
      const req = httpsRequest(url, { method, ca, headers: options?.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
            body: (text ? JSON.parse(text) : {}) as never,
          });
        });
      });
      req.on('error', reject);
      if (options?.body) req.write(options.body);
      req.end();
    });
  return {
    sendGetRequestAsync: (url: string, options?: { headers?: Record<string, string> }) =>
      send(url, 'GET', options),
    sendPostRequestAsync: (url: string, options?: { headers?: Record<string, string>; body?: string }) =>
      send(url, 'POST', options),
  };
}

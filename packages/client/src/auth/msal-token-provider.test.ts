import { createServer } from 'node:net';
import { type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCertificate } from '../../../emulator/src/auth/keys.js';
import type { CloudProfile } from '../clouds/types.js';
import { AuthenticationError, NetworkError } from '../errors.js';
import { rolesOf } from '../permissions/index.js';
import type { FetchLike, Logger } from '../pipeline/types.js';
import { authorityOptions, MsalTokenProvider, type MsalTokenProviderOptions } from './msal-token-provider.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ devices: 5, clock: 'manual', log: () => {} });
});
afterAll(() => emu?.close());
afterEach(async () => {
  vi.useRealTimers();
  await fetch(`${emu.apiUrl}/_emulator/faults`, { method: 'DELETE' });
});

function cloudFor(loginUrl: string): CloudProfile {
  return {
    name: 'custom',
    description: '',
    loginUrl,
    apiUrl: emu.apiUrl,
    graphUrl: emu.graphUrl,
    defenderScope: 'https://api.securitycenter.microsoft.com/.default',
    defenderResource: 'https://api.securitycenter.microsoft.com',
    graphScope: 'https://graph.microsoft.com/.default',
    portalUrl: 'https://security.microsoft.com',
  };
}

/** A fetch that records every request MSAL makes (method, path, form body). */
function recordingFetch() {
  const calls: { method: string; path: string; body: string }[] = [];
  const wrapped: FetchLike = async (input, init) => {
    calls.push({
      method: init?.method ?? 'GET',
      path: new URL(String(input)).pathname,
      body: typeof init?.body === 'string' ? init.body : '',
    });
    return fetch(input, init);
  };
  return { calls, fetch: wrapped };
}

function recordingLogger() {
  const lines: string[] = [];
  const log = (level: string) => (obj: object, msg?: string) =>
    lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { lines, logger };
}

function provider(overrides: Partial<MsalTokenProviderOptions> = {}) {
  const rec = recordingFetch();
  const log = recordingLogger();
  const p = new MsalTokenProvider({
    tenantId: emu.tenantId,
    clientId: emu.demoApp.clientId,
    credential: { clientSecret: emu.demoApp.clientSecret },
    cloud: cloudFor(emu.loginUrl),
    fetch: rec.fetch,
    logger: log.logger,
    ...overrides,
  });
  return { provider: p, calls: rec.calls, logs: log.lines };
}

async function registerApp(body: { roles: string[]; graphRoles?: string[]; certificatePem?: string }) {
  const res = await fetch(`${emu.apiUrl}/_emulator/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'client-auth-test', ...body }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { clientId: string; clientSecret: string };
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

const tokenPosts = <T extends { method: string; path: string }>(calls: T[]): T[] =>
  calls.filter((c) => c.method === 'POST' && c.path.endsWith('/oauth2/v2.0/token'));

describe('MsalTokenProvider against the emulator', () => {
  it('gets a Defender token with a client secret, posting only to the token endpoint', async () => {
    const { provider: p, calls, logs } = provider();
    const token = await p.getToken('defender');
    const c = claims(token);
    expect(c.aud).toBe('https://api.securitycenter.microsoft.com');
    expect(c.appid).toBe(emu.demoApp.clientId);
    expect(c.appidacr).toBe('1');
    expect(rolesOf(token)).toContain('Machine.Isolate');
    expect(calls.map((x) => `${x.method} ${x.path}`)).toEqual([`POST /${emu.tenantId}/oauth2/v2.0/token`]);
    expect(logs.some((l) => l.startsWith('info Acquired a defender token'))).toBe(true);
    expect(logs.join('\n')).not.toContain(emu.demoApp.clientSecret);
    expect(logs.join('\n')).not.toContain(token);
  });

  it('gets a Graph token with the Graph scope', async () => {
    const { provider: p } = provider();
    const token = await p.getToken('graph');
    expect(claims(token).aud).toBe('https://graph.microsoft.com');
    expect(rolesOf(token)).toContain('ThreatHunting.Read.All');
  });

  it('gets a token with a certificate given as one PEM bundle (certificate + key)', async () => {
    const cert = generateCertificate({ commonName: 'bundle' });
    const app = await registerApp({ roles: ['Machine.Read.All'], certificatePem: cert.certificatePem });
    const { provider: p, calls } = provider({
      clientId: app.clientId,
      credential: { certificatePem: `${cert.certificatePem}\n${cert.privateKeyPem}` },
    });
    const token = await p.getToken('defender');
    expect(claims(token).appidacr).toBe('2');
    expect(rolesOf(token)).toEqual(['Machine.Read.All']);
    expect(tokenPosts(calls)[0].body).toContain('client_assertion=');
    expect(tokenPosts(calls)[0].body).not.toContain('client_secret');
  });

  it('gets a token with a certificate and a separate private key', async () => {
    const cert = generateCertificate({ commonName: 'separate' });
    const app = await registerApp({ roles: ['Alert.Read.All'], certificatePem: cert.certificatePem });
    const { provider: p } = provider({
      clientId: app.clientId,
      credential: { certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem },
    });
    expect(rolesOf(await p.getToken('defender'))).toEqual(['Alert.Read.All']);
  });

  it('reuses the cached token: a second call makes no request', async () => {
    const { provider: p, calls } = provider();
    const first = await p.getToken('defender');
    const second = await p.getToken('defender');
    expect(second).toBe(first);
    expect(tokenPosts(calls)).toHaveLength(1);
    // Graph is a separate cache entry
    await p.getToken('graph');
    await p.getToken('graph');
    expect(tokenPosts(calls)).toHaveLength(2);
  });

  it('renews a cached token 5 minutes before it expires', async () => {
    await fetch(`${emu.apiUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'shortTokens', tokenLifetimeSeconds: 600 }),
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    const { provider: p, calls } = provider();
    const first = await p.getToken('defender');
    vi.setSystemTime(Date.now() + 290_000); // 310 s left: still served from the cache
    expect(await p.getToken('defender')).toBe(first);
    expect(tokenPosts(calls)).toHaveLength(1);
    vi.setSystemTime(Date.now() + 20_000); // 290 s left: inside the 5-minute renewal window
    const renewed = await p.getToken('defender');
    expect(renewed).not.toBe(first);
    expect(tokenPosts(calls)).toHaveLength(2);
  });

  it('asks again on every call when tokens live less than 5 minutes (MSAL never caches them)', async () => {
    await fetch(`${emu.apiUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'shortTokens', tokenLifetimeSeconds: 120 }),
    });
    const { provider: p, calls } = provider();
    await p.getToken('defender');
    await p.getToken('defender');
    expect(tokenPosts(calls)).toHaveLength(2);
  });

  it('forceRefresh skips the cache and gets a new token', async () => {
    const { provider: p, calls } = provider();
    const first = await p.getToken('defender');
    const refreshed = await p.getToken('defender', { forceRefresh: true });
    expect(refreshed).not.toBe(first);
    expect(tokenPosts(calls)).toHaveLength(2);
    // the refreshed token is what the cache serves next
    expect(await p.getToken('defender')).toBe(refreshed);
    expect(tokenPosts(calls)).toHaveLength(2);
  });

  it('coalesces concurrent calls for one resource into one request', async () => {
    const { provider: p, calls } = provider();
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => p.getToken('defender')));
    expect(new Set(tokens).size).toBe(1);
    expect(tokenPosts(calls)).toHaveLength(1);
  });

  it('a caller that aborts stops waiting without failing the others', async () => {
    const { provider: p, calls } = provider();
    const controller = new AbortController();
    const aborted = p.getToken('defender', { signal: controller.signal });
    const other = p.getToken('defender');
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    expect(await other).toMatch(/^ey/);
    expect(tokenPosts(calls)).toHaveLength(1);
  });
});

describe('MsalTokenProvider with an https login host (real clouds)', () => {
  it('posts straight to {loginUrl}/{tenant}/oauth2/v2.0/token with no instance or OpenID discovery', async () => {
    const seen: string[] = [];
    const fakeEntra: FetchLike = async (input, init) => {
      seen.push(`${init?.method} ${String(input)}`);
      const body = {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: 'eyJ0.e30.sig',
      };
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    };
    const tenantId = '6de90c16-b0cb-4759-86b3-5601aec49b50';
    const p = new MsalTokenProvider({
      tenantId,
      clientId: '11111111-2222-3333-4444-555555555555',
      credential: { clientSecret: 'secret-value' },
      cloud: {
        ...cloudFor('https://login.microsoftonline.us'),
        defenderScope: 'https://api-gov.securitycenter.microsoft.us/.default',
      },
      fetch: fakeEntra,
    });
    expect(await p.getToken('defender')).toBe('eyJ0.e30.sig');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(
      new RegExp(`^POST https://login\\.microsoftonline\\.us/${tenantId}/oauth2/v2\\.0/token\\?`),
    );
  });

  it('keeps a non-default port in the authority', () => {
    const o = authorityOptions(cloudFor('https://127.0.0.1:8443'), 't1');
    expect(o).toMatchObject({ authority: 'https://127.0.0.1:8443/t1', knownAuthorities: ['127.0.0.1:8443'] });
    expect(JSON.parse(o.authorityMetadata).issuer).toBe('https://127.0.0.1:8443/t1/v2.0');
    const http = authorityOptions(cloudFor('http://127.0.0.1:9000'), 't1');
    expect(http.authority).toBe('https://login.mde-bridge.invalid/t1');
    expect(JSON.parse(http.authorityMetadata).token_endpoint).toBe(
      'http://127.0.0.1:9000/t1/oauth2/v2.0/token',
    );
  });
});

describe('MsalTokenProvider errors', () => {
  async function failure(overrides: Partial<MsalTokenProviderOptions>) {
    const { provider: p, logs } = provider(overrides);
    const err = await p.getToken('defender').then(
      () => {
        throw new Error('expected getToken to fail');
      },
      (e: unknown) => e as Error,
    );
    return { err, logs };
  }

  it('a wrong secret gives InvalidClientSecret (AADSTS7000215) and never echoes the secret', async () => {
    const secret = 'Wrong~Secret.Value-0123456789abcdefghijk';
    const { err, logs } = await failure({ credential: { clientSecret: secret } });
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ code: 'InvalidClientSecret', aadsts: 7000215 });
    expect(err.message).toContain('Certificates & secrets');
    expect(err.message).toContain('Value (not its Secret ID)');
    expect(err.cause).toBeDefined();
    for (const text of [err.message, String(err.cause), JSON.stringify(err), logs.join('\n')]) {
      expect(text).not.toContain(secret);
    }
  });

  it('an unknown tenant gives TenantNotFound naming the tenant', async () => {
    const tenantId = '0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const { err } = await failure({ tenantId });
    expect(err).toMatchObject({ code: 'TenantNotFound', aadsts: 90002 });
    expect(err.message).toContain(tenantId);
    expect(err.message).toContain('check the tenant ID and the cloud');
  });

  it('an unknown client gives ApplicationNotFound naming the client and tenant', async () => {
    const clientId = '5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d';
    const { err } = await failure({ clientId });
    expect(err).toMatchObject({ code: 'ApplicationNotFound', aadsts: 700016 });
    expect(err.message).toContain(`pplication ${clientId} is not registered in tenant '${emu.tenantId}'`);
  });

  it('a certificate not registered on the app gives CertificateNotRegistered', async () => {
    const registered = generateCertificate({ commonName: 'registered' });
    const other = generateCertificate({ commonName: 'other' });
    const app = await registerApp({ roles: ['Machine.Read.All'], certificatePem: registered.certificatePem });
    const { err } = await failure({
      clientId: app.clientId,
      credential: { certificatePem: other.certificatePem, privateKeyPem: other.privateKeyPem },
    });
    expect(err).toMatchObject({ code: 'CertificateNotRegistered', aadsts: 700027 });
    expect(err.message).toContain("upload the certificate's public part");
    expect(err.message).toContain(other.sha256Hex.slice(0, 16));
  });

  it('a private key that does not belong to the certificate gives InvalidCertificate before any request', async () => {
    const a = generateCertificate({ commonName: 'a' });
    const b = generateCertificate({ commonName: 'b' });
    const { provider: p, calls } = provider({
      credential: { certificatePem: a.certificatePem, privateKeyPem: b.privateKeyPem },
    });
    await expect(p.getToken('defender')).rejects.toMatchObject({ code: 'InvalidCertificate' });
    const noKey = provider({ credential: { certificatePem: a.certificatePem } }).provider;
    await expect(noKey.getToken('defender')).rejects.toThrow(/holds no private key/);
    expect(calls).toHaveLength(0);
  });

  it('an unreachable login host gives NetworkError naming the host', async () => {
    const port = await closedPort();
    const { err } = await failure({ cloud: cloudFor(`http://127.0.0.1:${port}`) });
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toMatch(/refused/);
  });
});

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

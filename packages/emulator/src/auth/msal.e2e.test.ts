/**
 * End to end: @azure/msal-node's ConfidentialClientApplication gets tokens from the emulated Entra ID served
 * by a tiny node:http / node:https router (the real HTTP wiring lives elsewhere; this only proves the pure
 * functions are enough for MSAL). Set MSAL_DEBUG=1 to see MSAL's verbose log.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
  LogLevel,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Directory, type RegisteredApplication } from './directory.js';
import { instanceDiscovery, jwksResponse } from './discovery.js';
import { type GeneratedCertificate, generateCertificate } from './keys.js';
import { DEFENDER_SCOPE, testCertificate } from './test-utils.js';

const TENANT = '6de90c16-b0cb-4759-86b3-5601aec49b50';

interface Served {
  origin: string;
  log: string[];
  close: () => Promise<void>;
}

/** Routes the login-host paths MSAL (and other clients) use to the auth functions. */
function handler(dir: Directory, originRef: { origin: string }, log: string[]): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const origin = originRef.origin;
        const url = new URL(req.url ?? '/', origin);
        const body = Buffer.concat(chunks).toString('utf8');
        const segs = url.pathname.split('/').filter(Boolean);
        const path = segs.slice(1).join('/');
        const correlationId =
          (req.headers['client-request-id'] as string | undefined) ??
          url.searchParams.get('client-request-id') ??
          undefined;
        log.push(`${req.method} ${url.pathname}`);
        if (url.search) log.push(`  query: ${[...url.searchParams.keys()].sort().join(',')}`);
        let out: { status: number; body: object; headers: Record<string, string> } | undefined;
        if (req.method === 'POST' && (path === 'oauth2/v2.0/token' || path === 'oauth2/token')) {
          const form = new URLSearchParams(body);
          log.push(`  form: ${[...form.keys()].sort().join(',')}`);
          out = await dir.handleTokenRequest({
            version: path === 'oauth2/token' ? 'v1' : 'v2',
            tenantSegment: segs[0],
            form,
            loginOrigin: origin,
            nowMs: Date.now(),
            authorizationHeader: req.headers.authorization,
            correlationId,
          });
        } else if (req.method === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
          out = dir.openidConfiguration(segs[0], origin, 'v2');
        } else if (req.method === 'GET' && path === '.well-known/openid-configuration') {
          out = dir.openidConfiguration(segs[0], origin, 'v1');
        } else if (req.method === 'GET' && (path === 'discovery/v2.0/keys' || path === 'discovery/keys')) {
          out = jwksResponse(dir, segs[0], origin);
        } else if (req.method === 'GET' && url.pathname === '/common/discovery/instance') {
          out = instanceDiscovery(dir, url.searchParams, origin);
        }
        if (!out) {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not_found"}');
          return;
        }
        res.writeHead(out.status, out.headers).end(JSON.stringify(out.body));
      })();
    });
  };
}

async function serve(dir: Directory, tls?: GeneratedCertificate): Promise<Served> {
  const log: string[] = [];
  const ref = { origin: '' };
  const h = handler(dir, ref, log);
  const server = tls
    ? https.createServer({ key: tls.privateKeyPem, cert: tls.certificatePem }, h)
    : http.createServer(h);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  ref.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    origin: ref.origin,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An MSAL network client that trusts one extra CA (MSAL's default client is global fetch, which cannot).
 * `redirectLoginTo` optionally sends requests for https://login.microsoftonline.com to the emulator instead.
 */
function networkClientTrusting(ca: string, redirectLoginTo?: string): INetworkModule {
  function send<T>(
    url: string,
    method: 'GET' | 'POST',
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const real = 'https://login.microsoftonline.com/';
      const u = new URL(
        redirectLoginTo && url.startsWith(real) ? `${redirectLoginTo}/${url.slice(real.length)}` : url,
      );
      const lib = u.protocol === 'https:' ? https : http;
      const req = lib.request(u, { method, headers: options?.headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: T;
          try {
            body = JSON.parse(text) as T;
          } catch {
            body = {} as T;
          }
          resolve({ status: res.statusCode ?? 0, headers, body });
        });
      });
      req.on('error', reject);
      req.end(method === 'POST' ? (options?.body ?? '') : undefined);
    });
  }
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, 'GET', options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, 'POST', options),
  };
}

const loggerOptions = {
  logLevel: process.env.MSAL_DEBUG ? LogLevel.Verbose : LogLevel.Error,
  piiLoggingEnabled: !!process.env.MSAL_DEBUG,
  loggerCallback: (_level: LogLevel, message: string) => {
    if (process.env.MSAL_DEBUG) console.log(message);
  },
};

let dir: Directory;
let app: RegisteredApplication;
let cert: GeneratedCertificate;

beforeAll(() => {
  dir = new Directory({ tenantId: TENANT });
  cert = testCertificate(0);
  app = dir.register({
    displayName: 'MDE-HelloWorld',
    roles: ['Machine.Read.All', 'Machine.Isolate'],
    certificatePem: cert.certificatePem,
  });
});

describe('MSAL over plain HTTP (authorityMetadata, fake https authority)', () => {
  let srv: Served;
  beforeAll(async () => {
    srv = await serve(dir);
  });
  afterAll(() => srv.close());

  function config(auth: Partial<Configuration['auth']>): Configuration {
    // MSAL insists on an https authority; it is never contacted because knownAuthorities covers cloud
    // discovery and authorityMetadata (the emulator's own v2 discovery document) covers endpoint discovery.
    const metadata = dir.openidConfiguration(TENANT, srv.origin).body;
    return {
      auth: {
        clientId: app.clientId,
        authority: `https://login.emulator.invalid/${TENANT}`,
        knownAuthorities: ['login.emulator.invalid'],
        authorityMetadata: JSON.stringify(metadata),
        ...auth,
      },
      system: { loggerOptions },
    };
  }

  it('client secret', async () => {
    srv.log.length = 0;
    const cca = new ConfidentialClientApplication(config({ clientSecret: app.clientSecret }));
    const result = await cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
    expect(result?.tokenType).toBe('Bearer');
    const claims = await dir.verifyAccessToken(`Bearer ${result?.accessToken}`, {
      audience: 'defender',
      nowMs: Date.now(),
    });
    expect(claims.appid).toBe(app.clientId);
    expect(claims.appidacr).toBe('1');
    expect(claims.roles).toEqual(['Machine.Read.All', 'Machine.Isolate']);
    expect(result?.expiresOn?.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    // second call is served from MSAL's cache
    const again = await cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    expect(again?.accessToken).toBe(result?.accessToken);
    if (process.env.MSAL_DEBUG) console.log(srv.log.join('\n'));
    expect(srv.log.filter((l) => !l.startsWith('  '))).toEqual([`POST /${TENANT}/oauth2/v2.0/token`]);
    const formLine = srv.log.find((l) => l.startsWith('  form: ')) ?? '';
    for (const f of ['client_id', 'client_secret', 'grant_type', 'scope'])
      expect(formLine.split(/[ ,]/)).toContain(f);
  });

  it('surfaces emulator errors as MSAL ServerError', async () => {
    const cca = new ConfidentialClientApplication(config({ clientSecret: 'wrong' }));
    await expect(cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] })).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
  });

  it('certificate with SHA-256 thumbprint (PS256, x5t#S256) and x5c', async () => {
    srv.log.length = 0;
    const cca = new ConfidentialClientApplication(
      config({
        clientCertificate: {
          thumbprintSha256: cert.sha256Hex,
          privateKey: cert.privateKeyPem,
          x5c: cert.certificatePem,
        },
      }),
    );
    const result = await cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    const claims = decodeJwt(result?.accessToken ?? '');
    expect(claims.appidacr).toBe('2');
    expect(srv.log.find((l) => l.startsWith('  form: '))).toContain('client_assertion,client_assertion_type');
  });

  it('certificate with SHA-1 thumbprint (RS256, x5t)', async () => {
    const cca = new ConfidentialClientApplication(
      config({ clientCertificate: { thumbprint: cert.sha1Hex, privateKey: cert.privateKeyPem } }),
    );
    const result = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(decodeJwt(result?.accessToken ?? '').aud).toBe('https://graph.microsoft.com');
  });

  it('an unregistered certificate is refused with AADSTS700027', async () => {
    const other = testCertificate(1);
    const cca = new ConfidentialClientApplication(
      config({ clientCertificate: { thumbprintSha256: other.sha256Hex, privateKey: other.privateKeyPem } }),
    );
    await expect(cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] })).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS700027'),
    });
  });
});

describe('MSAL over HTTPS with OpenID discovery', () => {
  let srv: Served;
  let tls: GeneratedCertificate;
  beforeAll(async () => {
    tls = generateCertificate({
      commonName: '127.0.0.1',
      ipAddresses: ['127.0.0.1'],
      dnsNames: ['localhost'],
    });
    srv = await serve(dir, tls);
  });
  afterAll(() => srv.close());

  function config(tenant: string, auth: Partial<Configuration['auth']>): Configuration {
    const host = new URL(srv.origin).host; // 127.0.0.1:PORT – knownAuthorities must carry the port
    return {
      auth: {
        clientId: app.clientId,
        authority: `${srv.origin}/${tenant}`,
        knownAuthorities: [host],
        ...auth,
      },
      system: { loggerOptions, networkClient: networkClientTrusting(tls.certificatePem) },
    };
  }

  it('client secret: discovery document, then token', async () => {
    srv.log.length = 0;
    const cca = new ConfidentialClientApplication(config(TENANT, { clientSecret: app.clientSecret }));
    const result = await cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    const header = decodeProtectedHeader(result?.accessToken ?? '');
    expect(header.kid).toBe(dir.signingKey.kid);
    await expect(
      dir.verifyAccessToken(`Bearer ${result?.accessToken}`, { audience: 'defender', nowMs: Date.now() }),
    ).resolves.toBeTruthy();
    if (process.env.MSAL_DEBUG) console.log(srv.log.join('\n'));
    expect(srv.log.filter((l) => !l.startsWith('  '))).toEqual([
      `GET /${TENANT}/v2.0/.well-known/openid-configuration`,
      `POST /${TENANT}/oauth2/v2.0/token`,
    ]);
  });

  it('certificate, authority with the domain name', async () => {
    srv.log.length = 0;
    const cca = new ConfidentialClientApplication(
      config('contoso-emulated.onmicrosoft.com', {
        clientCertificate: { thumbprintSha256: cert.sha256Hex, privateKey: cert.privateKeyPem },
      }),
    );
    const result = await cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    expect(decodeJwt(result?.accessToken ?? '').appidacr).toBe('2');
    expect(srv.log.filter((l) => !l.startsWith('  '))).toEqual([
      'GET /contoso-emulated.onmicrosoft.com/v2.0/.well-known/openid-configuration',
      'POST /contoso-emulated.onmicrosoft.com/oauth2/v2.0/token',
    ]);
  });

  it('without knownAuthorities MSAL asks login.microsoftonline.com for instance discovery', async () => {
    srv.log.length = 0;
    const cca = new ConfidentialClientApplication({
      auth: { clientId: app.clientId, authority: `${srv.origin}/${TENANT}`, clientSecret: app.clientSecret },
      system: { loggerOptions, networkClient: networkClientTrusting(tls.certificatePem, srv.origin) },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
    expect(srv.log.filter((l) => !l.startsWith('  '))).toEqual([
      'GET /common/discovery/instance',
      `GET /${TENANT}/v2.0/.well-known/openid-configuration`,
      `POST /${TENANT}/oauth2/v2.0/token`,
    ]);
    expect(srv.log[1]).toBe('  query: api-version,authorization_endpoint');
  });

  it('an unknown tenant fails discovery (endpoints_resolution_error)', async () => {
    const cca = new ConfidentialClientApplication(
      config('11111111-1111-1111-1111-111111111111', { clientSecret: app.clientSecret }),
    );
    await expect(cca.acquireTokenByClientCredential({ scopes: [DEFENDER_SCOPE] })).rejects.toMatchObject({
      errorCode: expect.stringMatching(/endpoints_resolution_error|openid_config_error/),
    });
  });
});

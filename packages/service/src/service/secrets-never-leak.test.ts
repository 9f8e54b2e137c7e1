import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from './start-service.js';

/**
 * The whole service with its real logger (debug level) captured: a tenant is added with a known secret, tested,
 * listed, changed, synced; a token is issued and used; the audit log is exported. The secret, the admin
 * password and the API token must appear in no response body, no log line and no audit row.
 */
const ADMIN_PASSWORD = 'leak-test admin password';
let dir: string;
let service: RunningService;
let lab: RunningEmulator;
const logLines: string[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mde-bridge-leak-'));
  service = await startService({
    env: {
      MDE_BRIDGE_DATA_DIR: dir,
      MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64'),
      MDE_BRIDGE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    port: 0,
    webRoot: null,
    demoDevices: 5,
    logger: { level: 'debug' },
    logStream: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
    say: (line) => logLines.push(line),
  });
  lab = await startEmulator({ host: '127.0.0.1', seed: 'leak', devices: 5, log: () => {} });
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, text, headers: response.headers };
}

describe('secrets', () => {
  it('never appear in a response, a log line or an audit entry', async () => {
    const login = await call(
      'POST',
      '/api/v1/auth/login',
      {},
      { username: 'admin', password: ADMIN_PASSWORD },
    );
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const { csrfToken } = JSON.parse(login.text) as { csrfToken: string };
    const session = { cookie, 'x-csrf-token': csrfToken };

    const secret = lab.demoApp.clientSecret;
    const input = {
      name: 'lab',
      tenantId: lab.tenantId,
      clientId: lab.demoApp.clientId,
      clientSecret: secret,
      cloud: 'custom',
      apiUrl: lab.apiUrl,
      loginUrl: lab.loginUrl,
      graphUrl: lab.graphUrl,
      proxy: null,
    };
    expect((await call('POST', '/api/v1/tenants/test-connection', session, input)).status).toBe(200);
    expect((await call('POST', '/api/v1/tenants', session, input)).status).toBe(201);
    expect(
      (await call('POST', '/api/v1/tenants', session, { ...input, name: 'lab2', clientSecret: `${secret}x` }))
        .status,
    ).toBe(422);
    expect((await call('PATCH', '/api/v1/tenants/lab', session, { clientSecret: secret })).status).toBe(200);
    expect((await call('GET', '/api/v1/tenants', session)).status).toBe(200);
    expect((await call('GET', '/api/v1/tenants/lab', session)).status).toBe(200);
    expect((await call('POST', '/api/v1/tenants/lab/test-connection', session)).status).toBe(200);
    expect((await call('POST', '/api/v1/tenants/lab/sync', session, { only: ['machines'] })).status).toBe(
      202,
    );

    const issued = await call('POST', '/api/v1/tokens', session, { name: 'leak-test', roleId: 'read-only' });
    expect(issued.status).toBe(201);
    const token = (JSON.parse(issued.text) as { token: string }).token;
    expect(token).toMatch(/^mdeb_/);
    bodies.pop(); // the one response that is meant to show the token, once
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call('GET', '/api/v1/hosts', bearer)).status).toBe(200);
    expect((await call('GET', '/api/v1/tokens', session)).status).toBe(200);
    expect((await call('GET', '/api/v1/audit/export?format=json', session)).status).toBe(200);
    expect((await call('GET', '/api/v1/audit/export?format=csv', session)).status).toBe(200);
    await call('GET', '/metrics', {});

    const audit = await service.store.db.selectFrom('audit_log').selectAll().execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['login.succeeded', 'tenant.created']));
    const haystacks = {
      responses: bodies.join('\n'),
      logs: logLines.join('\n'),
      audit: JSON.stringify(audit),
    };
    expect(logLines.length).toBeGreaterThan(10);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [what, value] of Object.entries({ secret, token, password: ADMIN_PASSWORD })) {
        expect(text.includes(value), `${what} found in ${where}`).toBe(false);
      }
    }
  });
});

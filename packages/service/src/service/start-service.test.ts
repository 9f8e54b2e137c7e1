import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningService, startService } from './start-service.js';

const dirs: string[] = [];
const running: RunningService[] = [];

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-start-'));
  dirs.push(dir);
  return {
    MDE_BRIDGE_DATA_DIR: dir,
    MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}

async function boot(env: NodeJS.ProcessEnv, lines: string[] = []): Promise<RunningService> {
  const service = await startService({
    env,
    port: 0,
    logger: false,
    webRoot: null,
    demoDevices: 20,
    say: (line) => lines.push(line),
  });
  running.push(service);
  return service;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterEach(async () => {
  for (const service of running.splice(0)) await service.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('startService', () => {
  it('creates the administrator once, adds the demo tenant and syncs it, and serves the API', async () => {
    const env = environment();
    const lines: string[] = [];
    const service = await boot(env, lines);
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.adminPassword).toMatch(/^\S{12,}$/);
    expect(lines.join('\n')).toContain(service.adminPassword);
    expect(lines.join('\n')).toContain('emulated demo tenant');

    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);

    const login = await fetch(`${service.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: service.adminPassword }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const tenants = (await (
      await fetch(`${service.url}/api/v1/tenants`, { headers: { cookie } })
    ).json()) as {
      items: { name: string; isDemo: boolean }[];
    };
    expect(tenants.items).toEqual([expect.objectContaining({ name: 'demo', isDemo: true })]);

    // The scheduler runs a never-synced tenant at once: its devices arrive without anyone asking.
    const devices = await waitFor('the demo tenant to be synced', async () => {
      const row = await service.store.db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n) > 0 ? Number(row.n) : undefined;
    });
    expect(devices).toBeGreaterThan(0);
  });

  it('on a second start keeps the administrator and points the demo tenant at the new emulator', async () => {
    const env = environment({ MDE_BRIDGE_ADMIN_PASSWORD: 'correct horse battery staple' });
    const first = await boot(env);
    expect(first.adminPassword).toBeUndefined();
    const firstApi = first.emulator?.apiUrl;
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await boot({ ...env, MDE_BRIDGE_ADMIN_PASSWORD: 'another password entirely' });
    expect(second.adminPassword).toBeUndefined();
    const demo = await second.store.db.selectFrom('tenants').selectAll().execute();
    expect(demo).toHaveLength(1);
    expect(demo[0].api_url).toBe(second.emulator?.apiUrl);
    expect(demo[0].api_url).not.toBe(firstApi);
    const users = await second.store.db.selectFrom('users').select('username').execute();
    expect(users.map((u) => u.username)).toEqual(['admin']);
    const login = await fetch(`${second.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'correct horse battery staple' }),
    });
    expect(login.status).toBe(200);
  });

  it('refuses a bad port setting before opening anything', async () => {
    await expect(
      startService({ env: environment({ MDE_BRIDGE_PORT: 'eighty' }), logger: false }),
    ).rejects.toThrow(/MDE_BRIDGE_PORT 'eighty' must be a port number/);
  });
});

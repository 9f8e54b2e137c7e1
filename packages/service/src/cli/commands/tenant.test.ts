import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@mde-bridge/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { capture, runCli } from '../cli.test-support.js';
import { UsageError } from '../errors.js';
import { migrate } from './migrate.js';
import { tenant } from './tenant.js';
import { testConnection } from './test-connection.js';

const SECRET = 'Cl1ent~Secret.For_Tests';
const TENANT_ID = '11111111-2222-3333-4444-555555555555';
const CLIENT_ID = '66666666-7777-8888-9999-000000000000';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh data directory (SQLite store + master key); nothing from the caller's environment leaks in. */
function sandbox(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-cli-'));
  dirs.push(dir);
  return { MDE_BRIDGE_DATA_DIR: dir, MDE_BRIDGE_DB: '', MDE_BRIDGE_MASTER_KEY: '', TEST_SECRET: SECRET };
}

const addArgs = (name: string) => [
  'tenant',
  'add',
  '--name',
  name,
  '--tenant-id',
  TENANT_ID,
  '--client-id',
  CLIENT_ID,
  '--client-secret-env',
  'TEST_SECRET',
];

// Spawning the bin costs seconds (tsx compiles the client on each start), so the real process is used for the
// behaviours that depend on it (exit codes, stdout/stderr separation) and the command functions for the rest.

describe('mde-bridge migrate', () => {
  it('prints each migration with its result, then nothing to do', async () => {
    const env = sandbox();
    const first = await runCli(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Store sqlite:${env.MDE_BRIDGE_DATA_DIR}/mde-bridge.db`);
    expect(first.stdout).toMatch(/✔ 20261122T200000-initial {2}Success/);
    const again = capture();
    expect(await migrate(['--json'], again.stream, env)).toBe(0);
    expect(JSON.parse(again.text())).toEqual({
      store: `sqlite:${env.MDE_BRIDGE_DATA_DIR}/mde-bridge.db`,
      results: [],
    });
  });

  it('refuses a malformed --db with a clear reason and a non-zero exit', async () => {
    const env = sandbox();
    const result = await runCli(['migrate', '--db', 'mysql://root@db/mde'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "'mysql://root@db/mde' is not a store URL: use sqlite:PATH or postgres://",
    );
    expect(result.stdout).toBe('');
    await expect(
      tenant(['list', '--db', 'postgres://user:hunter2@/'], capture().stream, env),
    ).rejects.toThrow(/not a valid PostgreSQL URL/);
    await expect(
      tenant(['list', '--db', 'postgres://user:hunter2@/'], capture().stream, env),
    ).rejects.not.toThrow(/hunter2/);
  });
});

describe('mde-bridge tenant', () => {
  it('adds a tenant and lists it as JSON without the secret; the master key file is private', async () => {
    const env = sandbox();
    const added = await runCli(addArgs('contoso'), env);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('run mde-bridge test-connection --tenant contoso');
    expect(statSync(join(env.MDE_BRIDGE_DATA_DIR, 'master.key')).mode & 0o777).toBe(0o600);

    const listed = await runCli(['tenant', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const tenants = JSON.parse(listed.stdout);
    expect(tenants).toHaveLength(1);
    expect(tenants[0]).toMatchObject({
      name: 'contoso',
      tenant_id: TENANT_ID,
      credential: 'client secret',
      enabled: true,
    });
    const human = capture();
    await tenant(['list'], human.stream, env);
    expect(human.text()).toMatch(/^NAME {5}ENABLED {2}CLOUD/);
    expect(human.text()).toMatch(/contoso +yes +commercial +11111111-/);
    const shown = capture();
    await tenant(['show', 'contoso', '--json'], shown.stream, env);
    expect(JSON.parse(shown.text())).toEqual(tenants[0]);
    for (const out of [added.stdout, added.stderr, listed.stdout, human.text(), shown.text()]) {
      expect(out).not.toContain(SECRET);
    }
    await expect(tenant(addArgs('contoso').slice(1), capture().stream, env)).rejects.toThrow(
      "a tenant named 'contoso' already exists",
    );
  });

  it('refuses bad flag values as usage errors and stores nothing', async () => {
    const env = sandbox();
    const add = (extra: string[]) => tenant([...addArgs('x').slice(1), ...extra], capture().stream, env);
    await expect(add(['--tenant-id', 'contoso.onmicrosoft.com'])).rejects.toThrow(
      "tenant ID must be a GUID like 00000000-0000-0000-0000-000000000000 (got 'contoso.onmicrosoft.com')",
    );
    await expect(add(['--cloud', 'custom', '--api-url', 'https://api.example.com'])).rejects.toThrow(
      /loginUrl/,
    );
    await expect(add(['--proxy', 'socks5://p:1080'])).rejects.toBeInstanceOf(UsageError);
    await expect(
      tenant(['add', '--name', 'x', '--client-secret', SECRET], capture().stream, env),
    ).rejects.toThrow(/shell history/);
    const listed = capture();
    await tenant(['list', '--json'], listed.stream, env);
    expect(JSON.parse(listed.text())).toEqual([]);
  });

  it('names an unknown tenant on stderr with a non-zero exit', async () => {
    const env = sandbox();
    await tenant(addArgs('contoso').slice(1), capture().stream, env);
    const result = await runCli(['tenant', 'show', 'nope'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no tenant named 'nope' (known tenants: contoso)");
    for (const argv of [
      ['remove', 'nope'],
      ['disable', '--name', 'nope'],
    ]) {
      await expect(tenant(argv, capture().stream, env)).rejects.toThrow("no tenant named 'nope'");
    }
    await expect(testConnection(['--tenant', 'nope'], capture().stream, env)).rejects.toThrow(
      "no tenant named 'nope'",
    );
  });

  it('tests a stored tenant against the emulator, refuses it while disabled, and removes it', async () => {
    const emu = await startEmulator({ devices: 5, clock: 'manual', log: () => {} });
    const env = { ...sandbox(), TEST_SECRET: emu.demoApp.clientSecret };
    try {
      const added = capture();
      await tenant(
        [
          'add',
          '--name',
          'demo-emu',
          '--tenant-id',
          emu.tenantId,
          '--client-id',
          emu.demoApp.clientId,
          '--client-secret-env',
          'TEST_SECRET',
          '--cloud',
          'custom',
          '--api-url',
          emu.apiUrl,
          '--login-url',
          emu.loginUrl,
          '--graph-url',
          emu.graphUrl,
          '--json',
        ],
        added.stream,
        env,
      );
      expect(JSON.parse(added.text())).toMatchObject({
        name: 'demo-emu',
        cloud: 'custom',
        api_url: emu.apiUrl,
      });
      expect(added.text()).not.toContain(emu.demoApp.clientSecret);

      // The stored secret is what authenticates: the environment variable is not passed on.
      const { TEST_SECRET: _, ...withoutSecret } = env;
      const ok = await runCli(['test-connection', '--tenant', 'demo-emu', '--json'], withoutSecret);
      expect(ok.code, ok.stderr).toBe(0);
      const report = JSON.parse(ok.stdout);
      expect(report.ok).toBe(true);
      expect(report.steps.find((s: { name: string }) => s.name === 'token').ok).toBe(true);
      expect(ok.stdout + ok.stderr).not.toContain(emu.demoApp.clientSecret);

      const disabled = capture();
      await tenant(['disable', 'demo-emu'], disabled.stream, env);
      expect(disabled.text()).toBe("Tenant 'demo-emu' disabled.\n");
      await expect(testConnection(['--tenant', 'demo-emu'], capture().stream, env)).rejects.toThrow(
        "tenant 'demo-emu' is disabled; enable it with mde-bridge tenant enable demo-emu",
      );

      const removed = capture();
      await tenant(['remove', 'demo-emu', '--json'], removed.stream, env);
      expect(JSON.parse(removed.text()).removed.name).toBe('demo-emu');
      const listed = capture();
      await tenant(['list', '--json'], listed.stream, env);
      expect(JSON.parse(listed.text())).toEqual([]);
    } finally {
      await emu.close();
    }
  });

  it('refuses --tenant together with connection flags', async () => {
    await expect(
      testConnection(['--tenant', 'x', '--tenant-id', TENANT_ID], capture().stream, sandbox()),
    ).rejects.toThrow('give either --tenant or the connection flags, not both');
  });
});

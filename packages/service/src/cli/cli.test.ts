import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@mde-bridge/emulator';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

const BIN = fileURLToPath(new URL('../../bin/mde-bridge.js', import.meta.url));

function capture() {
  let text = '';
  return {
    stream: {
      write: (s: string) => {
        text += s;
        return true;
      },
    } as unknown as NodeJS.WritableStream,
    text: () => text,
  };
}

describe('mde-bridge CLI', () => {
  it('refuses unknown commands and bad flags with exit code 2 and a reason on stderr', async () => {
    const err = capture();
    expect(await main(['frobnicate'], err.stream)).toBe(2);
    expect(err.text()).toContain("unknown command 'frobnicate'");
    const flags = capture();
    expect(await main(['emulator', '--devices', 'lots'], flags.stream)).toBe(2);
    expect(flags.text()).toContain("--devices must be an integer from 0 to 1000000 (got 'lots')");
    const unknown = capture();
    expect(await main(['emulator', '--colour'], unknown.stream)).toBe(2);
    expect(unknown.text()).toContain('--colour');
    const license = capture();
    expect(await main(['emulator', '--license', 'e5'], license.stream)).toBe(2);
    expect(license.text()).toContain('p2, p1, business, mixed');
  });

  it('`emulator --json` prints one ready line whose credentials work, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'emulator', '--port', '0', '--seed', '5', '--devices', '20', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const line = JSON.parse(chunk.toString().trim());
      expect(Object.keys(line).sort()).toEqual([
        'apiUrl',
        'clientId',
        'clientSecret',
        'graphUrl',
        'loginUrl',
        'tenantId',
      ]);
      const token = await fetch(`${line.loginUrl}/${line.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: line.clientId,
          client_secret: line.clientSecret,
          scope: 'https://api.securitycenter.microsoft.com/.default',
        }),
      }).then((r) => r.json() as Promise<{ access_token: string }>);
      const machines = await fetch(`${line.apiUrl}/api/machines`, {
        headers: { Authorization: `Bearer ${token.access_token}` },
      });
      expect(((await machines.json()) as { value: unknown[] }).value).toHaveLength(20);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c;
  });
  return once(child, 'exit').then(([code]) => ({ code: code as number, stdout, stderr }));
}

describe('mde-bridge test-connection', () => {
  it('checks an emulated tenant step by step (--json), and fails with exit 1 on a wrong secret', async () => {
    const emu = await startEmulator({ devices: 5, clock: 'manual', log: () => {} });
    try {
      const args = [
        'test-connection',
        '--tenant-id',
        emu.tenantId,
        '--client-id',
        emu.demoApp.clientId,
        '--client-secret-env',
        'MDE_TEST_SECRET',
        '--api-url',
        emu.apiUrl,
        '--login-url',
        emu.loginUrl,
        '--graph-url',
        emu.graphUrl,
      ];
      const ok = await run([...args, '--json'], { MDE_TEST_SECRET: emu.demoApp.clientSecret });
      expect(ok.code, ok.stderr).toBe(0);
      const report = JSON.parse(ok.stdout);
      expect(report.ok).toBe(true);
      expect(report.steps.map((s: { name: string }) => s.name)).toContain('token');
      expect(report.features.isolate.enabled).toBe(true);
      expect(ok.stdout).not.toContain(emu.demoApp.clientSecret);
      const human = await run(args, { MDE_TEST_SECRET: 'wrong-secret' });
      expect(human.code).toBe(1);
      expect(human.stdout).toContain('Connection FAILED');
      expect(human.stdout).toContain('client secret');
      expect(human.stdout + human.stderr).not.toContain('wrong-secret');
    } finally {
      await emu.close();
    }
  });

  it('refuses a secret given as a flag value, and names a missing environment variable', async () => {
    const plain = await run([
      'test-connection',
      '--tenant-id',
      't',
      '--client-id',
      'c',
      '--client-secret',
      's3cret',
    ]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('shell history');
    const unset = await run([
      'test-connection',
      '--tenant-id',
      't',
      '--client-id',
      'c',
      '--client-secret-env',
      'NOPE_NOT_SET',
    ]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOPE_NOT_SET');
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
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

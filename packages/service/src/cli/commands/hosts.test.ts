import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedStore } from '../../config/settings.js';
import { deviceRow, insertDevices, seedTenant } from '../../hosts/host-seed.test-support.js';
import { capture } from '../cli.test-support.js';
import { UsageError } from '../errors.js';
import { main } from '../main.js';
import { hosts } from './hosts.js';

describe('mde-bridge hosts lookup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-hosts-cli-'));
  const db = `sqlite:${join(dir, 'store.db')}`;
  beforeAll(async () => {
    const store = await openMigratedStore(db);
    await seedTenant(store.db, 'contoso');
    await insertDevices(store.db, [
      deviceRow('contoso', 'a100', { computer_dns_name: 'alpha.contoso.com', last_ip_address: '10.0.0.1' }),
    ]);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the context as a table, or as JSON with --json', async () => {
    const table = capture();
    expect(await hosts(['lookup', '--hostname', 'ALPHA', '--db', db], table.stream)).toBe(0);
    expect(table.text()).toMatch(/Match\s+matched by shortName/);
    expect(table.text()).toMatch(/Machine ID\s+a100/);
    const json = capture();
    expect(
      await hosts(['lookup', '--hostname', 'alpha.contoso.com', '--db', db, '--json'], json.stream),
    ).toBe(0);
    expect(JSON.parse(json.text())).toMatchObject({
      machineId: 'a100',
      match: { status: 'matched', by: 'dnsName' },
    });
  });

  it.each([
    [['--ip', '10.0.0.999'], '--ip'],
    [['--hostname', ''], '--hostname'],
    [['--ip', '10.0.0.1', '--at', 'tomorrow'], '--at'],
    [['--ip', '10.0.0.1', '--at', '2999-01-01T00:00:00Z'], '--at'],
    [[], '--hostname'],
  ])('refuses %j with exit code 2 and a message naming the flag', async (flags, flag) => {
    await expect(hosts(['lookup', ...flags, '--db', db], capture().stream)).rejects.toThrow(UsageError);
    const err = capture();
    expect(await main(['hosts', 'lookup', ...flags, '--db', db], err.stream)).toBe(2);
    expect(err.text()).toContain(flag);
  });

  it('exits 1 when nothing matches', async () => {
    const err = capture();
    expect(await main(['hosts', 'lookup', '--hostname', 'nobody', '--db', db], err.stream)).toBe(1);
    expect(err.text()).toContain('no Defender device matches');
  });
});

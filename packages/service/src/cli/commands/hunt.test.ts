import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedStore } from '../../config/settings.js';
import {
  addEmulatorTenant,
  emulatorHuntingCalls,
  huntingEnv,
  startHuntingEmulator,
} from '../../hunting/hunting.test-support.js';
import { capture } from '../cli.test-support.js';
import { CliError, UsageError } from '../errors.js';
import { hunt } from './hunt.js';

describe('mde-bridge hunt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-hunt-cli-'));
  const db = `sqlite:${join(dir, 'store.db')}`;
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startHuntingEmulator();
    const store = await openMigratedStore(db);
    await addEmulatorTenant(store, emu, 'contoso');
    await store.close();
  });
  afterAll(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const QUERY =
    'DeviceInfo | summarize arg_max(Timestamp, DeviceName) by DeviceId | order by DeviceId asc | take 3';

  it("prints the emulator's rows as a table, CSV or JSON", async () => {
    const table = capture();
    expect(await hunt([QUERY, '--db', db], table.stream, huntingEnv)).toBe(0);
    const lines = table.text().trim().split('\n');
    expect(lines[0]).toMatch(/^DeviceId\s+Timestamp\s+DeviceName$/);
    expect(lines.at(-1)).toMatch(/^3 rows via the MDE API in [\d.]+ s; quota used: \d+\/45 this minute/);
    const csv = capture();
    expect(
      await hunt([QUERY, '--tenant', 'contoso', '--format', 'csv', '--db', db], csv.stream, huntingEnv),
    ).toBe(0);
    expect(csv.text().split('\r\n')[0]).toBe('DeviceId,Timestamp,DeviceName');
    expect(csv.text().split('\r\n')).toHaveLength(5);
    const file = join(dir, 'q.kql');
    writeFileSync(file, QUERY);
    const json = capture();
    expect(await hunt(['--file', file, '--json', '--db', db], json.stream, huntingEnv)).toBe(0);
    const body = JSON.parse(json.text());
    expect(body).toMatchObject({ api: 'mde', rowCount: 3, quota: { api: 'mde' } });
    const ids = new Set(emu.state.data.devices.map((d) => d.machine.id));
    for (const row of body.rows) expect(ids.has(row.DeviceId)).toBe(true);
  });

  it("refuses an invalid query with the parser's message (exit 1) and calls nothing", async () => {
    const before = await emulatorHuntingCalls(emu);
    const err = await hunt(
      ['DeviceInfo | where Nonsense > 1', '--db', db],
      capture().stream,
      huntingEnv,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(
      /line 1, column 20: The name 'Nonsense' does not refer to any known column/,
    );
    expect(await emulatorHuntingCalls(emu)).toEqual(before);
  });

  it.each([
    [[], /give a query/],
    [['DeviceInfo', '--format', 'xml'], /--format/],
    [['   '], /empty/],
    [['a', 'b'], /one argument/],
  ])('refuses bad flags %j with a usage error', async (argv, message) => {
    await expect(hunt([...argv, '--db', db], capture().stream, huntingEnv)).rejects.toThrow(UsageError);
    await expect(hunt([...argv, '--db', db], capture().stream, huntingEnv)).rejects.toThrow(message);
  });
});

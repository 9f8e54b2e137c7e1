import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, runCli } from '../cli/cli.test-support.js';
import { validate } from '../cli/commands/validate.js';
import { UsageError } from '../cli/errors.js';
import { openMigratedStore } from '../config/settings.js';
import { startTestEmulator } from '../sync/sync.test-support.js';
import { addSyncedEmulatorTenant } from '../tenants/emulator-tenant.test-support.js';
import type { Validation } from './validations.js';

/** `mde-bridge validate` through the real bin, against the emulator over HTTP, with a SQLite file store. */
describe('mde-bridge validate', () => {
  const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };
  let emu: RunningEmulator;
  let dir: string;
  let db: string;
  const plusMinute = (iso: string) => new Date(Date.parse(iso) + 60_000).toISOString();

  beforeAll(async () => {
    emu = await startTestEmulator(200, 'validation');
    dir = mkdtempSync(join(tmpdir(), 'mde-validate-'));
    db = `sqlite:${join(dir, 'bridge.db')}`;
    const store = await openMigratedStore(db);
    try {
      await addSyncedEmulatorTenant(store, emu, env);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const alertCalls = () => emu.state.stats.snapshot().calls.alerts ?? 0;

  it('--json reports a detected scenario with its alerts and latency, and a missed one, both exit 0', {
    timeout: 120_000,
  }, async () => {
    const hit = emu.state.data.scenarios.find((s) => s.detected);
    const miss = emu.state.data.scenarios.find((s) => !s.detected);
    if (!hit || !miss) throw new Error('the emulator has no detected and missed scenario');
    const detected = await runCli(
      [
        'validate',
        '--host',
        hit.deviceName,
        '--from',
        hit.time,
        '--to',
        plusMinute(hit.time),
        '--grace',
        '1h',
        '--technique',
        'T1218',
        '--json',
        '--db',
        db,
      ],
      env,
    );
    expect(detected.code, detected.stderr).toBe(0);
    const report = JSON.parse(detected.stdout) as Validation;
    expect(report).toMatchObject({ state: 'detected', detected: true, machineId: hit.deviceId });
    expect(report.alerts.map((a) => a.id)).toEqual(expect.arrayContaining(hit.alertIds));
    expect(report.latencySeconds).toBeGreaterThan(0);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['detected', 'alerts', 'latencySeconds', 'techniques']),
    );
    expect(detected.stderr).toMatch(/poll 1: detected/);

    const missed = await runCli(
      [
        'validate',
        '--host',
        miss.deviceName,
        '--from',
        miss.time,
        '--to',
        plusMinute(miss.time),
        '--grace',
        '0m',
        '--json',
        '--db',
        db,
      ],
      env,
    );
    expect(missed.code, missed.stderr).toBe(0);
    expect(JSON.parse(missed.stdout)).toMatchObject({
      state: 'missed',
      detected: false,
      alerts: [],
      latencySeconds: null,
    });

    const human = await runCli(
      [
        'validate',
        '--host',
        miss.deviceName,
        '--from',
        miss.time,
        '--to',
        plusMinute(miss.time),
        '--grace',
        '0m',
        '--db',
        db,
      ],
      env,
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^MISSED {2}/);
  });

  it('refuses bad flags with exit 2 naming the flag, before any Defender call', {
    timeout: 60_000,
  }, async () => {
    const hit = emu.state.data.scenarios[0];
    const before = alertCalls();
    const out = capture();
    const cases: [string[], RegExp][] = [
      [
        ['--host', hit.deviceName, '--from', hit.time, '--to', '2020-01-01T00:00:00Z'],
        /--to: .*before its start/,
      ],
      [
        ['--host', 'unknown-host-9', '--from', hit.time, '--to', plusMinute(hit.time)],
        /--host: no tenant knows/,
      ],
      [
        ['--host', hit.deviceName, '--from', hit.time, '--to', plusMinute(hit.time), '--grace', '2d'],
        /--grace/,
      ],
      [
        ['--host', hit.deviceName, '--from', hit.time, '--to', plusMinute(hit.time), '--technique', 'X1'],
        /--technique/,
      ],
      [['--from', hit.time, '--to', plusMinute(hit.time)], /--host is required/],
    ];
    for (const [args, message] of cases) {
      const error = await validate([...args, '--db', db], out.stream, out.stream, env).catch(
        (e: unknown) => e,
      );
      expect(error, args.join(' ')).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
    expect(out.text()).toBe('');
    // Through the bin: exit 2, the reason, no stack trace.
    const result = await runCli(['validate', ...cases[0][0], '--db', db], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(cases[0][1]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(alertCalls()).toBe(before);
  });
});

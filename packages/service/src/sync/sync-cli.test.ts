import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../cli/cli.test-support.js';
import { status } from '../cli/commands/status.js';
import { parseSyncFlags, sync } from '../cli/commands/sync.js';
import { CliError, UsageError } from '../cli/errors.js';
import { openMigratedStore, storeUrl } from '../config/settings.js';
import { secretBox } from '../secrets/secret-box.js';
import { emulatorTenantInput } from '../tenants/emulator-tenant.js';
import { addTenant } from '../tenants/tenant-repository.js';
import { control, startTestEmulator } from './sync.test-support.js';

describe('mde-bridge sync and status', () => {
  let emu: RunningEmulator;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    emu = await startTestEmulator(500, 'cli');
    dir = mkdtempSync(join(tmpdir(), 'mde-sync-cli-'));
    env = { MDE_BRIDGE_DATA_DIR: dir, MDE_BRIDGE_DB: '', MDE_BRIDGE_MASTER_KEY: '' };
    const store = await openMigratedStore(storeUrl(undefined, env));
    await addTenant(store.db, secretBox(env), emulatorTenantInput(emu, 'emu'));
    await store.close();
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs a stored tenant once and prints only JSON on stdout with --json', async () => {
    const out = capture();
    const err = capture();
    expect(await sync(['--tenant', 'emu', '--once', '--json'], out.stream, err.stream, env)).toBe(0);
    const report = JSON.parse(out.text());
    expect(Object.keys(report)).toEqual([
      'machines',
      'alerts',
      'actions',
      'vulnerabilities',
      'software',
      'scores',
      'health',
    ]);
    expect(report.machines).toMatchObject({ fetched: 500, upserted: 500, removed: 0, apiCalls: 1 });
    expect(Object.keys(report.machines)).toEqual(['fetched', 'upserted', 'removed', 'apiCalls', 'ms']);
    expect(err.text()).toBe('');

    const human = capture();
    expect(await sync(['--tenant', 'emu', '--once', '--only', 'alerts'], human.stream, err.stream, env)).toBe(
      0,
    );
    expect(human.text()).toMatch(
      /^Synced tenant emu\n {2}resource +fetched +upserted +removed +api calls +time\n {2}alerts /,
    );
  });

  it('reports counts keyed as the emulator counts them, and the last run of each resource', async () => {
    const out = capture();
    expect(await status(['--json', '--tenant', 'emu'], out.stream, env)).toBe(0);
    const { tenants } = JSON.parse(out.text());
    const info = await control<{ counts: Record<string, number> }>(emu, 'GET', 'info');
    expect(tenants[0].counts).toEqual({
      devices: info.counts.devices,
      alerts: info.counts.alerts,
      machineActions: info.counts.machineActions,
      vulnerabilities: info.counts.vulnerabilities,
      deviceVulnerabilities: info.counts.deviceVulnerabilities,
      software: info.counts.software,
      recommendations: info.counts.recommendations,
    });
    expect(tenants[0].lastRuns.alerts).toMatchObject({ mode: 'delta', status: 'succeeded', apiCalls: 1 });
    expect(tenants[0].lastRuns.machines).toMatchObject({ mode: 'full', status: 'succeeded', fetched: 500 });
    const human = capture();
    expect(await status([], human.stream, env)).toBe(0);
    expect(human.text()).toContain('Tenant emu\n  devices 500, alerts');
  });

  it('refuses an unknown --only resource, naming the valid ones', () => {
    expect(() => parseSyncFlags(['--tenant', 'emu', '--once', '--only', 'machines,vulns'])).toThrow(
      new UsageError(
        "--only: unknown resource 'vulns'; valid: machines, alerts, actions, vulnerabilities, software, scores, health",
      ),
    );
    expect(() => parseSyncFlags(['--tenant', 'emu'])).toThrow(/--once/);
    expect(parseSyncFlags(['--tenant', 'emu', '--once', '--only', 'alerts,actions', '--full'])).toMatchObject(
      {
        only: ['alerts', 'actions'],
        full: true,
      },
    );
  });

  it('fails with a CliError (exit 1) naming the failed resource, the others still reported on stdout', async () => {
    // Cut-off answers are not retried by the client; the sync resumes its listing 5 times, then gives up.
    await control(emu, 'POST', 'faults', { kind: 'truncate', families: ['alerts'], count: 6 });
    const out = capture();
    try {
      const error = await sync(
        ['--tenant', 'emu', '--once', '--json'],
        out.stream,
        capture().stream,
        env,
      ).catch((e) => e);
      expect(error).toBeInstanceOf(CliError);
      expect(error.message).toMatch(/^alerts failed: listAlerts: the response body was cut off/);
    } finally {
      await control(emu, 'DELETE', 'faults');
    }
    const report = JSON.parse(out.text());
    expect(report.machines.fetched).toBeGreaterThan(0);
    expect(report.alerts.error).toMatch(/cut off/);
    expect(report.actions.apiCalls).toBe(1);
  });
});

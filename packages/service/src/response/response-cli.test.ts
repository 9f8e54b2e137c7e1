import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, release, scan } from '../cli/commands/response.js';
import { main } from '../cli/main.js';
import { migrate, openStore } from '../store/store.js';
import { callsByFamily, control, EMULATOR_START, startTestEmulator } from '../sync/sync.test-support.js';
import { addSyncedEmulatorTenant } from '../tenants/emulator-tenant.test-support.js';

/** The CLI reads and writes a store file (SQLite here; the store code under it is engine-tested in response.test.ts). */
describe('mde-bridge isolate | release | scan', () => {
  const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };
  let emu: RunningEmulator;
  let dir: string;
  let db: string;
  let devices: { id: string; name: string }[];

  beforeAll(async () => {
    emu = await startTestEmulator(20, 'response-cli');
    dir = mkdtempSync(join(tmpdir(), 'mdeb-response-'));
    db = `sqlite:${join(dir, 'bridge.db')}`;
    const store = openStore(db);
    const result = await migrate(store);
    if (result.error) throw result.error;
    await addSyncedEmulatorTenant(store, emu, env);
    const primaries = await store.db
      .selectFrom('devices')
      .select(['id', 'dns_name'])
      .where('is_primary', '=', 1)
      .where('removed_at', 'is', null)
      .execute();
    await store.close();
    const capable = new Set(
      emu.state.data.devices
        .filter((d) => d.online && d.supports.isolate && d.supports.selectiveIsolate)
        .map((d) => d.machine.id),
    );
    devices = primaries.filter((p) => capable.has(p.id)).map((p) => ({ id: p.id, name: p.dns_name }));
  });
  afterAll(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(command: typeof isolate, argv: string[]) {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => {
      text += String(chunk);
    });
    const code = await command([...argv, '--db', db], out, env);
    return { code, text };
  }

  it('isolates by DNS name once, reports a repeat as in flight, and refuses a release while it is pending', async () => {
    const [host] = devices;
    await control(emu, 'DELETE', 'stats');
    const first = await run(isolate, [host.name, '--comment', 'contain', '--selective', '--json']);
    expect(first.code).toBe(0);
    const request = JSON.parse(first.text);
    expect(request).toMatchObject({
      type: 'isolate',
      state: 'pending',
      isolationType: 'Selective',
      machineId: host.id,
    });
    const again = await run(isolate, [host.id, '--comment', 'contain']);
    expect(again.text).toMatch(/already in flight/);
    expect((await callsByFamily(emu)).machineActions).toBe(1);
    await expect(run(release, [host.id, '--comment', 'undo'])).rejects.toThrow(/while a isolate request/);
  });

  it('locks a host down with --for and scans with --full', async () => {
    const [, locked, scanned] = devices;
    const lock = await run(isolate, [locked.id, '--for', '4h', '--comment', 'beacon', '--json']);
    expect(JSON.parse(lock.text)).toMatchObject({ state: 'locking', secondsLeft: 4 * 3600 });
    const full = await run(scan, [scanned.id, '--full', '--comment', 'check', '--json']);
    expect(JSON.parse(full.text)).toMatchObject({ type: 'scan', scanType: 'Full', state: 'pending' });
  });

  it('exits 2 with a message for bad flags, and 1 for an unknown host, sending nothing', async () => {
    await control(emu, 'DELETE', 'stats');
    const err = new PassThrough();
    let text = '';
    err.on('data', (c) => {
      text += String(c);
    });
    expect(await main(['isolate', devices[3].id, '--for', '4d', '--comment', 'x', '--db', db], err)).toBe(2);
    expect(text).toMatch(/--for: duration '4d' is not supported/);
    expect(await main(['scan', devices[3].id, '--db', db], err)).toBe(2);
    expect(text).toMatch(/--comment TEXT is required/);
    expect(await main(['release', '--comment', 'x', '--db', db], err)).toBe(2);
    expect(await main(['scan', 'nosuchhost.contoso.com', '--comment', 'x', '--db', db], err)).toBe(1);
    expect(text).toMatch(/no device 'nosuchhost.contoso.com'/);
    expect((await callsByFamily(emu)).machineActions ?? 0).toBe(0);
  });
  it('prints that an isolate of a ruled device group waits for approval, sends nothing and exits 0; scan never waits', async () => {
    const host = devices[4];
    const store = openStore(db);
    const device = await store.db
      .selectFrom('devices')
      .select('tenant')
      .where('id', '=', host.id)
      .executeTakeFirstOrThrow();
    await store.db.updateTable('devices').set({ rbac_group_name: 'DMZ' }).where('id', '=', host.id).execute();
    await store.db
      .insertInto('approval_rules')
      .values({
        id: 'rule-dmz',
        tenant: device.tenant,
        device_group: 'DMZ',
        created_by: 'test',
        created_at: EMULATOR_START,
      })
      .execute();
    await store.close();
    await control(emu, 'DELETE', 'stats');
    const human = await run(isolate, [host.id, '--comment', 'contain']);
    expect(human.code).toBe(0);
    expect(human.text).toMatch(
      /^isolate of .* waits for approval \(approval [0-9a-f-]{36}, needed for device group 'DMZ'/,
    );
    const json = await run(isolate, [host.id, '--for', '2h', '--comment', 'contain', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.text)).toMatchObject({
      kind: 'lockdown',
      duration: '2h',
      state: 'pending',
      machineId: host.id,
    });
    expect((await callsByFamily(emu)).machineActions ?? 0).toBe(0);
    const scanned = await run(scan, [host.id, '--comment', 'check', '--json']);
    expect(JSON.parse(scanned.text)).toMatchObject({ type: 'scan', state: 'pending' });
  });
});

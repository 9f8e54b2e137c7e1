import { randomBytes } from 'node:crypto';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../api/api.test-support.js';
import { createApiToken } from '../auth/api-tokens.js';
import { createRole } from '../auth/roles.js';
import { engines } from '../store/store.test-support.js';
import {
  advanceClock,
  callsByFamily,
  clientFor,
  control,
  EMULATOR_START,
  startTestEmulator,
} from '../sync/sync.test-support.js';
import { syncTenant } from '../sync/sync-tenant.js';
import { addSyncedEmulatorTenant } from '../tenants/emulator-tenant.test-support.js';
import { startLockdownReleaser } from './lockdown-releaser.js';
import { tenantResponseClients } from './response-clients.js';
import { trackResponseRequests } from './track-requests.js';

const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };

describe.each(engines)('response actions and lockdown on $name', (engine) => {
  let emu: RunningEmulator;
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let api: TestApi;
  let tenant: string;
  /** The bridge's clock (the emulator has its own, moved by advanceClock). */
  let nowMs = Date.parse(EMULATOR_START);
  const now = () => new Date(nowMs);
  const used = new Set<string>();

  beforeAll(async () => {
    emu = await startTestEmulator(40, 'response', { actionTiming: { pickupSeconds: 1, completeSeconds: 5 } });
    store = await engine.open();
    tenant = await addSyncedEmulatorTenant(store, emu, env, ['machines', 'actions']);
    api = await createTestApi({ store, now, deps: { env } });
  });
  afterAll(async () => {
    await api?.close();
    await store?.dispose();
    await emu?.close();
  });
  beforeEach(async () => {
    await control(emu, 'DELETE', 'stats');
  });

  /** An online device that can do everything, not used by another test. */
  function freshDevice(): string {
    const device = emu.state.data.devices.find(
      (d) =>
        d.online &&
        d.supports.isolate &&
        d.supports.selectiveIsolate &&
        d.machine.onboardingStatus === 'Onboarded' &&
        !used.has(d.machine.id),
    );
    if (!device) throw new Error('the emulator has no fresh isolatable device left');
    used.add(device.machine.id);
    return device.machine.id;
  }

  const post = (id: string, payload: Record<string, unknown>, who: string = 'analyst') =>
    api.app.inject({
      method: 'POST',
      url: `/api/v1/hosts/${id}/actions`,
      payload,
      ...api.as(who as 'analyst'),
    });

  async function defenderActions(machineId: string, type: string) {
    return emu.state.actions.list().filter((a) => a.machineId === machineId && a.type === type);
  }

  /** Lets the emulator finish the actions, sweeps them into the replica and tracks the requests. */
  async function finishActions() {
    await advanceClock(emu, 2);
    nowMs += 2 * 60_000;
    await syncTenant({ store, tenant, client: clientFor(emu), only: ['actions'] });
    await trackResponseRequests(store.db, tenant, now());
  }

  it('sends 50 concurrent isolates for one device to Defender once; every caller gets the same request', async () => {
    const id = freshDevice();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post(id, { type: 'isolate', comment: 'ransomware suspected' })),
    );
    const bodies = answers.map((a) => a.json() as { id: string; defenderActionId: string | null });
    expect(answers.filter((a) => a.statusCode === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(49);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(await defenderActions(id, 'Isolate')).toHaveLength(1);
    expect((await callsByFamily(emu)).machineActions).toBe(1);
    const rows = await store.db
      .selectFrom('response_requests')
      .selectAll()
      .where('device_id', '=', id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].state).toBe('pending');
    expect(rows[0].defender_action_id).toBe((await defenderActions(id, 'Isolate'))[0].id);
  });

  it('refuses a release while the isolate is pending, with the reason; lets it through once the isolate succeeded', async () => {
    const id = freshDevice();
    const isolate = await post(id, { type: 'isolate', comment: 'contain' });
    expect(isolate.statusCode).toBe(202);
    const refused = await post(id, { type: 'release', comment: 'oops' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('action_conflict');
    expect(refused.json().error.message).toMatch(/while a isolate request .* is still pending/);
    expect(await defenderActions(id, 'Unisolate')).toHaveLength(0);

    await finishActions();
    const done = await api.app.inject({
      method: 'GET',
      url: `/api/v1/response-requests/${isolate.json().id}`,
      ...api.as('reader'),
    });
    expect(done.json()).toMatchObject({ state: 'succeeded', defenderStatus: 'Succeeded', error: null });
    const release = await post(id, { type: 'release', comment: 'clean' });
    expect(release.statusCode).toBe(202);
    expect(release.json()).toMatchObject({ type: 'release', state: 'pending' });
    expect(await defenderActions(id, 'Unisolate')).toHaveLength(1);

    const list = await api.app.inject({
      method: 'GET',
      url: `/api/v1/hosts/${id}/response-requests`,
      ...api.as('reader'),
    });
    expect(list.json().items.map((r: { type: string }) => r.type)).toEqual(['release', 'isolate']);
  });

  it('ends a request Defender fails as failed with a message, never a success', async () => {
    const id = freshDevice();
    await control(emu, 'POST', `devices/${id}`, { actionOutcome: 'Failed' });
    const scan = await post(id, { type: 'scan', comment: 'check', scanType: 'Full' });
    expect(scan.statusCode).toBe(202);
    await finishActions();
    const row = await store.db
      .selectFrom('response_requests')
      .selectAll()
      .where('id', '=', scan.json().id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('failed');
    expect(row.inflight_key).toBeNull();
    expect(row.error).toMatch(/Failed/);
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'response.completed')
      .execute();
    expect(audit.some((a) => a.outcome === 'failure' && a.detail.includes(row.defender_action_id!))).toBe(
      true,
    );
  });

  it('adopts the pending Defender action on ActiveRequestAlreadyExists', async () => {
    const id = freshDevice();
    const existing = await clientFor(emu).runAntivirusScan(id, { comment: 'from the portal' });
    const scan = await post(id, { type: 'scan', comment: 'again' });
    expect(scan.statusCode).toBe(202);
    expect(scan.json()).toMatchObject({ state: 'pending', defenderActionId: existing.id });
    expect(await defenderActions(id, 'RunAntiVirusScan')).toHaveLength(1);
  });

  it("marks the request failed with Defender's code when Defender refuses (502)", async () => {
    const id = freshDevice();
    // The replica says Windows 11; Defender knows better (the device was re-imaged to an old OS).
    const device = emu.state.data.devices.find((d) => d.machine.id === id)!;
    device.supports = { ...device.supports, isolate: false };
    const answer = await post(id, { type: 'isolate', comment: 'x' });
    expect(answer.statusCode).toBe(502);
    expect(answer.json().error).toMatchObject({
      code: 'defender_error',
      defenderCode: 'OsPlatformNotSupported',
    });
    const row = await store.db
      .selectFrom('response_requests')
      .selectAll()
      .where('id', '=', answer.json().error.requestId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'failed', inflight_key: null, defender_action_id: null });
  });

  it('refuses what the OS cannot do with 422 and sends nothing', async () => {
    const id = freshDevice();
    await store.db
      .updateTable('devices')
      .set({ os_platform: 'Windows10', version: '1607' })
      .where('id', '=', id)
      .execute();
    const answer = await post(id, { type: 'isolate', comment: 'x' });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().error.code).toBe('not_supported');
    expect(answer.json().error.message).toMatch(/isolate is not supported .*Windows10 1607/);
    expect((await callsByFamily(emu)).machineActions ?? 0).toBe(0);
  });

  it('checks the permission of each action', async () => {
    const id = freshDevice();
    const reader = await post(id, { type: 'isolate', comment: 'x' }, 'reader');
    expect(reader.statusCode).toBe(403);
    expect(reader.json().error).toMatchObject({ code: 'forbidden', permission: 'lockdown.edit' });
    const role = await createRole(store.db, {
      name: 'isolator',
      permissions: ['hosts.view', 'lockdown.edit'],
    });
    const { token } = await createApiToken(store.db, {
      name: 'isolator',
      roleId: role.id,
      createdBy: 'test',
    });
    const scan = await api.app.inject({
      method: 'POST',
      url: `/api/v1/hosts/${id}/actions`,
      payload: { type: 'scan', comment: 'x' },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(scan.statusCode).toBe(403);
    expect(scan.json().error.permission).toBe('actions.scan');
    const lock = await api.app.inject({
      method: 'POST',
      url: `/api/v1/hosts/${id}/lockdown`,
      payload: { duration: '1h', comment: 'x' },
      ...api.as('reader'),
    });
    expect(lock.statusCode).toBe(403);
    expect((await callsByFamily(emu)).machineActions ?? 0).toBe(0);
    expect((await post(id, { type: 'isolate', comment: 'x' }, 'analyst')).statusCode).toBe(202);
    const denied = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.some((a) => a.action === 'response.refused' && a.detail.includes('actions.scan'))).toBe(
      true,
    );
  });

  it('refuses bad input with a 400 or 404 naming it and sends nothing', async () => {
    const id = freshDevice();
    const unknown = await post('0123456789abcdef0123456789abcdef01234567', { type: 'isolate', comment: 'x' });
    expect(unknown.statusCode).toBe(404);
    const noComment = await post(id, { type: 'isolate' });
    expect(noComment.statusCode).toBe(400);
    expect(noComment.json().error.field).toBe('body.comment');
    const lock = (payload: Record<string, unknown>) =>
      api.app.inject({ method: 'POST', url: `/api/v1/hosts/${id}/lockdown`, payload, ...api.as('analyst') });
    for (const duration of ['10m', '73h', '4d', 'soon']) {
      const answer = await lock({ duration, comment: 'x' });
      expect(answer.statusCode, duration).toBe(400);
      expect(answer.json().error.field).toBe('body.duration');
    }
    expect((await lock({ duration: '4h' })).json().error.field).toBe('body.comment');
    expect((await callsByFamily(emu)).machineActions ?? 0).toBe(0);
    expect(await store.db.selectFrom('lockdowns').selectAll().where('device_id', '=', id).execute()).toEqual(
      [],
    );
  });

  it('releases a lockdown that ended while the bridge was down at once on start, audited as late', async () => {
    const id = freshDevice();
    const url = `/api/v1/hosts/${id}/lockdown`;
    const locked = await api.app.inject({
      method: 'POST',
      url,
      payload: { duration: '1h', comment: 'lateral movement' },
      ...api.as('analyst'),
    });
    expect(locked.statusCode).toBe(201);
    expect(locked.json()).toMatchObject({ state: 'locking', secondsLeft: 3600, releasedLate: false });
    const again = await api.app.inject({
      method: 'POST',
      url,
      payload: { duration: '2h', comment: 'y' },
      ...api.as('analyst'),
    });
    expect(again.statusCode).toBe(409);
    await finishActions();
    expect((await api.app.inject({ method: 'GET', url, ...api.as('reader') })).json().state).toBe('active');

    // The bridge is down (no releaser) past the end; then it starts.
    nowMs += 2 * 3600_000;
    const releaser = startLockdownReleaser({
      store,
      clientFor: tenantResponseClients({ store, env }),
      now,
      setInterval: () => 0,
      clearInterval: () => {},
    });
    await releaser.started;
    await releaser.stop();
    const released = (await api.app.inject({ method: 'GET', url, ...api.as('reader') })).json();
    expect(released).toMatchObject({
      state: 'releasing',
      releasedLate: true,
      releasedBy: 'lockdown-releaser',
    });
    expect(await defenderActions(id, 'Unisolate')).toHaveLength(1);
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'lockdown.released')
      .where('target', '=', `${tenant}/${id}`)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].detail)).toMatchObject({ late: true, lateBySeconds: 3600 + 120 }); // 2 h after a 1 h lock taken 2 min earlier;

    await finishActions();
    expect((await api.app.inject({ method: 'GET', url, ...api.as('reader') })).json()).toMatchObject({
      state: 'released',
      secondsLeft: null,
    });
  });

  it('unlocks early, and retries a failed release on the next tick', async () => {
    const id = freshDevice();
    const url = `/api/v1/hosts/${id}/lockdown`;
    expect((await api.app.inject({ method: 'GET', url, ...api.as('reader') })).statusCode).toBe(404);
    await api.app.inject({
      method: 'POST',
      url,
      payload: { duration: '90m', comment: 'c2 beacon' },
      ...api.as('analyst'),
    });
    await finishActions();
    // No body at all: the comment is optional when unlocking.
    const unlocked = await api.app.inject({ method: 'DELETE', url, ...api.as('analyst') });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({
      state: 'releasing',
      releasedBy: 'test-analyst',
      releasedLate: false,
    });
    await finishActions();
    expect((await api.app.inject({ method: 'GET', url, ...api.as('reader') })).json().state).toBe('released');

    // A second lockdown whose release Defender refuses the first time.
    await api.app.inject({
      method: 'POST',
      url,
      payload: { duration: '15m', comment: 'again' },
      ...api.as('analyst'),
    });
    await finishActions();
    nowMs += 13 * 60_000; // the end, exactly (finishActions took 2 min)
    const device = emu.state.data.devices.find((d) => d.machine.id === id)!;
    const supports = device.supports;
    device.supports = { ...supports, isolate: false };
    const releaser = startLockdownReleaser({
      store,
      clientFor: tenantResponseClients({ store, env }),
      now,
      setInterval: () => 0,
      clearInterval: () => {},
    });
    await releaser.started;
    expect((await api.app.inject({ method: 'GET', url, ...api.as('reader') })).json().state).toBe('active');
    device.supports = supports;
    expect(await releaser.tick()).toBe(1);
    await releaser.stop();
    expect((await api.app.inject({ method: 'GET', url, ...api.as('reader') })).json()).toMatchObject({
      state: 'releasing',
      releasedLate: false,
    });
  });
});

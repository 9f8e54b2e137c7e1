import { randomBytes } from 'node:crypto';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../api/api.test-support.js';
import { engines } from '../store/store.test-support.js';
import { advanceClock, clientFor, EMULATOR_START, startTestEmulator } from '../sync/sync.test-support.js';
import { syncTenant } from '../sync/sync-tenant.js';
import { addSyncedEmulatorTenant } from '../tenants/emulator-tenant.test-support.js';
import { createApproval } from './approvals.js';
import { tenantResponseClients } from './response-clients.js';
import { trackResponseRequests } from './track-requests.js';

const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };
const GROUP = 'Critical Servers';

describe.each(engines)('approvals on $name', (engine) => {
  let emu: RunningEmulator;
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let api: TestApi;
  let tenant: string;
  let nowMs = Date.parse(EMULATOR_START);
  const now = () => new Date(nowMs);
  const used = new Set<string>();

  beforeAll(async () => {
    emu = await startTestEmulator(30, 'approvals', {
      actionTiming: { pickupSeconds: 1, completeSeconds: 5 },
    });
    store = await engine.open();
    tenant = await addSyncedEmulatorTenant(store, emu, env, ['machines', 'actions']);
    api = await createTestApi({ store, now, deps: { env } });
    const rule = await api.app.inject({
      method: 'POST',
      url: '/api/v1/approval-rules',
      payload: { tenantId: 'contoso', deviceGroup: GROUP },
      ...api.as('admin'),
    });
    expect(rule.statusCode).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
    await store?.dispose();
    await emu?.close();
  });

  /** A fresh isolatable device; in the ruled group unless `ruled` is false. */
  async function freshDevice(ruled = true): Promise<string> {
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
    await store.db
      .updateTable('devices')
      .set({ rbac_group_name: ruled ? GROUP.toLowerCase() : 'Workstations' })
      .where('id', '=', device.machine.id)
      .execute();
    return device.machine.id;
  }

  const call = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    who: 'analyst' | 'admin' | 'reader',
    payload?: object,
  ) => api.app.inject({ method, url: `/api/v1${url}`, ...(payload ? { payload } : {}), ...api.as(who) });
  const defenderActions = (machineId: string, type: string) =>
    emu.state.actions.list().filter((a) => a.machineId === machineId && a.type === type);

  async function finishActions() {
    await advanceClock(emu, 2);
    nowMs += 2 * 60_000;
    await syncTenant({ store, tenant, client: clientFor(emu), only: ['actions'] });
    await trackResponseRequests(store.db, tenant, now());
  }

  it('makes an isolate on a ruled device group wait; the requester cannot approve it; a second person sends it once', async () => {
    const id = await freshDevice();
    const asked = await call('POST', `/hosts/${id}/actions`, 'analyst', {
      type: 'isolate',
      comment: 'beacon',
    });
    expect(asked.statusCode).toBe(202);
    const { approvalRequired, approval } = asked.json();
    expect(approvalRequired).toBe(true);
    expect(approval).toMatchObject({
      kind: 'action',
      actionType: 'isolate',
      state: 'pending',
      reason: `device group '${GROUP}'`,
      requestedBy: 'test-analyst',
      isolationType: 'Full',
      machineId: id,
    });
    expect(Date.parse(approval.expiresAt) - Date.parse(approval.requestedAt)).toBe(24 * 3600_000);
    expect(defenderActions(id, 'Isolate')).toHaveLength(0);
    expect(
      await store.db.selectFrom('response_requests').selectAll().where('device_id', '=', id).execute(),
    ).toEqual([]);

    const own = await call('POST', `/approvals/${approval.id}/approve`, 'analyst', {});
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('self_approval');
    expect(defenderActions(id, 'Isolate')).toHaveLength(0);

    const reader = await call('POST', `/approvals/${approval.id}/approve`, 'reader', {});
    expect(reader.statusCode).toBe(403);
    expect(reader.json().error.permission).toBe('lockdown.edit');

    const [approved, twice] = await Promise.all([
      call('POST', `/approvals/${approval.id}/approve`, 'admin', { comment: 'confirmed with the SOC' }),
      call('POST', `/approvals/${approval.id}/approve`, 'admin', {}),
    ]);
    const ok = [approved, twice].find((r) => r.statusCode === 200)!;
    expect([approved.statusCode, twice.statusCode].sort()).toEqual([200, 409]);
    expect(ok.json()).toMatchObject({ state: 'approved', decidedBy: 'test-admin' });
    expect(defenderActions(id, 'Isolate')).toHaveLength(1);
    const request = await store.db
      .selectFrom('response_requests')
      .selectAll()
      .where('id', '=', ok.json().resultRequestId)
      .executeTakeFirstOrThrow();
    expect(request).toMatchObject({
      state: 'pending',
      requested_by: 'test-analyst (approved by test-admin)',
      defender_action_id: defenderActions(id, 'Isolate')[0].id,
    });
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target', '=', `${tenant}/${id}`)
      .where('action', 'in', ['response.requested', 'approval.approved'])
      .execute();
    for (const entry of audit) {
      expect(entry.actor).toBe('test-admin');
      expect(entry.detail).toContain('test-analyst');
    }
    expect(audit).toHaveLength(2);
    const again = await call('POST', `/approvals/${approval.id}/approve`, 'admin', {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('not_pending');
  });

  it('sends nothing for a rejected approval, and refuses an expired one with not_pending', async () => {
    const id = await freshDevice();
    const asked = await call('POST', `/hosts/${id}/actions`, 'analyst', { type: 'restrict', comment: 'x' });
    const approval = asked.json().approval;
    const noComment = await call('POST', `/approvals/${approval.id}/reject`, 'admin', {});
    expect(noComment.statusCode).toBe(400);
    const rejected = await call('POST', `/approvals/${approval.id}/reject`, 'admin', {
      comment: 'false positive',
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ state: 'rejected', decisionComment: 'false positive' });
    expect((await call('POST', `/approvals/${approval.id}/approve`, 'admin', {})).statusCode).toBe(409);
    expect(defenderActions(id, 'RestrictCodeExecution')).toHaveLength(0);

    const collect = (
      await call('POST', `/hosts/${id}/actions`, 'analyst', { type: 'collect', comment: 'y' })
    ).json().approval;
    nowMs += 24 * 3600_000 + 1000;
    const late = await call('POST', `/approvals/${collect.id}/approve`, 'admin', {});
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('not_pending');
    expect((await call('GET', `/approvals/${collect.id}`, 'reader')).json().state).toBe('expired');
    expect(defenderActions(id, 'CollectInvestigationPackage')).toHaveLength(0);
    const list = await call('GET', '/approvals?state=expired', 'reader');
    expect(list.json().items.map((a: { id: string }) => a.id)).toContain(collect.id);
  });

  it('never makes release, scan or unrestrict wait', async () => {
    const id = await freshDevice();
    const scan = await call('POST', `/hosts/${id}/actions`, 'analyst', { type: 'scan', comment: 'check' });
    expect(scan.statusCode).toBe(202);
    expect(scan.json()).toMatchObject({ type: 'scan', state: 'pending' });
    const release = await call('POST', `/hosts/${id}/actions`, 'analyst', { type: 'release', comment: 'ok' });
    expect(release.statusCode).toBe(202);
    expect(release.json().approvalRequired).toBeUndefined();
    expect(defenderActions(id, 'Unisolate')).toHaveLength(1);
    const unrestrict = await call('POST', `/hosts/${id}/actions`, 'analyst', {
      type: 'unrestrict',
      comment: 'ok',
    });
    expect(unrestrict.json().type).toBe('unrestrict');
  });

  it('refuses what the device cannot do before recording an approval (422, nothing waits)', async () => {
    const id = await freshDevice();
    await store.db
      .updateTable('devices')
      .set({ os_platform: 'Windows10', version: '1607' })
      .where('id', '=', id)
      .execute();
    const answer = await call('POST', `/hosts/${id}/actions`, 'analyst', { type: 'restrict', comment: 'x' });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().error.code).toBe('not_supported');
    expect(await store.db.selectFrom('approvals').selectAll().where('device_id', '=', id).execute()).toEqual(
      [],
    );
  });

  it('locks a host through an approval with the asked duration', async () => {
    const id = await freshDevice();
    const bad = await call('POST', `/hosts/${id}/lockdown`, 'analyst', { duration: '5m', comment: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('body.duration');
    const asked = await call('POST', `/hosts/${id}/lockdown`, 'analyst', {
      duration: '4h',
      comment: 'ransomware',
    });
    expect(asked.statusCode).toBe(202);
    expect(asked.json().approval).toMatchObject({ kind: 'lockdown', actionType: 'isolate', duration: '4h' });
    expect((await call('GET', `/hosts/${id}/lockdown`, 'reader')).statusCode).toBe(404);
    nowMs += 30 * 60_000;
    const approved = await call('POST', `/approvals/${asked.json().approval.id}/approve`, 'admin', {});
    expect(approved.statusCode).toBe(200);
    const lockdown = (await call('GET', `/hosts/${id}/lockdown`, 'reader')).json();
    expect(lockdown.id).toBe(approved.json().resultLockdownId);
    expect(lockdown).toMatchObject({ state: 'locking', lockedBy: 'test-analyst (approved by test-admin)' });
    expect(Date.parse(lockdown.endsAt) - Date.parse(lockdown.lockedAt)).toBe(4 * 3600_000);
    expect(lockdown.lockedAt).toBe(now().toISOString());
    expect(approved.json().resultRequestId).toBe(lockdown.isolateRequestId);
    expect(defenderActions(id, 'Isolate')).toHaveLength(1);
  });

  it('lets any user approve what a policy asked for, and fails the approval as the action would fail', async () => {
    const id = await freshDevice(false);
    const deps = { store, clientFor: tenantResponseClients({ store, env }), now };
    const approval = await createApproval(deps, {
      tenant,
      deviceId: id,
      kind: 'lockdown',
      actionType: 'isolate',
      payload: { comment: "policy 'ndr-high'", duration: '1h' },
      reason: "policy 'ndr-high'",
      requestedBy: { actorKind: 'system', actor: "policy 'ndr-high'", ip: null },
      policyId: 'p1',
    });
    expect(approval).toMatchObject({ policyId: 'p1', state: 'pending' });
    // Defender refuses the isolate: the approval fails with the reason, the route answers as the lockdown would.
    const device = emu.state.data.devices.find((d) => d.machine.id === id)!;
    const supports = device.supports;
    device.supports = { ...supports, isolate: false };
    const failed = await call('POST', `/approvals/${approval.id}/approve`, 'analyst', {});
    device.supports = supports;
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error.code).toBe('defender_error');
    const stored = (await call('GET', `/approvals/${approval.id}`, 'reader')).json();
    expect(stored.state).toBe('failed');
    expect(stored.error).toMatch(/OsPlatformNotSupported/);
  });

  it('manages approval rules: duplicate 409, unknown tenant 400, delete 204 then 404', async () => {
    const dup = await call('POST', '/approval-rules', 'admin', {
      tenantId: tenant,
      deviceGroup: GROUP.toUpperCase(),
    });
    expect(dup.statusCode).toBe(409);
    const unknown = await call('POST', '/approval-rules', 'admin', { tenantId: 'nope', deviceGroup: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.field).toBe('body.tenantId');
    expect(
      (await call('POST', '/approval-rules', 'analyst', { tenantId: tenant, deviceGroup: 'y' })).statusCode,
    ).toBe(403);
    const rule = await call('POST', '/approval-rules', 'admin', { tenantId: tenant, deviceGroup: 'Labs' });
    const list = (await call('GET', '/approval-rules', 'reader')).json().items;
    expect(list.map((r: { deviceGroup: string }) => r.deviceGroup).sort()).toEqual([GROUP, 'Labs']);
    expect((await call('DELETE', `/approval-rules/${rule.json().id}`, 'admin')).statusCode).toBe(204);
    expect((await call('DELETE', `/approval-rules/${rule.json().id}`, 'admin')).statusCode).toBe(404);
  });

  it('refuses to unlock while the lockdown isolate is pending (409, nothing changes); unlocks once it succeeded', async () => {
    const id = await freshDevice(false);
    const url = `/hosts/${id}/lockdown`;
    expect((await call('POST', url, 'analyst', { duration: '2h', comment: 'c2' })).statusCode).toBe(201);
    const before = (await call('GET', url, 'reader')).json();
    const early = await call('DELETE', url, 'analyst');
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('action_conflict');
    expect(early.json().error.message).toMatch(
      /cannot release .* while a isolate request .* is still pending/,
    );
    expect((await call('GET', url, 'reader')).json()).toEqual(before);
    expect(defenderActions(id, 'Unisolate')).toHaveLength(0);
    await finishActions();
    const unlocked = await call('DELETE', url, 'analyst');
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({ state: 'releasing', releasedBy: 'test-analyst' });
    expect(defenderActions(id, 'Unisolate')).toHaveLength(1);
  });
});

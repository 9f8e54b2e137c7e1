import { randomBytes, randomUUID } from 'node:crypto';
import type { DefenderClient } from '@mde-bridge/client';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessScheduler } from '../jobs/in-process-scheduler.js';
import type { SyncController, SyncRequest } from '../jobs/sync-controller.js';
import { engines } from '../store/store.test-support.js';
import { clientFor, EMULATOR_START, startTestEmulator } from '../sync/sync.test-support.js';
import { addSyncedEmulatorTenant } from '../tenants/emulator-tenant.test-support.js';
import { createApproval } from './approvals.js';
import { recoverStaleRequests } from './recover-requests.js';
import { requestResponseAction } from './request-action.js';
import { tenantResponseClients } from './response-clients.js';
import { startResponseMaintenance } from './response-maintenance.js';
import { inflightKey } from './response-request.js';

const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };

describe.each(engines)('response maintenance on $name', (engine) => {
  let emu: RunningEmulator;
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let tenant: string;
  let nowMs = Date.parse(EMULATOR_START);
  const now = () => new Date(nowMs);
  const used = new Set<string>();

  beforeAll(async () => {
    emu = await startTestEmulator(20, 'maintenance');
    store = await engine.open();
    tenant = await addSyncedEmulatorTenant(store, emu, env);
  });
  afterAll(async () => {
    await store?.dispose();
    await emu?.close();
  });

  function freshDevice(): string {
    const device = emu.state.data.devices.find(
      (d) =>
        d.online &&
        d.supports.isolate &&
        d.machine.onboardingStatus === 'Onboarded' &&
        !used.has(d.machine.id),
    );
    if (!device) throw new Error('no fresh device left');
    used.add(device.machine.id);
    return device.machine.id;
  }

  /** A request row as requestResponseAction leaves it when the process dies before Defender answers. */
  async function sendingRow(deviceId: string, requestedAt: string) {
    const id = randomUUID();
    await store.db
      .insertInto('response_requests')
      .values({
        id,
        tenant,
        device_id: deviceId,
        type: 'isolate',
        state: 'sending',
        inflight_key: inflightKey(tenant, deviceId, 'isolate'),
        defender_action_id: null,
        defender_status: null,
        comment: 'contain',
        isolation_type: 'Full',
        scan_type: null,
        requested_by: 'analyst',
        requested_at: requestedAt,
        sent_at: null,
        completed_at: null,
        error: null,
        lockdown_id: null,
      })
      .execute();
    return id;
  }

  /** A SyncController that records what it was asked. */
  function recordingSync() {
    const triggers: { tenant: string; request?: SyncRequest }[] = [];
    const sync: SyncController = {
      status: async () => [],
      trigger: (t, request) => {
        triggers.push({ tenant: t, request });
        return { accepted: ['actions'], done: Promise.resolve() };
      },
    };
    return { sync, triggers };
  }

  const maintenance = (sync?: SyncController) =>
    startResponseMaintenance({
      store,
      clientFor: tenantResponseClients({ store, env }),
      sync,
      now,
      setInterval: () => 0,
      clearInterval: () => {},
    });

  it('adopts the Defender action of a request a crash left sending, and fails one Defender never got', async () => {
    const sent = freshDevice();
    const lost = freshDevice();
    const young = freshDevice();
    // The process recorded the request, Defender created the action, then the process died.
    const action = await clientFor(emu).isolateMachine(sent, { comment: 'contain', isolationType: 'Full' });
    const requestedAt = new Date(Date.parse(action.creationDateTimeUtc) - 1000).toISOString();
    const adoptedId = await sendingRow(sent, requestedAt);
    const failedId = await sendingRow(lost, requestedAt);
    nowMs = Date.parse(requestedAt) + 3 * 60_000;
    const stillSendingId = await sendingRow(young, new Date(nowMs - 30_000).toISOString());

    const loop = maintenance();
    await loop.started;
    expect(await loop.tick()).toMatchObject({ adopted: 0, failed: 0 });
    await loop.stop();

    const rows = await store.db
      .selectFrom('response_requests')
      .selectAll()
      .where('tenant', '=', tenant)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(adoptedId)).toMatchObject({
      state: 'pending',
      defender_action_id: action.id,
      inflight_key: inflightKey(tenant, sent, 'isolate'),
    });
    expect(byId.get(failedId)).toMatchObject({
      state: 'failed',
      inflight_key: null,
      defender_action_id: null,
    });
    expect(byId.get(failedId)?.error).toMatch(/never sent/);
    expect(byId.get(stillSendingId)?.state).toBe('sending');
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'response.recovered')
      .execute();
    expect(audit.map((a) => [a.target, a.outcome]).sort()).toEqual(
      [
        [`${tenant}/${sent}`, 'success'],
        [`${tenant}/${lost}`, 'failure'],
      ].sort(),
    );
    // Nothing was sent for the lost one.
    expect(emu.state.actions.list().filter((a) => a.machineId === lost)).toHaveLength(0);
    await store.db.deleteFrom('response_requests').where('id', '=', stillSendingId).execute();
  });

  it('takes back a request whose Defender answer came after the recovery had given it up as never sent', async () => {
    const deviceId = freshDevice();
    const real = tenantResponseClients({ store, env });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // Defender is slow to answer this isolate: the process is alive but still waiting.
    const slow = async (t: string) => {
      const client = await real(t);
      return {
        ...client,
        listMachineActions: client.listMachineActions.bind(client),
        isolateMachine: async (...args: Parameters<typeof client.isolateMachine>) => {
          await gate;
          return client.isolateMachine(...args);
        },
      };
    };
    const requested = requestResponseAction(
      { store, clientFor: slow, now },
      {
        tenant,
        deviceId,
        type: 'isolate',
        comment: 'contain',
        requestedBy: { actorKind: 'user', actor: 'analyst', ip: null },
      },
    );
    let row = await store.db.selectFrom('response_requests').selectAll().where('device_id', '=', deviceId);
    await expect.poll(async () => (await row.executeTakeFirst())?.state).toBe('sending');
    nowMs += 3 * 60_000;
    expect(await recoverStaleRequests({ store, clientFor: real, now })).toEqual({ adopted: 0, failed: 1 });
    expect(await row.executeTakeFirst()).toMatchObject({ state: 'failed', inflight_key: null });

    open();
    const { request } = await requested;
    row = store.db.selectFrom('response_requests').selectAll().where('id', '=', request.id);
    const after = await row.executeTakeFirstOrThrow();
    const sent = emu.state.actions.list().filter((a) => a.machineId === deviceId);
    expect(sent).toHaveLength(1);
    expect(after).toMatchObject({
      state: 'pending',
      defender_action_id: sent[0]?.id,
      inflight_key: inflightKey(tenant, deviceId, 'isolate'),
      error: null,
    });
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['target'])
      .where('action', '=', 'response.late_answer')
      .execute();
    expect(audit.map((a) => a.target)).toContain(`${tenant}/${deviceId}`);
    await store.db.deleteFrom('response_requests').where('id', '=', request.id).execute();
  });

  it('sweeps the machine actions of a tenant every 15 s only while one of its requests is pending', async () => {
    const { sync, triggers } = recordingSync();
    await store.db.updateTable('response_requests').set({ state: 'succeeded', inflight_key: null }).execute();
    const loop = maintenance(sync);
    await loop.started;
    expect(triggers).toEqual([]);

    const id = await sendingRow(freshDevice(), now().toISOString());
    await store.db.updateTable('response_requests').set({ state: 'pending' }).where('id', '=', id).execute();
    expect((await loop.tick()).swept).toEqual([tenant]);
    expect(triggers).toEqual([{ tenant, request: { only: ['actions'], reason: 'action' } }]);
    nowMs += 5_000;
    expect((await loop.tick()).swept).toEqual([]);
    nowMs += 10_000;
    expect((await loop.tick()).swept).toEqual([tenant]);
    await store.db
      .updateTable('response_requests')
      .set({ state: 'succeeded', inflight_key: null })
      .where('id', '=', id)
      .execute();
    nowMs += 60_000;
    expect((await loop.tick()).swept).toEqual([]);
    await loop.stop();
    expect(triggers).toHaveLength(2);
  });

  it('expires an approval left pending for 24 h, audited', async () => {
    const deps = { store, clientFor: tenantResponseClients({ store, env }), now };
    const approval = await createApproval(deps, {
      tenant,
      deviceId: freshDevice(),
      kind: 'action',
      actionType: 'isolate',
      payload: { comment: 'x' },
      reason: "device group 'Servers'",
      requestedBy: { actorKind: 'user', actor: 'analyst', ip: null },
    });
    const loop = maintenance();
    await loop.started;
    nowMs += 23 * 3600_000;
    expect((await loop.tick()).expired).toBe(0);
    nowMs += 3600_000;
    expect((await loop.tick()).expired).toBe(1);
    await loop.stop();
    const row = await store.db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', approval.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('expired');
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'approval.expired')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("gives response calls the scheduler's governor of the tenant: one rate budget for syncs and actions", async () => {
    const scheduler = new InProcessScheduler({ store, env });
    const governor = scheduler.governorFor(tenant);
    expect(scheduler.governorFor(tenant)).toBe(governor);
    const clients = tenantResponseClients({ store, env, governorFor: (t) => scheduler.governorFor(t) });
    const client = (await clients(tenant)) as DefenderClient;
    expect(client.governor).toBe(governor);
    const total = () => Object.values(governor.stats().granted).reduce((a, b) => a + b, 0);
    for await (const _ of client.listMachineActions({ priority: 'response' })) break;
    const afterResponse = total();
    expect(afterResponse).toBeGreaterThan(0);
    await scheduler.start();
    await scheduler.trigger(tenant, { only: ['actions'], reason: 'test' }).done;
    await scheduler.stop({ timeoutMs: 10_000 });
    expect(total()).toBeGreaterThan(afterResponse);
  });
});

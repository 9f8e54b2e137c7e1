import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { deriveIsolationState, type IsolationAction, isolationStatesOf } from './isolation-state.js';
import { syncMachineActions } from './machine-actions-sync.js';
import { advanceClock, callsByFamily, clientFor, control, startTestEmulator } from './sync.test-support.js';

let n = 0;
const action = (type: string, status: string, minute: number): IsolationAction => ({
  id: `a${++n}`,
  type,
  status,
  requestor: 'analyst@contoso.test',
  creation_time: `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`,
  last_update_time: `2026-01-01T00:${String(minute).padStart(2, '0')}:30.000Z`,
});

describe('deriveIsolationState', () => {
  it.each([
    [[action('Isolate', 'Pending', 1)], 'isolating'],
    [[action('Isolate', 'InProgress', 1)], 'isolating'],
    [[action('Isolate', 'Succeeded', 1)], 'isolated'],
    [[action('Isolate', 'Succeeded', 1), action('Unisolate', 'Pending', 2)], 'releasing'],
    [[action('Isolate', 'Succeeded', 1), action('Unisolate', 'Succeeded', 2)], 'not_isolated'],
    [[action('Isolate', 'Failed', 1)], 'failed'],
    [[action('Isolate', 'TimeOut', 1)], 'failed'],
    [[action('Isolate', 'Cancelled', 1)], 'not_isolated'],
    [[action('Isolate', 'Succeeded', 1), action('Unisolate', 'Failed', 2)], 'isolated'],
    [
      [
        action('Isolate', 'Succeeded', 1),
        action('Unisolate', 'Succeeded', 2),
        action('Isolate', 'TimeOut', 3),
      ],
      'not_isolated',
    ],
    [[action('Unisolate', 'Failed', 1)], 'isolated'],
    [[action('Isolate', 'Succeeded', 2), action('Unisolate', 'Pending', 1)], 'isolated'],
    [[action('RunAntiVirusScan', 'Succeeded', 1)], null],
  ])('%j → %s', (actions, state) => {
    expect(deriveIsolationState(actions)?.state ?? null).toBe(state);
  });

  it('names the succeeded action a failed one falls back to', () => {
    const isolate = action('Isolate', 'Succeeded', 1);
    expect(deriveIsolationState([isolate, action('Unisolate', 'TimeOut', 2)])?.action).toBe(isolate);
  });
});

describe.each(engines)('syncMachineActions on $name', (engine) => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator(300, 'actions');
  });
  afterAll(() => emu.close());

  it('derives every device isolation state from one sweep, and follows changes by delta', async () => {
    const store = await engine.open();
    try {
      const client = clientFor(emu);
      const ctx = { store, tenant: 't1', client };
      const devices = emu.state.data.devices
        .filter((d) => d.online && d.supports.isolate)
        .map((d) => d.machine.id);
      const [isolated, releasing, isolating, failed, released] = devices;
      expect((await isolationStatesOf(store.db, 't1', [isolated])).get(isolated)).toBe('unknown');

      await control(emu, 'POST', `devices/${failed}`, { actionOutcome: 'Failed' });
      for (const id of [isolated, releasing, failed, released])
        await client.isolateMachine(id, { comment: 'test' });
      await advanceClock(emu, 2);
      await client.unisolateMachine(released, { comment: 'test' });
      await client.runAntivirusScan(isolated, { comment: 'test' });
      await advanceClock(emu, 2);
      await client.unisolateMachine(releasing, { comment: 'test' });
      await client.isolateMachine(isolating, { comment: 'test' });

      await control(emu, 'DELETE', 'stats');
      const first = await syncMachineActions(ctx);
      expect((await callsByFamily(emu)).machineActions).toBe(1);
      expect(first).toMatchObject({ fetched: 8, created: 8, updated: 0, apiCalls: 1 });
      const all = emu.state.data.devices.map((d) => d.machine.id);
      const states = await isolationStatesOf(store.db, 't1', all);
      expect(
        Object.fromEntries(
          [isolated, releasing, isolating, failed, released].map((id) => [id, states.get(id)]),
        ),
      ).toEqual({
        [isolated]: 'isolated',
        [releasing]: 'releasing',
        [isolating]: 'isolating',
        [failed]: 'failed',
        [released]: 'not_isolated',
      });
      expect(all.filter((id) => states.get(id) === 'not_isolated')).toHaveLength(all.length - 4);
      const row = await store.db
        .selectFrom('isolation_states')
        .selectAll()
        .where('machine_id', '=', isolated)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ action_type: 'Isolate', requestor: emu.demoApp.clientId });

      await advanceClock(emu, 2);
      const delta = await syncMachineActions(ctx);
      expect(delta).toMatchObject({ created: 0, updated: 2 });
      const after = await isolationStatesOf(store.db, 't1', [releasing, isolating]);
      expect([...after.values()]).toEqual(['not_isolated', 'isolated']);
      const stored = await store.db.selectFrom('machine_actions').select(['id', 'status']).execute();
      const truth = emu.state.actions.list();
      expect(new Map(stored.map((a) => [a.id, a.status]))).toEqual(
        new Map(truth.map((a) => [a.id, a.status])),
      );
    } finally {
      await store.dispose();
    }
  });
});

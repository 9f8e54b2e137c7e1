import { randomBytes } from 'node:crypto';
import { silentLogger } from '@mde-bridge/client';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../events/append-event.js';
import { secretBoxWithKey } from '../secrets/secret-box.js';
import { engines } from '../store/store.test-support.js';
import { advanceClock, clientFor, startTestEmulator } from '../sync/sync.test-support.js';
import { syncTenant } from '../sync/sync-tenant.js';
import {
  type DispatchOptions,
  dispatchWebhooks,
  MAX_ATTEMPTS,
  pokeWebhookDispatchers,
  RETRY_DELAYS_MS,
  startWebhookDispatcher,
} from './webhook-dispatcher.js';
import { fakeClock, type Receiver, startReceiver } from './webhook-receiver.test-support.js';
import { createWebhook, listDeliveries, queuePing } from './webhook-repository.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, verifySignature } from './webhook-signature.js';

const box = secretBoxWithKey({ key: randomBytes(32), source: 'test', file: '/nonexistent' });
const SECRET = 'receiver-shared-secret';

describe.each(engines)('webhook dispatcher on $name', (engine) => {
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let receiver: Receiver;
  afterEach(async () => {
    await receiver.close();
    await store.dispose();
  });

  async function setUp(answers: number[] = [], events = ['alert.raised', 'device.added'] as const) {
    store = await engine.open();
    receiver = await startReceiver(answers);
    const clock = fakeClock();
    await store.db.insertInto('tenants').values(tenantRow('t1', 'contoso')).execute();
    const hook = await createWebhook(
      store.db,
      box,
      { url: receiver.url, events: [...events], secret: SECRET },
      clock.now(),
    );
    const options: DispatchOptions = {
      store,
      logger: silentLogger,
      box,
      fetch,
      now: clock.now,
      settleMs: 0,
    };
    return { clock, hook, options };
  }

  it('posts signed events that verifySignature accepts, and a wrong secret or altered body is detected', async () => {
    const { clock, hook, options } = await setUp();
    await appendEvents(
      store.db,
      [
        { tenant: 't1', type: 'alert.raised', subject: 'da1', data: { severity: 'High' } },
        { tenant: 't1', type: 'risk.changed', subject: 'm1', data: {} },
        { tenant: 't1', type: 'device.added', subject: 'm2', data: { name: 'pc-2' } },
      ],
      clock.now(),
    );
    await dispatchWebhooks(options);

    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers[EVENT_HEADER]).toBe('alert.raised');
    expect(second.headers[EVENT_HEADER]).toBe('device.added');
    expect(JSON.parse(first.body)).toMatchObject({
      type: 'alert.raised',
      tenant: { id: 't1', name: 'contoso' },
      subject: 'da1',
      data: { severity: 'High' },
      at: clock.now().toISOString(),
    });
    const signature = first.headers[SIGNATURE_HEADER] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(SECRET, first.body, signature)).toBe(true);
    expect(verifySignature('another-secret', first.body, signature)).toBe(false);
    expect(verifySignature(SECRET, first.body.replace('High', 'Low'), signature)).toBe(false);
    expect(verifySignature(SECRET, first.body, undefined)).toBe(false);

    const log = await listDeliveries(store.db, hook.id, { page: 1, pageSize: 10 });
    expect(log.items.map((d) => [d.eventType, d.attempt, d.status, d.responseStatus])).toEqual([
      ['device.added', 1, 'delivered', 200],
      ['alert.raised', 1, 'delivered', 200],
    ]);
    expect(first.headers[DELIVERY_HEADER]).toBe(log.items[1].id);

    // Nothing is sent twice.
    await dispatchWebhooks(options);
    expect(receiver.received).toHaveLength(2);
  });

  it('retries a failing receiver with backoff, in order, and the log shows every attempt', async () => {
    const { clock, hook, options } = await setUp([500, 500, 200]);
    await appendEvents(
      store.db,
      [{ tenant: 't1', type: 'alert.raised', subject: 'da1', data: {} }],
      clock.now(),
    );
    await dispatchWebhooks(options);
    expect(receiver.received).toHaveLength(1);
    // A later event waits behind the one being retried.
    await appendEvents(
      store.db,
      [{ tenant: 't1', type: 'device.added', subject: 'm9', data: {} }],
      clock.now(),
    );
    clock.advance(RETRY_DELAYS_MS[0] - 1);
    await dispatchWebhooks(options);
    expect(receiver.received).toHaveLength(1);
    clock.advance(1);
    await dispatchWebhooks(options);
    expect(receiver.received).toHaveLength(2);
    clock.advance(RETRY_DELAYS_MS[1] - 1);
    await dispatchWebhooks(options);
    expect(receiver.received).toHaveLength(2);
    clock.advance(1);
    await dispatchWebhooks(options);

    const bodies = receiver.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type)).toEqual([
      'alert.raised',
      'alert.raised',
      'alert.raised',
      'device.added',
    ]);
    // Every attempt sends the same bytes with the same signature.
    expect(new Set(receiver.received.slice(0, 3).map((r) => r.body)).size).toBe(1);
    const log = await listDeliveries(store.db, hook.id, { page: 1, pageSize: 10 });
    expect(log.items.map((d) => [d.eventType, d.attempt, d.status, d.responseStatus])).toEqual([
      ['device.added', 1, 'delivered', 200],
      ['alert.raised', 3, 'delivered', 200],
      ['alert.raised', 2, 'failed', 500],
      ['alert.raised', 1, 'failed', 500],
    ]);
    const [, , second, first] = log.items;
    expect(Date.parse(first.nextAttemptAt!) - Date.parse(first.at)).toBe(RETRY_DELAYS_MS[0]);
    expect(Date.parse(second.nextAttemptAt!) - Date.parse(second.at)).toBe(RETRY_DELAYS_MS[1]);
    expect(first.error).toContain('500');
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts and goes on with the next event`, async () => {
    const { clock, hook, options } = await setUp(Array(MAX_ATTEMPTS).fill(503));
    await appendEvents(
      store.db,
      [
        { tenant: 't1', type: 'alert.raised', subject: 'da1', data: {} },
        { tenant: 't1', type: 'alert.raised', subject: 'da2', data: {} },
      ],
      clock.now(),
    );
    await dispatchWebhooks(options);
    for (const delay of RETRY_DELAYS_MS) {
      clock.advance(delay);
      await dispatchWebhooks(options);
    }
    const subjects = receiver.received.map((r) => JSON.parse(r.body).subject);
    expect(subjects).toEqual([...Array(MAX_ATTEMPTS).fill('da1'), 'da2']);
    const log = await listDeliveries(store.db, hook.id, { page: 1, pageSize: 10 });
    expect(log.items[0]).toMatchObject({ attempt: 1, status: 'delivered' });
    expect(log.items[1]).toMatchObject({ attempt: MAX_ATTEMPTS, status: 'failed', nextAttemptAt: null });
  });

  it('runs in its own loop: a queued test delivery goes out when poked, without waiting for the next tick', async () => {
    const { clock, hook } = await setUp();
    // An hour between rounds: the delivery below can only come from the round at start or from the poke.
    const dispatcher = startWebhookDispatcher({
      store,
      logger: silentLogger,
      box,
      now: clock.now,
      intervalMs: 3_600_000,
    });
    try {
      const arrived = receiver.next();
      await queuePing(store.db, hook.id, clock.now());
      pokeWebhookDispatchers();
      const ping = await arrived;
      expect(JSON.parse(ping.body)).toMatchObject({ type: 'ping', subject: hook.id, tenant: null });
      expect(verifySignature(SECRET, ping.body, ping.headers[SIGNATURE_HEADER])).toBe(true);
    } finally {
      await dispatcher.stop();
    }
    // Stopping aborts a request still waiting for its answer: that delivery stays pending and goes out again
    // on the next start (at least once), so either outcome is right here; nothing is marked failed.
    const log = await listDeliveries(store.db, hook.id, { page: 1, pageSize: 10 });
    expect(log.items).toHaveLength(1);
    expect(['delivered', 'pending']).toContain(log.items[0].status);
  });

  it('records an unreachable receiver as a failed attempt with the reason', async () => {
    const { clock, hook, options } = await setUp();
    await receiver.close();
    await appendEvents(
      store.db,
      [{ tenant: 't1', type: 'device.added', subject: 'm1', data: {} }],
      clock.now(),
    );
    await dispatchWebhooks(options);
    const log = await listDeliveries(store.db, hook.id, { page: 1, pageSize: 10 });
    expect(log.items.map((d) => [d.attempt, d.status])).toEqual([
      [2, 'pending'],
      [1, 'failed'],
    ]);
    expect(log.items[1].error).toMatch(/request failed/);
    receiver = await startReceiver();
  });
});

describe.each(engines)('events from a real sync on $name', (engine) => {
  let emu: RunningEmulator;
  let receiver: Receiver;
  beforeAll(async () => {
    emu = await startTestEmulator(200, 'webhooks');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await emu.close();
  });

  it('announces alerts raised, devices added and isolation changes after the first sync (not the tenant as first seen)', async () => {
    const store = await engine.open();
    try {
      const client = clientFor(emu);
      await store.db.insertInto('tenants').values(tenantRow('t1', 'emulated')).execute();
      const only = ['machines', 'alerts', 'actions'] as const;
      await syncTenant({ store, tenant: 't1', client, only });
      const firstSync = await store.db.selectFrom('events').select('type').execute();
      expect(firstSync).toEqual([]);

      await createWebhook(
        store.db,
        box,
        {
          url: receiver.url,
          events: ['alert.raised', 'device.added', 'alert.updated', 'isolation.changed'],
          secret: SECRET,
        },
        new Date(),
      );
      const isolated = emu.state.data.devices.find((d) => d.online && d.supports.isolate)!.machine.id;
      await client.isolateMachine(isolated, { comment: 'contain', isolationType: 'Full' });
      const devicesBefore = emu.state.data.devices.length;
      await advanceClock(emu, 7 * 24 * 60);
      const added = emu.state.data.devices.slice(devicesBefore).map((d) => d.machine.id);
      expect(added.length).toBeGreaterThan(0);
      await syncTenant({ store, tenant: 't1', client, only });
      await dispatchWebhooks({ store, logger: silentLogger, box, fetch, now: () => new Date(), settleMs: 0 });

      const bodies = receiver.received.map((r) => {
        expect(verifySignature(SECRET, r.body, r.headers[SIGNATURE_HEADER])).toBe(true);
        return JSON.parse(r.body);
      });
      const raised = bodies.filter((b) => b.type === 'alert.raised');
      expect(raised.length).toBeGreaterThan(0);
      expect(raised[0]).toMatchObject({ tenant: { id: 't1', name: 'emulated' } });
      const stored = await store.db.selectFrom('alerts').select('id').where('tenant', '=', 't1').execute();
      expect(stored.map((a) => a.id)).toEqual(expect.arrayContaining(raised.map((b) => b.subject)));
      const announced = bodies.filter((b) => b.type === 'device.added').map((b) => b.subject);
      expect(announced.sort()).toEqual([...added].sort());
      const isolation = bodies.filter((b) => b.type === 'isolation.changed');
      expect(isolation.map((b) => [b.subject, b.data.previous])).toEqual([[isolated, 'not_isolated']]);
      expect(['isolating', 'isolated']).toContain(isolation[0].data.state);
      // The outbox order is kept: ids only go up.
      const ids = bodies.map((b) => Number(b.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    } finally {
      await store.dispose();
    }
  });
});

function tenantRow(id: string, name: string) {
  const now = new Date().toISOString();
  return {
    id,
    name,
    tenant_id: '00000000-0000-0000-0000-000000000000',
    client_id: 'c',
    cloud: 'commercial',
    api_url: null,
    login_url: null,
    graph_url: null,
    proxy: null,
    credential_kind: 'secret' as const,
    credential_ciphertext: 'x',
    certificate_pem: null,
    settings: '{}',
    created_at: now,
    updated_at: now,
  };
}

import { silentLogger } from '@mde-bridge/client';
import { afterEach, describe, expect, it } from 'vitest';
import { secretBox } from '../../secrets/secret-box.js';
import type { Store } from '../../store/store.js';
import { engines } from '../../store/store.test-support.js';
import { dispatchWebhooks } from '../../webhooks/webhook-dispatcher.js';
import { type Receiver, startReceiver } from '../../webhooks/webhook-receiver.test-support.js';
import { SIGNATURE_HEADER, verifySignature } from '../../webhooks/webhook-signature.js';
import type { Api } from '../types.js';
import { routesApp } from './routes.test-support.js';

const SECRET = 'first-secret-value';
const NEW_SECRET = 'second-secret-value';

describe.each(engines)('webhooks routes on $name', (engine) => {
  let store: (Store & { dispose(): Promise<void> }) | undefined;
  let app: Api | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await app?.close();
    await receiver?.close();
    await store?.dispose();
    [app, receiver, store] = [undefined, undefined, undefined];
  });

  it('creates, edits, tests and deletes a webhook; the secret never comes back and is masked in the audit', async () => {
    store = await engine.open();
    receiver = await startReceiver();
    const built = await routesApp(store);
    app = built.app;
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { url: receiver.url, events: ['alert.raised', 'isolation.changed'], secret: SECRET },
    });
    expect(created.statusCode).toBe(201);
    const hook = created.json();
    expect(hook).toMatchObject({
      url: receiver.url,
      events: ['alert.raised', 'isolation.changed'],
      enabled: true,
      description: null,
      lastDelivery: null,
    });
    expect(created.body).not.toContain(SECRET);
    expect(created.body).not.toMatch(/secret/i);

    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { secret: NEW_SECRET, description: 'SIEM' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ description: 'SIEM' });
    const kept = await app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { secret: '', events: ['device.added'] },
    });
    expect(kept.json().events).toEqual(['device.added']);

    for (const url of ['/api/v1/webhooks', `/api/v1/webhooks/${hook.id}`]) {
      const read = await app.inject({ method: 'GET', url });
      expect(read.statusCode).toBe(200);
      expect(read.body).not.toContain(SECRET);
      expect(read.body).not.toContain(NEW_SECRET);
    }
    const stored = await store.db
      .selectFrom('webhooks')
      .select('secret_ciphertext')
      .executeTakeFirstOrThrow();
    expect(stored.secret_ciphertext).not.toContain(NEW_SECRET);

    const test = await app.inject({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test` });
    expect(test.statusCode).toBe(202);
    await dispatchWebhooks({
      store,
      logger: silentLogger,
      box: secretBox(built.env),
      fetch,
      now: () => new Date(),
    });
    expect(receiver.received).toHaveLength(1);
    const ping = receiver.received[0];
    expect(JSON.parse(ping.body)).toMatchObject({ type: 'ping', subject: hook.id });
    // Signed with the secret set last (an empty secret in a patch kept it).
    expect(verifySignature(NEW_SECRET, ping.body, ping.headers[SIGNATURE_HEADER])).toBe(true);
    expect(verifySignature(SECRET, ping.body, ping.headers[SIGNATURE_HEADER])).toBe(false);

    const log = await app.inject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries` });
    expect(log.json()).toMatchObject({
      total: 1,
      page: 1,
      pageSize: 50,
      items: [{ eventType: 'ping', attempt: 1, status: 'delivered', responseStatus: 200, error: null }],
    });
    const listed = await app.inject({ method: 'GET', url: '/api/v1/webhooks' });
    expect(listed.json().items[0].lastDelivery).toMatchObject({ status: 'delivered', eventType: 'ping' });

    const removed = await app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` });
    expect(removed.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}` })).statusCode).toBe(404);
    expect(await store.db.selectFrom('webhook_deliveries').selectAll().execute()).toEqual([]);

    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', 'like', 'webhook.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'webhook.created',
      'webhook.updated',
      'webhook.updated',
      'webhook.tested',
      'webhook.deleted',
    ]);
    expect(JSON.parse(audit[1].detail)).toMatchObject({ changed: ['secret', 'description'] });
    for (const a of audit) {
      expect(a.detail).not.toContain(SECRET);
      expect(a.detail).not.toContain(NEW_SECRET);
    }
  });

  it('refuses URLs that are not http(s), empty event lists, unknown events and unknown fields (400)', async () => {
    store = await engine.open();
    app = (await routesApp(store)).app;
    const post = (payload: Record<string, unknown>) =>
      app!.inject({ method: 'POST', url: '/api/v1/webhooks', payload });
    const base = { url: 'https://example.com/hook', events: ['device.added'], secret: SECRET };
    const ftp = await post({ ...base, url: 'ftp://example.com/hook' });
    expect(ftp.statusCode).toBe(400);
    expect(ftp.json().error).toMatchObject({ code: 'invalid_request', field: 'body.url' });
    expect((await post({ ...base, url: 'not a url' })).statusCode).toBe(400);
    expect((await post({ ...base, events: [] })).statusCode).toBe(400);
    expect((await post({ ...base, events: ['device.exploded'] })).statusCode).toBe(400);
    expect((await post({ ...base, extra: 1 })).statusCode).toBe(400);
    expect((await post({ ...base, secret: undefined })).statusCode).toBe(400);
    expect((await post(base)).statusCode).toBe(201);
  });

  it('lets config.view read webhooks but not change them', async () => {
    store = await engine.open();
    app = (await routesApp(store, { caller: { permissions: ['config.view'] } })).app;
    expect((await app.inject({ method: 'GET', url: '/api/v1/webhooks' })).statusCode).toBe(200);
    const post = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { url: 'https://example.com/hook', events: ['device.added'], secret: SECRET },
    });
    expect(post.statusCode).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

describe('rate limits, faults, stats and licences over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    // 100 calls a minute over windows scaled to 3 s, so a test can hit the limit and recover.
    h = await startHarness({ rateLimits: 'scaled', rateLimitWindowScale: 0.05 });
  });
  afterAll(() => h.close());

  it('answers 429 with Retry-After and Defender body past 100 calls a minute per API, then recovers', async () => {
    await h.token();
    let throttled: Awaited<ReturnType<Harness['call']>> | undefined;
    for (let i = 0; i < 400 && !throttled; i++) {
      const res = await h.call('/api/machines?$top=1');
      if (res.status === 429) throttled = res;
    }
    expect(throttled, 'the 101st call is throttled').toBeDefined();
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(throttled!.body.error.code).toBe('TooManyRequests');
    // Another API of the same app is counted separately ("per API").
    expect((await h.call('/api/alerts?$top=1')).status).toBe(200);
    const stats = await h.control('stats');
    expect(stats.body.throttled.machines).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, Number(throttled!.headers.get('retry-after')) * 1000));
    expect((await h.call('/api/machines?$top=1')).status).toBe(200);
  });

  it('throttles hunting at 45 a minute with the real body ("429" code, quota message)', async () => {
    // Real windows: 46 quick queries always fall inside one minute, however loaded the machine is.
    const real = await startHarness({ rateLimits: 'real' });
    try {
      let last: Awaited<ReturnType<Harness['call']>> | undefined;
      for (let i = 0; i < 46; i++) {
        last = await real.call('/api/advancedqueries/run', {
          method: 'POST',
          json: { Query: 'DeviceInfo | take 1' },
        });
        if (last.status === 429) break;
      }
      expect(last!.status).toBe(429);
      expect(last!.body.error.code).toBe('429');
      expect(last!.body.error.message).toBe('API calls quota exceeded! maximum allowed 45 per 00:01:00');
    } finally {
      await real.close();
    }
  });

  it('injects faults for the next N calls of a family: 503, reset, truncated JSON', async () => {
    await h.control('stats', 'DELETE');
    expect((await h.control('faults', 'POST', { kind: '503', families: ['alerts'], count: 1 })).status).toBe(
      201,
    );
    expect((await h.call('/api/alerts?$top=1')).status).toBe(503);
    expect((await h.call('/api/alerts?$top=1')).status).toBe(200);
    await h.control('faults', 'POST', { kind: 'reset', families: ['alerts'], count: 1 });
    await expect(h.call('/api/alerts?$top=1')).rejects.toThrow();
    await h.control('faults', 'POST', { kind: 'truncate', families: ['alerts'], count: 1 });
    const truncated = await h.call('/api/alerts?$top=3');
    expect(truncated.status).toBe(200);
    expect(() => JSON.parse(truncated.text)).toThrow();
    const stats = await h.control('stats');
    expect(stats.body.calls.alerts).toBe(4);
  });

  it('injects 429 storms on the token endpoint and hangs that a client must time out', async () => {
    await h.control('faults', 'POST', { kind: '429', families: ['token'], count: 1, retryAfterSeconds: 7 });
    const res = await fetch(`${h.emu.loginUrl}/${h.emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: 'x=1',
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    await h.control('faults', 'POST', { kind: 'hang', families: ['scores'], count: 1, hangMs: 10_000 });
    await expect(h.call('/api/exposureScore', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    await h.control('faults', 'DELETE');
    expect((await h.control('faults')).body.faults).toEqual([]);
  });

  it('validates control-surface input', async () => {
    expect((await h.control('faults', 'POST', { kind: 'explode', count: 1 })).status).toBe(400);
    expect((await h.control('faults', 'POST', { kind: '500' })).status).toBe(400);
    expect((await h.control('clock/advance', 'POST', { minutes: -1 })).status).toBe(400);
    expect((await h.control('reset', 'POST', { devices: 'many' })).status).toBe(400);
    const info = await h.control('info');
    expect(Object.keys(info.body.counts).sort()).toEqual(
      [
        'alerts',
        'deviceVulnerabilities',
        'devices',
        'machineActions',
        'recommendations',
        'software',
        'vulnerabilities',
      ].sort(),
    );
  });
});

describe('licence modes', () => {
  it('answers 403 DisabledFeature for hunting and live response on Plan 1, but serves machines and isolation', async () => {
    const h = await startHarness({ license: 'p1' });
    try {
      const hunt = await h.call('/api/advancedqueries/run', {
        method: 'POST',
        json: { Query: 'DeviceInfo | take 1' },
      });
      expect(hunt.status).toBe(403);
      expect(hunt.body.error.code).toBe('DisabledFeature');
      expect((await h.call('/api/machines?$top=1')).status).toBe(200);
      const device = h.emu.state.data.devices.find((d) => d.supports.isolate)!;
      const isolate = await h.call(`/api/machines/${device.machine.id}/isolate`, {
        method: 'POST',
        json: { Comment: 'x' },
      });
      expect(isolate.status).toBe(201);
      const lr = await h.call(`/api/machines/${device.machine.id}/runliveresponse`, {
        method: 'POST',
        json: { Comment: 'x', Commands: [{ type: 'GetFile', params: [{ key: 'Path', value: 'C:\\x' }] }] },
      });
      expect(lr.body.error.code).toBe('DisabledFeature');
    } finally {
      await h.close();
    }
  });
});

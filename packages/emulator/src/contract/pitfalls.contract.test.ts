/** Behaviours from shared/spec/pitfalls.md that the emulator reproduces and other tests do not already pin. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFENDER_SCOPE, type Harness, startHarness } from './harness.js';

describe('pitfalls the emulator reproduces', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ devices: 400, rateLimits: 'scaled', rateLimitWindowScale: 0.05 });
  });
  afterAll(() => h.close());

  it('lists several machine records for one DNS name with different ids (MicrosoftDocs#12717)', async () => {
    const machines = (await h.call('/api/machines')).body.value as {
      id: string;
      computerDnsName: string;
      lastSeen: string;
    }[];
    const byName = new Map<string, typeof machines>();
    for (const m of machines) byName.set(m.computerDnsName, [...(byName.get(m.computerDnsName) ?? []), m]);
    const duplicated = [...byName.values()].find((list) => list.length > 1);
    expect(duplicated, 'a re-imaged device appears twice').toBeDefined();
    expect(new Set(duplicated!.map((m) => m.id)).size).toBe(duplicated!.length);
    const byDnsName = await h.call(`/api/machines/${encodeURIComponent(duplicated![0].computerDnsName)}`);
    const newest = duplicated!.reduce((a, b) => (a.lastSeen >= b.lastSeen ? a : b));
    expect(byDnsName.body.id).toBe(newest.id);
  });

  it('counts rate limits per application + tenant: a second app is not throttled by the first (MicrosoftDocs#10124)', async () => {
    const other = (await h.control('apps', 'POST', { displayName: 'second', roles: ['Machine.Read.All'] }))
      .body;
    let throttled = false;
    for (let i = 0; i < 400 && !throttled; i++)
      throttled = (await h.call('/api/machines?$top=1')).status === 429;
    expect(throttled).toBe(true);
    const second = await h.call('/api/machines?$top=1', { token: await h.token(DEFENDER_SCOPE, other) });
    expect(second.status).toBe(200);
  });

  it('names the machine that was not found instead of a generic failure (rapid7/insightconnect-plugins#597)', async () => {
    const res = await h.call('/api/machines/not-a-machine/isolate', {
      method: 'POST',
      json: { Comment: 'x' },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('not-a-machine');
  });
});

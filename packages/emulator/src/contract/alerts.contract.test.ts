import { Alert, GraphAlert, ODataCollection, validateStrict } from '@mde-bridge/client/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

describe('alerts over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ devices: 150 });
  });
  afterAll(() => h.close());

  it('lists alerts with empty evidence unless $expand=evidence, all valid against the wire schema', async () => {
    const plain = await h.call('/api/alerts');
    expect(plain.status).toBe(200);
    expect(plain.body.value.length).toBeGreaterThan(0);
    expect(validateStrict(ODataCollection(Alert), plain.body)).toEqual([]);
    expect(plain.body.value.every((a: { evidence: unknown[] }) => a.evidence.length === 0)).toBe(true);
    const expanded = await h.call('/api/alerts?$expand=evidence');
    expect(validateStrict(ODataCollection(Alert), expanded.body)).toEqual([]);
    expect(expanded.body.value.some((a: { evidence: unknown[] }) => a.evidence.length > 0)).toBe(true);
  });

  it('filters on lastUpdateTime with + for spaces, as polling integrations send it', async () => {
    const all = (await h.call('/api/alerts')).body.value as { lastUpdateTime: string }[];
    const cut = all.map((a) => a.lastUpdateTime).sort()[Math.floor(all.length / 2)];
    const res = await h.call(`/api/alerts?$filter=lastUpdateTime+ge+${cut}&$orderby=lastUpdateTime asc`);
    expect(res.status).toBe(200);
    expect(res.body.value.length).toBe(
      all.filter((a) => Date.parse(a.lastUpdateTime) >= Date.parse(cut)).length,
    );
    const times = res.body.value.map((a: { lastUpdateTime: string }) => Date.parse(a.lastUpdateTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('updates an alert (status Resolved fills resolvedTime, comment appended) and returns it', async () => {
    const alert = (await h.call("/api/alerts?$filter=status eq 'New'&$top=1")).body.value[0];
    const res = await h.call(`/api/alerts/${alert.id}`, {
      method: 'PATCH',
      json: {
        status: 'Resolved',
        classification: 'TruePositive',
        determination: 'Malware',
        comment: 'handled',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('Resolved');
    expect(res.body.resolvedTime).toBeTruthy();
    expect(res.body.comments.at(-1).comment).toBe('handled');
    expect(Date.parse(res.body.lastUpdateTime)).toBeGreaterThanOrEqual(Date.parse(alert.lastUpdateTime));
    const bad = await h.call(`/api/alerts/${alert.id}`, { method: 'PATCH', json: { status: 'Closed' } });
    expect(bad.body.error.code).toBe('InvalidRequestBody');
  });

  it('batch-updates alerts with an empty 200 and refuses unknown ids without changing any', async () => {
    const ids = (await h.call("/api/alerts?$filter=status ne 'Resolved'&$top=2")).body.value.map(
      (a: { id: string }) => a.id,
    );
    const res = await h.call('/api/alerts/batchUpdate', {
      method: 'POST',
      json: { alertIds: ids, status: 'InProgress' },
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    for (const id of ids) expect((await h.call(`/api/alerts/${id}`)).body.status).toBe('InProgress');
    const before = (await h.call(`/api/alerts/${ids[0]}`)).body.assignedTo;
    const partial = await h.call('/api/alerts/batchUpdate', {
      method: 'POST',
      json: { alertIds: [ids[0], 'da000000000000000000_1'], assignedTo: 'someone@contoso.com' },
    });
    expect(partial.status).toBe(404);
    expect((await h.call(`/api/alerts/${ids[0]}`)).body.assignedTo).toBe(before);
  });

  it('serves Graph alerts_v2 in the Graph shape, mapped from the same alerts', async () => {
    const res = await h.call('/v1.0/security/alerts_v2?$top=5');
    expect(res.status).toBe(200);
    expect(validateStrict(ODataCollection(GraphAlert), res.body)).toEqual([]);
    const first = res.body.value[0];
    expect(first.status).toMatch(/^(new|inProgress|resolved)$/);
    const mde = await h.call(`/api/alerts/${first.providerAlertId}`);
    expect(mde.status).toBe(200);
  });

  it('advancing the clock raises new alerts and updates existing ones (delta polling sees them)', async () => {
    const before = h.emu.state.clock.now();
    const since = new Date(before).toISOString();
    await h.control('clock/advance', 'POST', { minutes: 24 * 60 });
    const changed = await h.call(`/api/alerts?$filter=lastUpdateTime ge ${since}`);
    expect(changed.body.value.length).toBeGreaterThan(0);
  });
});

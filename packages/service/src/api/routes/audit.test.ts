import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../audit/audit-log.js';
import { createTestApi, type TestApi } from '../api.test-support.js';

let api: TestApi;
afterEach(async () => api?.close());

async function seed(t: TestApi): Promise<void> {
  const base = Date.parse('2026-02-01T00:00:00.000Z');
  for (let i = 0; i < 7; i++) {
    await appendAudit(
      t.store.db,
      {
        actorKind: 'user',
        actor: i % 2 ? 'alice' : 'bob',
        action: i < 4 ? 'tenant.created' : 'host_isolated',
        target: `t${i}`,
        outcome: i === 6 ? 'failure' : 'success',
        detail: { n: i },
      },
      new Date(base + i * 60_000),
    );
  }
  await appendAudit(
    t.store.db,
    { actorKind: 'user', actor: '=HYPERLINK("x")', action: 'login.failed', detail: { note: 'a,b\n"c"' } },
    new Date(base + 10 * 60_000),
  );
}

describe('audit routes', () => {
  it('pages newest first and filters by actor, action prefix, outcome and time', async () => {
    api = await createTestApi();
    await seed(api);
    const get = (query: string) =>
      api.app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, ...api.as('admin') });
    const first = (await get('pageSize=3')).json();
    expect(first).toMatchObject({ total: 8, page: 1, pageSize: 3 });
    expect(first.items.map((e: { target: string | null }) => e.target)).toEqual([null, 't6', 't5']);
    expect(first.items[1]).toMatchObject({
      actorKind: 'user',
      actor: 'bob',
      outcome: 'failure',
      detail: { n: 6 },
    });
    expect(typeof first.items[0].id).toBe('string');
    expect((await get('pageSize=3&page=3')).json().items.map((e: { target: string }) => e.target)).toEqual([
      't1',
      't0',
    ]);
    const tenant = (await get('action=tenant.')).json();
    expect(tenant.total).toBe(4);
    // `_` is literal, not a LIKE wildcard.
    expect((await get('action=host_')).json().total).toBe(3);
    expect((await get('action=host%')).json().total).toBe(0);
    expect((await get('actor=alice&outcome=success')).json().total).toBe(3);
    expect((await get('from=2026-02-01T00:02:00.000Z&to=2026-02-01T00:04:00.000Z')).json().total).toBe(2);
    const bad = await get('outcome=maybe');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('querystring.outcome');
    expect((await get('pageSize=501')).statusCode).toBe(400);
  });

  it('is for audit.view holders only', async () => {
    api = await createTestApi();
    const denied = await api.app.inject({ method: 'GET', url: '/api/v1/audit', ...api.as('analyst') });
    expect(denied.statusCode).toBe(403);
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/v1/audit/export', ...api.as('reader') })).statusCode,
    ).toBe(403);
  });

  it('exports CSV as an attachment, escaped and safe from formula injection', async () => {
    api = await createTestApi();
    await seed(api);
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/v1/audit/export?format=csv&action=login.',
      ...api.as('super'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="mde-bridge-audit-.*\.csv"$/,
    );
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe('id,at,actorKind,actor,action,target,outcome,ip,detail');
    expect(lines[1]).toBe(
      `8,2026-02-01T00:10:00.000Z,user,"'=HYPERLINK(""x"")",login.failed,,success,,"{""note"":""a,b\\n\\""c\\""""}"`,
    );
    expect(lines.slice(2)).toEqual(['']);
  });

  it('exports JSON across several batches, every matching row once, newest first', async () => {
    api = await createTestApi();
    await seed(api);
    for (let i = 0; i < 1200; i++) {
      await appendAudit(api.store.db, {
        actorKind: 'system',
        actor: 'system',
        action: 'bulk.row',
        target: String(i),
      });
    }
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/v1/audit/export?format=json&action=bulk.',
      ...api.as('super'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/\.json"$/);
    const rows = JSON.parse(response.body) as { target: string }[];
    expect(rows).toHaveLength(1200);
    expect(rows[0].target).toBe('1199');
    expect(rows.at(-1)?.target).toBe('0');
    expect(new Set(rows.map((r) => r.target)).size).toBe(1200);
  });
});

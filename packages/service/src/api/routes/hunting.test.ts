import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addEmulatorTenant,
  emulatorHuntingCalls,
  huntingEnv,
  startHuntingEmulator,
} from '../../hunting/hunting.test-support.js';
import { huntingCsv } from '../../hunting/result-csv.js';
import { engines } from '../../store/store.test-support.js';
import { createTestApi, type TestApi } from '../api.test-support.js';

describe.each(engines)('hunting API on $name', (engine) => {
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let emu: RunningEmulator;
  let business: RunningEmulator;
  let api: TestApi;
  let tenant: string;

  beforeAll(async () => {
    store = await engine.open();
    [emu, business] = await Promise.all([
      startHuntingEmulator(),
      startHuntingEmulator({ license: 'business' }),
    ]);
    tenant = await addEmulatorTenant(store, emu, 'contoso');
    await addEmulatorTenant(store, business, 'smallbiz');
    api = await createTestApi({ store, deps: { env: huntingEnv } });
  });
  afterAll(async () => {
    await api?.close();
    await store?.dispose();
    await Promise.all([emu?.close(), business?.close()]);
  });

  const run = (payload: Record<string, unknown>, who: 'analyst' | 'reader' = 'analyst', format?: string) =>
    api.app.inject({
      method: 'POST',
      url: `/api/v1/hunting/queries${format ? `?format=${format}` : ''}`,
      payload,
      ...api.as(who),
    });

  it("runs a query and answers the emulator's rows with the quota; the quota matches the emulator's count", async () => {
    const query = 'DeviceInfo | summarize arg_max(Timestamp, DeviceName) by DeviceId | order by DeviceId asc';
    const res = await run({ tenantId: 'contoso', query });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const truth = emu.state.data.devices.length;
    expect(body).toMatchObject({ tenantId: tenant, api: 'mde', rowCount: body.rows.length });
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.length).toBeLessThanOrEqual(truth);
    const ids = new Set(emu.state.data.devices.map((d) => d.machine.id));
    for (const row of body.rows) expect(ids.has(row.DeviceId)).toBe(true);
    const calls = await emulatorHuntingCalls(emu);
    expect(body.quota.calls.hour).toEqual({ used: calls.mde, limit: 1500 });
    const quota = await api.app.inject({
      method: 'GET',
      url: '/api/v1/hunting/quota?tenantId=contoso',
      ...api.as('analyst'),
    });
    expect(quota.json()).toMatchObject({
      api: 'mde',
      available: true,
      calls: { minute: { used: calls.mde, limit: 45 } },
    });
  });

  it('answers CSV with ?format=csv, escaped', async () => {
    const res = await run(
      {
        tenantId: 'contoso',
        query: 'DeviceInfo | take 3 | project DeviceId, Note = strcat(DeviceName, ", \\"x\\"\\nnext")',
      },
      'analyst',
      'csv',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('DeviceId,Note');
    expect(res.body).toMatch(/^[0-9a-f]+,"[^"]*, ""x""\nnext"\r$/m);
    expect(
      huntingCsv(
        [
          { name: 'a', type: 'String' },
          { name: 'b', type: 'Int64' },
        ],
        [{ a: '=cmd()', b: -1 }],
      ),
    ).toBe("a,b\r\n'=cmd(),-1\r\n");
  });

  it("refuses an invalid query with the parser's diagnostics (400 invalid_query) and spends nothing", async () => {
    const before = await emulatorHuntingCalls(emu);
    const res = await run({ tenantId: 'contoso', query: 'DeviceProcessEvents | where ProcessName == "x"' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_query', field: 'body.query' });
    expect(res.json().error.diagnostics[0]).toMatchObject({ severity: 'error', line: 1, column: 29 });
    expect(res.json().error.message).toMatch(/ProcessName/);
    const check = await api.app.inject({
      method: 'POST',
      url: '/api/v1/hunting/check',
      payload: { query: 'DeviceInfo | take' },
      ...api.as('analyst'),
    });
    expect(check.json()).toMatchObject({ ok: false, diagnostics: [{ severity: 'error' }] });
    expect(await emulatorHuntingCalls(emu)).toEqual(before);
  });

  it.each([
    ['an empty query', ''],
    ['a blank query', '   '],
    ['a query over 30,000 characters', `DeviceInfo | take 1 ${'//'.padEnd(30_000, 'x')}`],
  ])('refuses %s with 400 body.query and spends nothing', async (_, query) => {
    const before = await emulatorHuntingCalls(emu);
    const runs = await store.db.selectFrom('hunting_runs').select('id').execute();
    const res = await run({ tenantId: 'contoso', query });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('body.query');
    expect(await emulatorHuntingCalls(emu)).toEqual(before);
    expect(await store.db.selectFrom('hunting_runs').select('id').execute()).toHaveLength(runs.length);
  });

  it('explains a tenant without advanced hunting (422 hunting_unavailable)', async () => {
    const res = await run({ tenantId: 'smallbiz', query: 'DeviceInfo | take 1' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('hunting_unavailable');
    expect(res.json().error.message).toMatch(/Plan 2/);
    expect(res.json().error.message).toMatch(/Defender for Business/);
  });

  it('answers 429 hunting_quota with retryAfterSeconds when the ledger says the minute is spent', async () => {
    const at = new Date().toISOString();
    await store.db
      .insertInto('hunting_runs')
      .values(
        Array.from({ length: 45 }, (_, i) => ({
          id: `q-${engine.name}-${i}`,
          tenant,
          actor: 'someone',
          purpose: 'stitch',
          query: 'DeviceInfo | take 1',
          api: 'mde',
          api_called: 1,
          state: 'succeeded',
          row_count: 1,
          execution_seconds: 0,
          cpu_seconds: 0,
          error: null,
          started_at: at,
          duration_ms: 1,
        })),
      )
      .execute();
    const before = await emulatorHuntingCalls(emu);
    const res = await run({ tenantId: 'contoso', query: 'DeviceInfo | take 1' });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('hunting_quota');
    expect(res.json().error.retryAfterSeconds).toBeGreaterThan(0);
    expect(res.headers['retry-after']).toBe(String(res.json().error.retryAfterSeconds));
    expect(await emulatorHuntingCalls(emu)).toEqual(before);
    await store.db.deleteFrom('hunting_runs').where('actor', '=', 'someone').execute();
  });

  it("keeps history per user, newest first, and never shows another's", async () => {
    const mine = await api.app.inject({
      method: 'GET',
      url: '/api/v1/hunting/history',
      ...api.as('analyst'),
    });
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items as { state: string; startedAt: string }[];
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.map((i) => i.state)).toContain('refused');
    expect([...items].sort((a, b) => b.startedAt.localeCompare(a.startedAt))).toEqual(items);
    const other = await api.app.inject({ method: 'GET', url: '/api/v1/hunting/history', ...api.as('admin') });
    expect(other.json().items).toEqual([]);
  });

  it('lists the table schemas', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/hunting/schema', ...api.as('analyst') });
    const tables = res.json().tables as { name: string; columns: { name: string }[] }[];
    expect(tables.map((t) => t.name)).toContain('DeviceNetworkEvents');
    expect(tables.find((t) => t.name === 'DeviceNetworkEvents')?.columns.map((c) => c.name)).toContain(
      'RemoteIP',
    );
  });

  it('keeps saved queries per user: create, list, rename, duplicate 409, others 404, delete', async () => {
    const post = (payload: unknown, who: 'analyst' | 'admin' = 'analyst') =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/hunting/saved-queries',
        payload: payload as object,
        ...api.as(who),
      });
    const created = await post({ name: 'devices', query: 'DeviceInfo | take 10' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await post({ name: 'devices', query: 'DeviceInfo' })).statusCode).toBe(409);
    expect((await post({ name: 'devices', query: 'DeviceInfo' }, 'admin')).statusCode).toBe(201);
    expect((await post({ name: '', query: 'DeviceInfo' })).statusCode).toBe(400);
    const list = await api.app.inject({
      method: 'GET',
      url: '/api/v1/hunting/saved-queries',
      ...api.as('analyst'),
    });
    expect(list.json().items).toEqual([created.json()]);
    const put = (who: 'analyst' | 'admin') =>
      api.app.inject({
        method: 'PUT',
        url: `/api/v1/hunting/saved-queries/${id}`,
        payload: { name: 'all devices', query: 'DeviceInfo | take 20' },
        ...api.as(who),
      });
    expect((await put('admin')).statusCode).toBe(404);
    const renamed = await put('analyst');
    expect(renamed.json()).toMatchObject({ id, name: 'all devices', query: 'DeviceInfo | take 20' });
    const del = (who: 'analyst' | 'admin') =>
      api.app.inject({ method: 'DELETE', url: `/api/v1/hunting/saved-queries/${id}`, ...api.as(who) });
    expect((await del('admin')).statusCode).toBe(404);
    expect((await del('analyst')).statusCode).toBe(204);
    expect((await del('analyst')).statusCode).toBe(404);
  });

  it('refuses hunting to a role without hunting.run', async () => {
    const res = await run({ tenantId: 'contoso', query: 'DeviceInfo | take 1' }, 'reader');
    expect(res.statusCode).toBe(403);
  });

  it('validates settings.hunting.api on tenant update', async () => {
    const res = await api.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenants/contoso',
      payload: { settings: { hunting: { api: 'xdr' } } },
      ...api.as('super'),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('body.settings.hunting.api');
  });
});

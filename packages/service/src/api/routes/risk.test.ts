import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recomputeRisk } from '../../risk/recompute-risk.js';
import { engines } from '../../store/store.test-support.js';
import type { Api } from '../types.js';
import { seedReplica } from './data-fixtures.test-support.js';
import { type FakeCaller, routesApp } from './routes.test-support.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');

describe.each(engines)('risk routes on $name', (engine) => {
  let store: Awaited<ReturnType<typeof engine.open>>;
  let apps: Api[] = [];
  const get = async (url: string, caller?: FakeCaller) => {
    const { app } = await routesApp(store, { caller });
    apps.push(app);
    const response = await app.inject({ method: 'GET', url: `/api/v1${url}` });
    return { status: response.statusCode, body: response.json() };
  };

  beforeEach(async () => {
    store = await engine.open();
    await seedReplica(store.db);
  });
  afterEach(async () => {
    for (const app of apps) await app.close();
    apps = [];
    await store.dispose();
  });

  it('answers 404 before the first computation, then the risk with its reasons and history', async () => {
    const before = await get('/hosts/a100/risk');
    expect(before.status).toBe(404);
    expect(before.body.error.code).toBe('not_found');

    await recomputeRisk(store.db, 'contoso', NOW);
    const { status, body } = await get('/hosts/a100/risk');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      overall: 'Critical',
      exposure: 'Critical',
      alert: 'High',
      vulnerabilityCount: 2,
      topVulnerability: { cveId: 'CVE-2026-0001', cvssV3: 9.8, exploitAvailable: true },
      topAlert: { id: 'da1', severity: 'High' },
      history: [{ at: NOW.toISOString(), overall: 'Critical', exposure: 'Critical', alert: 'High' }],
    });
    expect(body.reasons[0]).toContain('CVE-2026-0001');
  });

  it('hides the risk of a host outside the caller’s device groups behind the unknown-host 404', async () => {
    await recomputeRisk(store.db, 'contoso', NOW);
    const outside = await get('/hosts/b200/risk', { deviceGroups: ['Servers'] });
    expect(outside.status).toBe(404);
    expect(outside.body.error.message).toBe("host 'b200' not found");
    expect((await get('/hosts/a100/risk', { deviceGroups: ['Servers'] })).status).toBe(200);
    expect((await get('/hosts/nope/risk')).status).toBe(404);
  });

  it('shows the level on the host list and detail, and filters the list by it', async () => {
    await recomputeRisk(store.db, 'contoso', NOW);
    const critical = await get('/hosts?riskLevel=Critical');
    expect(critical.status).toBe(200);
    expect(critical.body.items.map((h: { id: string; riskLevel: string }) => [h.id, h.riskLevel])).toEqual([
      ['a100', 'Critical'],
      ['b200', 'Critical'],
    ]);
    expect(critical.body.total).toBe(2);
    const all = await get('/hosts');
    const byId = Object.fromEntries(
      all.body.items.map((h: { id: string; riskLevel: string }) => [h.id, h.riskLevel]),
    );
    // fabrikam was not recomputed: no level yet.
    expect(byId).toEqual({ a100: 'Critical', b200: 'Critical', c300: 'Medium', e500: 'Low', f600: null });

    const detail = await get('/hosts/c300');
    expect(detail.body.riskLevel).toBe('Medium');
    expect(detail.body.risk).toMatchObject({ overall: 'Medium', topVulnerability: null, topAlert: null });
    expect((await get('/hosts/f600')).body.risk).toBeNull();

    const bad = await get('/hosts?riskLevel=Severe');
    expect(bad.status).toBe(400);
  });
});

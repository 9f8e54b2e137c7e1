import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { clientFor } from '../sync/sync.test-support.js';
import {
  addEmulatorTenant,
  emulatorHuntingCalls,
  huntingEnv,
  startHuntingEmulator,
} from './hunting.test-support.js';
import { HuntingError } from './hunting-errors.js';
import { type TenantHuntingRunner, tenantHuntingRunner } from './hunting-runner.js';

const DEVICES = 'DeviceInfo | summarize arg_max(Timestamp, DeviceName) by DeviceId | order by DeviceId asc';

async function refusal(p: Promise<unknown>): Promise<HuntingError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof HuntingError)) throw new Error(`expected a HuntingError, got ${String(err)}`);
  return err;
}

describe.each(engines)('hunting runner on $name', (engine) => {
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let p2: RunningEmulator;
  let retired: RunningEmulator;
  let business: RunningEmulator;
  let runner: TenantHuntingRunner;
  const tenants: Record<string, string> = {};

  beforeAll(async () => {
    store = await engine.open();
    [p2, retired, business] = await Promise.all([
      startHuntingEmulator(),
      startHuntingEmulator({ mdeHunting: 'retired' }),
      startHuntingEmulator({ license: 'business' }),
    ]);
    tenants.p2 = await addEmulatorTenant(store, p2, 'contoso');
    tenants.graph = await addEmulatorTenant(store, p2, 'contoso-graph', { hunting: { api: 'graph' } });
    tenants.retired = await addEmulatorTenant(store, retired, 'retired-auto');
    tenants.retiredMde = await addEmulatorTenant(store, retired, 'retired-mde', { hunting: { api: 'mde' } });
    tenants.business = await addEmulatorTenant(store, business, 'smallbiz');
    runner = tenantHuntingRunner({ store, env: huntingEnv });
  });
  afterAll(async () => {
    await store?.dispose();
    await Promise.all([p2?.close(), retired?.close(), business?.close()]);
  });

  it("returns the emulator's rows through the MDE API and through Graph, normalised alike", async () => {
    const direct = await clientFor(p2, { timeoutInMs: 60_000 }).runAdvancedQuery(DEVICES);
    const before = await emulatorHuntingCalls(p2);
    const mde = await runner.run({ tenant: tenants.p2, query: DEVICES, actor: 'u1', purpose: 'user' });
    const graph = await runner.run({ tenant: tenants.graph, query: DEVICES, actor: 'u1', purpose: 'user' });
    expect(mde.api).toBe('mde');
    expect(graph.api).toBe('graph');
    expect(direct.Results.length).toBeGreaterThan(5);
    expect(mde.rows).toEqual(direct.Results);
    expect(graph.rows).toEqual(direct.Results);
    expect(mde.columns).toEqual([
      { name: 'DeviceId', type: 'String' },
      { name: 'Timestamp', type: 'DateTime' },
      { name: 'DeviceName', type: 'String' },
    ]);
    expect(graph.columns).toEqual(mde.columns);
    expect(mde.rowCount).toBe(direct.Results.length);
    expect(mde.executionSeconds).not.toBeNull();
    expect(graph.executionSeconds).toBeNull();
    expect(await emulatorHuntingCalls(p2)).toEqual({ mde: before.mde + 1, graph: before.graph + 1 });
    const runs = await store.db
      .selectFrom('hunting_runs')
      .selectAll()
      .where('id', 'in', [mde.runId, graph.runId])
      .execute();
    expect(runs.map((r) => [r.api, r.state, Number(r.api_called), r.row_count]).sort()).toEqual([
      ['graph', 'succeeded', 1, direct.Results.length],
      ['mde', 'succeeded', 1, direct.Results.length],
    ]);
  });

  it("refuses an invalid query with the parser's message, records it, and sends nothing", async () => {
    const before = await emulatorHuntingCalls(p2);
    const err = await refusal(
      runner.run({
        tenant: tenants.p2,
        query: 'DeviceNetworkEvents\n| where RemoteAddress == "10.0.0.1"',
        actor: 'u1',
        purpose: 'user',
      }),
    );
    expect(err.code).toBe('invalid_query');
    expect(err.message).toMatch(/'RemoteAddress' does not refer to any known column/);
    expect(err.details.diagnostics?.[0]).toMatchObject({ severity: 'error', line: 2, column: 9, length: 13 });
    const syntax = await refusal(
      runner.run({ tenant: tenants.p2, query: 'DeviceInfo | where', actor: 'u1', purpose: 'user' }),
    );
    expect(syntax.code).toBe('invalid_query');
    expect(syntax.message).toMatch(/Missing expression/);
    expect(await emulatorHuntingCalls(p2)).toEqual(before);
    const row = await store.db
      .selectFrom('hunting_runs')
      .selectAll()
      .where('id', '=', err.details.runId ?? '')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'refused', api: null });
    expect(Number(row.api_called)).toBe(0);
  });

  it('answers a repeated query from the cache when asked, without a call', async () => {
    const query = 'DeviceInfo | summarize n = dcount(DeviceId)';
    const before = await emulatorHuntingCalls(p2);
    const first = await runner.run({
      tenant: tenants.p2,
      query,
      actor: 'system',
      purpose: 'stitch',
      cacheSeconds: 300,
    });
    const second = await runner.run({
      tenant: tenants.p2,
      query,
      actor: 'system',
      purpose: 'stitch',
      cacheSeconds: 300,
    });
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.rows).toEqual(first.rows);
    expect((await emulatorHuntingCalls(p2)).mde).toBe(before.mde + 1);
  });

  it('falls back to Graph when the MDE API answers that it is retired, and remembers it (auto)', async () => {
    const first = await runner.run({ tenant: tenants.retired, query: DEVICES, actor: 'u1', purpose: 'user' });
    expect(first.api).toBe('graph');
    expect(first.rowCount).toBeGreaterThan(5);
    expect(await emulatorHuntingCalls(retired)).toEqual({ mde: 1, graph: 1 });
    expect(await runner.apiFor(tenants.retired)).toBe('graph');
    const second = await runner.run({
      tenant: tenants.retired,
      query: DEVICES,
      actor: 'u1',
      purpose: 'user',
    });
    expect(second.api).toBe('graph');
    expect(await emulatorHuntingCalls(retired)).toEqual({ mde: 1, graph: 2 });
    // pinned to MDE: no fallback, Defender's answer is the error
    const pinned = await refusal(
      runner.run({ tenant: tenants.retiredMde, query: DEVICES, actor: 'u1', purpose: 'user' }),
    );
    expect(pinned.code).toBe('defender_error');
    expect(pinned.message).toMatch(/retired/);
  });

  it('explains a licence without advanced hunting (Defender for Business)', async () => {
    const err = await refusal(
      runner.run({ tenant: tenants.business, query: 'DeviceInfo | take 1', actor: 'u1', purpose: 'user' }),
    );
    expect(err.code).toBe('hunting_unavailable');
    expect(err.message).toMatch(/Plan 2/);
    expect(err.message).toMatch(
      /Defender for Business has no advanced hunting|Defender for Business have no advanced hunting/,
    );
    const quota = await runner.quota(tenants.business);
    expect(quota.available).toBe(false);
    expect(quota.reason).toMatch(/Plan 2/);
  });

  it('counts the quota from the ledger exactly as the emulator counts the calls, and refuses when it is spent', async () => {
    const quotaEmu = await startHuntingEmulator({ seed: 'quota' });
    try {
      const tenant = await addEmulatorTenant(store, quotaEmu, 'quota-tenant');
      for (const q of [
        'DeviceInfo | take 1',
        'DeviceInfo | count',
        'DeviceInfo | where',
        'DeviceInfo | take 2',
      ])
        await runner.run({ tenant, query: q, actor: 'u1', purpose: 'user' }).catch(() => undefined);
      const quota = await runner.quota(tenant);
      const calls = await emulatorHuntingCalls(quotaEmu);
      expect(calls.mde).toBe(3);
      expect(quota).toMatchObject({
        tenantId: tenant,
        api: 'mde',
        available: true,
        calls: { minute: { used: calls.mde, limit: 45 }, hour: { used: calls.mde, limit: 1500 } },
      });
      // CPU: the seconds MDE's Stats reported, as the emulator charged them against its hourly CPU quota
      expect(quota.cpuSeconds.hour.used).toBeGreaterThan(0);
      expect(quota.cpuSeconds.hour.used).toBeCloseTo(quotaEmu.state.huntingCpu.usedMs / 1000, 2);
      expect(quota.cpuSeconds.day.used).toBe(quota.cpuSeconds.hour.used);
      expect(quota.cpuSeconds.hour.limit).toBe(600);
      expect(quota.cpuSeconds.day.limit).toBe(10_800);
      // fill the minute in the ledger: the next run is refused before any call, with a wait
      const now = new Date().toISOString();
      await store.db
        .insertInto('hunting_runs')
        .values(
          Array.from({ length: 42 }, (_, i) => ({
            id: `filler-${engine.name}-${i}`,
            tenant,
            actor: 'u1',
            purpose: 'user',
            query: 'DeviceInfo | take 1',
            api: 'mde',
            api_called: 1,
            state: 'succeeded',
            row_count: 1,
            execution_seconds: 0,
            cpu_seconds: 0,
            error: null,
            started_at: now,
            duration_ms: 1,
          })),
        )
        .execute();
      const spent = await refusal(
        runner.run({ tenant, query: 'DeviceInfo | take 1', actor: 'u1', purpose: 'user' }),
      );
      expect(spent.code).toBe('hunting_quota');
      expect(spent.details.retryAfterSeconds).toBeGreaterThan(0);
      expect(spent.details.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect((await emulatorHuntingCalls(quotaEmu)).mde).toBe(3);
      expect((await runner.quota(tenant)).available).toBe(false);
    } finally {
      await quotaEmu.close();
    }
  });
});

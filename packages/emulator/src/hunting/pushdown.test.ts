import { beforeAll, describe, expect, it } from 'vitest';
import { runKql } from './engine.js';
import { makeTables, NOW_MS } from './test-fixtures.js';
import type { ScanHints } from './types.js';

const H = 3_600_000;
const D = 24 * H;
const WINDOW_START = NOW_MS - 30 * D;

/** Runs a query on fresh spy tables and returns the hints each table's scans received. */
async function hintsOf(query: string) {
  const t = makeTables();
  const seen: { table: string; hints: ScanHints }[] = [];
  await runKql(query, t.all, { nowMs: NOW_MS, onScan: (table, hints) => seen.push({ table, hints }) });
  // onScan reports exactly what the tables were handed
  expect(seen.length).toBe(t.process.calls.length + t.network.calls.length + t.tvm.calls.length);
  for (const s of seen)
    expect([...t.process.calls, ...t.network.calls, ...t.tvm.calls]).toContainEqual(s.hints);
  return { process: t.process.calls, network: t.network.calls, tvm: t.tvm.calls, seen };
}

beforeAll(async () => {
  await runKql('print 1', [], { nowMs: NOW_MS });
});

describe('scan hints', () => {
  it('Timestamp > ago(1d)', async () => {
    const { process } = await hintsOf('DeviceProcessEvents | where Timestamp > ago(1d)');
    expect(process).toEqual([{ fromMs: NOW_MS - D }]);
  });

  it('no Timestamp bound: the 30-day hunting window', async () => {
    const { process } = await hintsOf('DeviceProcessEvents | take 1');
    expect(process).toEqual([{ fromMs: WINDOW_START }]);
  });

  it('a lower bound older than 30 days is clamped to the window', async () => {
    const { process } = await hintsOf('DeviceProcessEvents | where Timestamp > ago(90d)');
    expect(process).toEqual([{ fromMs: WINDOW_START }]);
  });

  it('between datetimes, >= / < pairs and reversed operands', async () => {
    expect(
      (
        await hintsOf(
          'DeviceProcessEvents | where Timestamp between (datetime(2024-03-25) .. datetime(2024-03-26T06:00:00Z))',
        )
      ).process,
    ).toEqual([{ fromMs: Date.parse('2024-03-25T00:00:00Z'), toMs: Date.parse('2024-03-26T06:00:00Z') }]);
    expect(
      (
        await hintsOf(
          'DeviceProcessEvents | where Timestamp >= datetime(2024-03-20) and Timestamp < datetime(2024-03-21)',
        )
      ).process,
    ).toEqual([{ fromMs: Date.parse('2024-03-20T00:00:00Z'), toMs: Date.parse('2024-03-21T00:00:00Z') }]);
    expect((await hintsOf('DeviceProcessEvents | where ago(2h) <= Timestamp')).process).toEqual([
      { fromMs: NOW_MS - 2 * H },
    ]);
    expect((await hintsOf('DeviceProcessEvents | where Timestamp between (ago(3d) .. 1d)')).process).toEqual([
      { fromMs: NOW_MS - 3 * D, toMs: NOW_MS - 2 * D },
    ]);
  });

  it('DeviceId == and in; DeviceName == / =~ / in~ (lower-cased)', async () => {
    expect((await hintsOf("DeviceProcessEvents | where DeviceId == 'd1'")).process).toEqual([
      { fromMs: WINDOW_START, deviceIds: ['d1'] },
    ]);
    expect(
      (await hintsOf("DeviceProcessEvents | where DeviceId in ('d1', 'd2') and Timestamp > ago(1h)")).process,
    ).toEqual([{ fromMs: NOW_MS - H, deviceIds: ['d1', 'd2'] }]);
    expect((await hintsOf("DeviceProcessEvents | where DeviceName =~ 'SRV-02'")).process).toEqual([
      { fromMs: WINDOW_START, deviceNames: ['srv-02'] },
    ]);
    expect(
      (await hintsOf("DeviceProcessEvents | where DeviceName in~ ('SRV-02', 'Mac-03')")).process,
    ).toEqual([{ fromMs: WINDOW_START, deviceNames: ['srv-02', 'mac-03'] }]);
  });

  it('several leading where clauses combine; conjunctions intersect', async () => {
    const { process } = await hintsOf(
      "DeviceProcessEvents | where DeviceId in ('d1', 'd2') | where Timestamp > ago(2d) | where DeviceId == 'd2' and Timestamp < ago(1h)",
    );
    expect(process).toEqual([{ fromMs: NOW_MS - 2 * D, toMs: NOW_MS - H, deviceIds: ['d2'] }]);
  });

  it('ignores what it cannot prove: =~ on DeviceId, or, where after another operator', async () => {
    expect((await hintsOf("DeviceProcessEvents | where DeviceId =~ 'D1'")).process).toEqual([
      { fromMs: WINDOW_START },
    ]);
    expect(
      (await hintsOf("DeviceProcessEvents | where DeviceId == 'd1' or FileName == 'bash'")).process,
    ).toEqual([{ fromMs: WINDOW_START }]);
    expect((await hintsOf("DeviceProcessEvents | extend x = 1 | where DeviceId == 'd1'")).process).toEqual([
      { fromMs: WINDOW_START },
    ]);
    expect((await hintsOf("DeviceProcessEvents | where tolower(DeviceId) == 'd1'")).process).toEqual([
      { fromMs: WINDOW_START },
    ]);
  });

  it('let constants, tabular lets and join subqueries get their own hints', async () => {
    const q = `let start = ago(2d);
      let procs = DeviceProcessEvents | where Timestamp > start;
      DeviceNetworkEvents
      | where DeviceId == 'd1'
      | join kind=inner (procs | where DeviceId == 'd1') on DeviceId`;
    const { process, network } = await hintsOf(q);
    expect(network).toEqual([{ fromMs: WINDOW_START, deviceIds: ['d1'] }]);
    expect(process).toEqual([{ fromMs: NOW_MS - 2 * D, deviceIds: ['d1'] }]);
  });

  it('tables without Timestamp get no time hints', async () => {
    const { tvm } = await hintsOf("DeviceTvmSoftwareVulnerabilities | where DeviceId == 'd2'");
    expect(tvm).toEqual([{ deviceIds: ['d2'] }]);
  });

  it('results are the same whether or not the table honours the hints', async () => {
    const queries = [
      "DeviceProcessEvents | where Timestamp > ago(1d) and DeviceId in ('d1', 'd2') | project FileName",
      "DeviceProcessEvents | where DeviceName =~ 'srv-02' | where Timestamp between (ago(2d) .. ago(1h)) | project FileName",
      'DeviceNetworkEvents | where ago(4h) < Timestamp | summarize count() by DeviceId',
      'DeviceProcessEvents | where Timestamp > ago(90d) | count',
    ];
    for (const q of queries) {
      const honoured = makeTables(true);
      const ignored = makeTables(false);
      const a = await runKql(q, honoured.all, { nowMs: NOW_MS });
      const b = await runKql(q, ignored.all, { nowMs: NOW_MS });
      expect(a.rows).toEqual(b.rows);
      expect(a.rowsScanned).toBeLessThanOrEqual(b.rowsScanned);
    }
    const narrow = makeTables(true);
    await runKql("DeviceProcessEvents | where DeviceId == 'd3'", narrow.all, { nowMs: NOW_MS });
    expect(narrow.process.produced).toBe(1);
  });

  it('an explicit window (Graph Timespan) replaces the 30-day default', async () => {
    const t = makeTables();
    const r = await runKql('DeviceProcessEvents | project FileName', t.all, {
      nowMs: NOW_MS,
      window: { fromMs: NOW_MS - 2.5 * H, toMs: NOW_MS - 1.5 * H },
    });
    expect(t.process.calls).toEqual([{ fromMs: NOW_MS - 2.5 * H, toMs: NOW_MS - 1.5 * H }]);
    expect(r.rows).toEqual([{ FileName: 'powershell.exe' }]);
  });
});

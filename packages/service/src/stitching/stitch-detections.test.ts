import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HuntingError } from '../hunting/hunting-errors.js';
import type { HuntingRunInput, HuntingRunner } from '../hunting/hunting-runner.js';
import type { DetectionTable } from '../store/schema-detections.js';
import { engines } from '../store/store.test-support.js';
import type { RootCause, Row } from './root-cause.js';
import { stitchDetections } from './stitch-detections.js';

const AT = Date.parse('2026-11-18T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** Telemetry of two devices: one attack connection each, a decoy, and the process rows of the chains. */
const network: Row[] = [
  net('dev-a', AT + 2_000, '185.220.101.34', 443, 'cdn-update-check.net', 5000, 'powershell.exe', [
    7000,
    'WINWORD.EXE',
  ]),
  net('dev-a', AT - 150_000, '185.220.101.34', 80, '', 7000, 'WINWORD.EXE', [3000, 'explorer.exe']),
  net('dev-b', AT + 20 * 60_000, '185.220.101.34', 443, '', 5000, 'rundll32.exe', [600, 'svchost.exe']),
];
const processes: Row[] = [
  proc(
    'dev-a',
    7000,
    'WINWORD.EXE',
    AT - 300_000,
    [3000, 'explorer.exe', AT - 3_600_000],
    [2900, 'userinit.exe', AT - 3_601_000],
  ),
  proc(
    'dev-a',
    2900,
    'userinit.exe',
    AT - 3_601_000,
    [600, 'winlogon.exe', AT - 3_700_000],
    [500, 'smss.exe', AT - 3_800_000],
  ),
  // The same process ID re-used by an unrelated process: must not be taken for the parent.
  proc(
    'dev-a',
    7000,
    'MpCmdRun.exe',
    AT - 86_400_000,
    [1200, 'MsMpEng.exe', AT - 90_000_000],
    [800, 'services.exe', AT - 91_000_000],
  ),
];

function net(
  device: string,
  ms: number,
  ip: string,
  port: number,
  url: string,
  pid: number,
  file: string,
  parent: [number, string],
): Row {
  return {
    Timestamp: iso(ms),
    DeviceId: device,
    ActionType: 'ConnectionSuccess',
    RemoteIP: ip,
    RemotePort: port,
    RemoteUrl: url,
    Protocol: 'Tcp',
    InitiatingProcessFileName: file,
    InitiatingProcessId: pid,
    InitiatingProcessCommandLine: `${file} -x`,
    InitiatingProcessCreationTime: iso(AT - 300_000 + (pid === 5000 ? 290_000 : 0)),
    InitiatingProcessParentId: parent[0],
    InitiatingProcessParentFileName: parent[1],
    InitiatingProcessParentCreationTime: iso(parent[0] === 7000 ? AT - 300_000 : AT - 3_600_000),
  };
}

function proc(
  device: string,
  pid: number,
  file: string,
  createdMs: number,
  parent: [number, string, number],
  grand: [number, string, number],
): Row {
  return {
    Timestamp: iso(createdMs),
    DeviceId: device,
    FileName: file,
    ProcessId: pid,
    ProcessCommandLine: `${file} /c`,
    ProcessCreationTime: iso(createdMs),
    SHA256: 'ab'.repeat(32),
    AccountName: 'alice',
    InitiatingProcessFileName: parent[1],
    InitiatingProcessId: parent[0],
    InitiatingProcessCreationTime: iso(parent[2]),
    InitiatingProcessParentId: grand[0],
    InitiatingProcessParentFileName: grand[1],
    InitiatingProcessParentCreationTime: iso(grand[2]),
  };
}

/** A runner over the rows above, applying the query's device and time filters loosely (the stitcher re-checks). */
function fakeRunner(fail?: HuntingError): HuntingRunner & { inputs: HuntingRunInput[] } {
  const inputs: HuntingRunInput[] = [];
  return {
    inputs,
    async run(input) {
      inputs.push(input);
      if (fail) throw fail;
      const [from, to] = [...input.query.matchAll(/datetime\(([^)]+)\)/g)].map((m) => Date.parse(m[1]));
      const isNet = input.query.startsWith('DeviceNetworkEvents');
      const rows = (isNet ? network : processes).filter((r) => {
        const t = Date.parse(String(r.Timestamp));
        // Process rows: every time, so the re-used process ID is in the answer too.
        return (!isNet || (t >= from && t <= to)) && input.query.includes(`'${r.DeviceId}'`);
      });
      return {
        runId: 'r',
        tenantId: input.tenant,
        api: 'mde',
        columns: [],
        rows,
        rowCount: rows.length,
        executionSeconds: 0,
        cached: false,
      };
    },
  };
}

describe.each(engines)('stitchDetections on $name', (engine) => {
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let n = 0;
  beforeAll(async () => {
    store = await engine.open();
  });
  afterAll(() => store?.dispose());

  async function detection(over: Partial<DetectionTable>): Promise<string> {
    const id = `d-${engine.name}-${++n}`;
    await store.db
      .insertInto('detections')
      .values({
        id,
        source: 'test',
        external_id: id,
        host_ip: null,
        host_name: 'ws-1',
        threat_score: null,
        certainty_score: null,
        privilege: null,
        category: null,
        remote_ip: '185.220.101.34',
        remote_port: 443,
        protocol: null,
        domain: null,
        url: null,
        detected_at: iso(AT),
        received_at: iso(AT),
        received_by: 'test',
        tenant: 't1',
        device_id: 'dev-a',
        match: 'dns_name',
        lockdown_outcome: null,
        lockdown_id: null,
        approval_id: null,
        stitch_state: 'waiting',
        root_cause: null,
        stitch_error: null,
        stitched_at: null,
        stitch_attempts: 0,
        ...over,
      })
      .execute();
    return id;
  }
  const row = (id: string) =>
    store.db.selectFrom('detections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('shares queries across a batch, widens once, walks parents by ID and creation time', async () => {
    const a = await detection({ url: 'https://cdn-update-check.net/a' });
    const b = await detection({ device_id: 'dev-b' });
    const none = await detection({ remote_ip: '203.0.113.9' });
    const skipped = await detection({ device_id: null, tenant: null, match: 'unmatched' });
    const runner = fakeRunner();
    const report = await stitchDetections({ store, runner, now: () => new Date(AT) }, [a, b, none, skipped]);
    // ±5 min for all, ±60 min for the two that found nothing, then two parent rounds for both chains.
    expect(runner.inputs.map((i) => i.query.split('\n')[0])).toEqual([
      'DeviceNetworkEvents',
      'DeviceNetworkEvents',
      'DeviceProcessEvents',
      'DeviceProcessEvents',
    ]);
    expect(
      runner.inputs.every((i) => i.purpose === 'stitch' && i.actor === 'system' && i.cacheSeconds === 300),
    ).toBe(true);
    expect(report.huntingCalls).toBe(4);

    const ra = await row(a);
    expect(ra.stitch_state).toBe('stitched');
    const rc = JSON.parse(ra.root_cause ?? '') as RootCause;
    expect(rc.process).toMatchObject({ fileName: 'powershell.exe', processId: 5000 });
    expect(rc.parents.map((p) => `${p.fileName}#${p.processId}`)).toEqual([
      'WINWORD.EXE#7000',
      'explorer.exe#3000',
      'userinit.exe#2900',
      'winlogon.exe#600',
    ]);
    expect(rc.parents[0].commandLine).toBe('WINWORD.EXE /c');
    expect(rc.candidates.map((c) => c.process.fileName)).toEqual(['WINWORD.EXE']);
    expect(rc.confidenceLevel).toBe('high');

    const rb = await row(b);
    expect(rb.stitch_state).toBe('stitched');
    const rcb = JSON.parse(rb.root_cause ?? '') as RootCause;
    expect(rcb.process.fileName).toBe('rundll32.exe');
    expect(rcb.parents.map((p) => p.fileName)).toEqual(['svchost.exe']);
    expect(rcb.confidence).toBeLessThan(rc.confidence);
    expect((await row(none)).stitch_state).toBe('not_found');
    expect((await row(none)).stitch_error).toContain('203.0.113.9:443');
    expect((await row(skipped)).stitch_state).toBe('skipped');
    expect((await row(skipped)).stitch_attempts).toBe(1);
  });

  it('puts detections back to waiting when the quota is spent, and fails them on other hunting errors', async () => {
    const q = await detection({});
    await stitchDetections({ store, runner: fakeRunner(new HuntingError('hunting_quota', 'spent')) }, [q]);
    expect(await row(q)).toMatchObject({
      stitch_state: 'waiting',
      stitch_error: 'hunting_quota: spent',
      root_cause: null,
    });
    const f = await detection({});
    await stitchDetections(
      { store, runner: fakeRunner(new HuntingError('hunting_unavailable', 'no licence')) },
      [f],
    );
    expect(await row(f)).toMatchObject({
      stitch_state: 'failed',
      stitch_error: 'hunting_unavailable: no licence',
    });
  });
});

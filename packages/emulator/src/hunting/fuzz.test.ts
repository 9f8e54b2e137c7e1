import { beforeAll, describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import { runKql } from './engine.js';
import { makeTables, NOW_MS } from './test-fixtures.js';

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = [
  "DeviceProcessEvents | where Timestamp > ago(1d) and DeviceId in ('d1', 'd2') | project Timestamp, FileName, Cmd = tolower(ProcessCommandLine)",
  'DeviceNetworkEvents | summarize n = count(), dcount(RemoteIP), make_set(RemotePort) by DeviceId, bin(Timestamp, 1h) | sort by n desc',
  'DeviceNetworkEvents | join kind=leftouter (DeviceProcessEvents | project DeviceId, ProcessId, FileName) on DeviceId, $left.InitiatingProcessId == $right.ProcessId | take 10',
  "let start = ago(2d); DeviceProcessEvents | where Timestamp between (start .. now()) | where ProcessCommandLine has 'whoami' or FileName =~ 'cmd.exe' | top 3 by Timestamp asc",
  "DeviceProcessEvents | extend F = parse_json(AdditionalFields) | extend P = tostring(F.ParentProcessName), C = toint(F['Count']) | where isnotempty(P) | project-away AdditionalFields",
  'DeviceProcessEvents | summarize arg_max(Timestamp, *) by DeviceId | distinct DeviceName, AccountName | count',
  "print a = strcat('x', 1), b = iff(1 > 2, 'y', 'n'), c = datetime(2024-01-01) + 1h, d = bin(17, 5), e = 'abc' !contains 'B'",
  "DeviceTvmSoftwareVulnerabilities | where CveTags[0] == 'ZeroDay' | project DeviceId, CveId | union (DeviceProcessEvents | project DeviceId, FileName)",
  "DeviceNetworkEvents | where RemotePort !in (80, 443) and RemoteUrl !has 'example' | order by Timestamp desc, RemoteIP asc | limit 5",
  'DeviceProcessEvents | summarize countif(AccountName startswith "a"), avg(ProcessId), min(Timestamp), max(ReportId), sum(ProcessId) by AccountName',
];

const TOKENS = [
  '|',
  'where',
  'project',
  'extend',
  'summarize',
  'by',
  'join',
  'kind=inner',
  'on',
  '$left.DeviceId',
  '==',
  '$right.DeviceId',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ';',
  'let',
  '=',
  'x',
  "'",
  '"',
  "'abc'",
  '"q"',
  '123',
  '-1',
  '1.5',
  '1d',
  '30m',
  'datetime(2024-01-01)',
  'ago(',
  'now()',
  'count()',
  'dcount(',
  'arg_max(',
  '*',
  'bin(',
  'Timestamp',
  'DeviceId',
  'FileName',
  'RemotePort',
  'AdditionalFields',
  'CveTags',
  'DeviceProcessEvents',
  'DeviceNetworkEvents',
  'Nope',
  'and',
  'or',
  'not(',
  'has',
  '!has',
  'contains',
  'in',
  '!in',
  'in~',
  'between',
  '..',
  '=~',
  '!=',
  '<',
  '>=',
  '+',
  '-',
  '/',
  '%',
  '.',
  'take',
  'top',
  'sort',
  'asc',
  'desc',
  'distinct',
  'mv-expand',
  'parse',
  'render',
  'print',
  'toscalar(',
  'materialize(',
  'dynamic([1,2])',
  'parse_json(',
  'tostring(',
  '\\',
  '@',
  '//',
  '\n',
  'null',
  'true',
  'iff(',
  'case(',
  'union',
  'count',
];

function mutate(rnd: () => number, q: string): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  let s = q;
  const steps = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < steps; i++) {
    const pos = Math.floor(rnd() * (s.length + 1));
    switch (Math.floor(rnd() * 6)) {
      case 0: // delete a span
        s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(rnd() * 8));
        break;
      case 1: // insert a token
        s = `${s.slice(0, pos)} ${pick(TOKENS)} ${s.slice(pos)}`;
        break;
      case 2: // truncate
        s = s.slice(0, pos);
        break;
      case 3: // duplicate a span
        s = s.slice(0, pos) + s.slice(pos, pos + 12) + s.slice(pos);
        break;
      case 4: // splice in a piece of another query
        s = s.slice(0, pos) + pick(CORPUS).slice(Math.floor(rnd() * 40));
        break;
      default: // replace one character
        s = s.slice(0, pos) + String.fromCharCode(32 + Math.floor(rnd() * 95)) + s.slice(pos + 1);
    }
  }
  return s;
}

/** Classes of interchangeable tokens: swapping within a class mostly keeps queries valid. */
const CLASSES = [
  [
    '==',
    '!=',
    '=~',
    '!~',
    'has',
    '!has',
    'contains',
    '!contains',
    'startswith',
    'endswith',
    'has_cs',
    'contains_cs',
  ],
  ['<', '<=', '>', '>=', '==', '!='],
  ['tolower', 'toupper', 'tostring', 'strlen', 'isempty', 'isnotempty', 'isnull', 'isnotnull', 'parse_json'],
  [
    'count()',
    'dcount(DeviceId)',
    'make_set(DeviceId)',
    'make_list(Timestamp)',
    'min(Timestamp)',
    'max(DeviceName)',
    'take_any(DeviceId)',
  ],
  ['1h', '1d', '30m', '10s', '7d', '0s', '-1h'],
  ['1', '0', '3', '100', '-2', '5'],
  ['asc', 'desc'],
  [
    'inner',
    'leftouter',
    'innerunique',
    'leftanti',
    'rightsemi',
    'fullouter',
    'rightouter',
    'leftsemi',
    'rightanti',
  ],
  ['DeviceId', 'DeviceName', 'Timestamp', 'FileName', 'RemotePort', 'AccountName', 'ProcessId'],
  ['take', 'limit'],
  ['sort', 'order'],
];

function substitute(rnd: () => number, q: string): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  let s = q;
  const steps = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < steps; i++) {
    const cls = pick(CLASSES);
    const present = cls.filter((t) => s.includes(t));
    if (!present.length) continue;
    const from = pick(present);
    const at = s.indexOf(from);
    s = s.slice(0, at) + pick(cls) + s.slice(at + from.length);
  }
  return s;
}

function soup(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 14);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(TOKENS[Math.floor(rnd() * TOKENS.length)]);
  return parts.join(rnd() < 0.5 ? ' ' : '');
}

function cases(): string[] {
  const rnd = prng(20240326);
  const out: string[] = [...CORPUS];
  for (let i = 0; i < 130; i++) out.push(mutate(rnd, CORPUS[i % CORPUS.length]));
  for (let i = 0; i < 120; i++) out.push(substitute(rnd, CORPUS[i % CORPUS.length]));
  for (let i = 0; i < 40; i++) out.push(soup(rnd));
  for (let i = 0; i < 10; i++) {
    const chars: string[] = [];
    const n = Math.floor(rnd() * 40);
    for (let j = 0; j < n; j++) chars.push(String.fromCharCode(Math.floor(rnd() * 0x250)));
    out.push(chars.join(''));
  }
  return out;
}

beforeAll(async () => {
  await runKql('print 1', [], { nowMs: NOW_MS });
});

describe('fuzz: every query either answers or fails with a 400 DefenderError', () => {
  it('handles a few hundred random and mutated queries', async () => {
    const tables = makeTables().all;
    let ok = 0;
    let rejected = 0;
    const unexpected: string[] = [];
    for (const q of cases()) {
      const started = performance.now();
      try {
        const r = await runKql(q, tables, { nowMs: NOW_MS, maxScannedRows: 100_000 });
        expect(Array.isArray(r.rows)).toBe(true);
        expect(r.rows.length).toBeLessThanOrEqual(100_000);
        ok++;
      } catch (err) {
        const internal =
          err instanceof DefenderError && err.message.startsWith('An unexpected error occurred');
        if (err instanceof DefenderError && err.status === 400 && err.code === 'BadRequest' && !internal) {
          rejected++;
          if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify(q), '->', err.message);
        } else unexpected.push(`${JSON.stringify(q)} -> ${String(err)}`);
      }
      const took = performance.now() - started;
      if (took > 10_000) unexpected.push(`${JSON.stringify(q)} took ${Math.round(took)} ms`);
    }
    if (process.env.FUZZ_VERBOSE) console.log({ ok, rejected });
    expect(unexpected).toEqual([]);
    // The corpus itself runs, and mutations mostly break it: both outcomes are exercised.
    expect(ok).toBeGreaterThanOrEqual(CORPUS.length);
    expect(rejected).toBeGreaterThan(100);
    expect(ok).toBeGreaterThan(50);
  });

  it('every corpus query is valid and supported', async () => {
    const tables = makeTables().all;
    for (const q of CORPUS) await expect(runKql(q, tables, { nowMs: NOW_MS })).resolves.toBeTruthy();
  });
});

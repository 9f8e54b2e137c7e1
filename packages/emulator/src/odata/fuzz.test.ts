/**
 * Fuzzing the OData layer with a deterministic PRNG: every input must either compile and evaluate, or throw
 * a DefenderError with code ODataError — never another exception, never a hang.
 */
import { describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import { compileFilter } from './filter-eval.js';
import { MAX_FILTER_LENGTH } from './filter-lexer.js';
import { applyQuery, parseQuery } from './query-options.js';
import { actions, actionsSpec, alertsSpec, machines, machinesSpec, makeAlerts } from './test-fixtures.js';
import type { EntitySetSpec, ODataPropertyType } from './types.js';

type Wire = Record<string, unknown>;

/** mulberry32 */
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

const rand = prng(0x0da7a);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

// Items with hostile values: wrong types, nulls, missing keys, odd strings.
const hostile: Wire[] = [
  ...machines,
  {},
  {
    computerDnsName: 42,
    lastSeen: 'not a date',
    machineTags: 'VIP',
    rbacGroupId: '12',
    aadDeviceId: 7,
    isAadJoined: 'yes',
  },
  {
    computerDnsName: null,
    lastSeen: 17,
    machineTags: [null, 3, 'x'],
    rbacGroupId: Number.NaN,
    riskScore: {},
  },
];

const VALID_SEEDS = [
  'lastSeen gt 2018-08-01Z',
  "healthStatus ne 'Active'",
  "riskScore eq 'High'",
  "ComputerDnsName eq 'mymachine1.contoso.com' and HealthStatus ne 'Active'",
  "machineTags/any(t: t eq 'VIP')",
  "machineTags/all(tag: startswith(tag, 'a') or tag eq 'b')",
  "startswith(computerDnsName,'my') and not (riskScore in ('Low','None'))",
  'lastSeen ge 2019-11-22T00:00:00.123+02:00 or lastSeen eq null',
  'rbacGroupId gt 10 and rbacGroupId le 42.5 or isAadJoined',
  'aadDeviceId eq 80fe8ff8-2624-418e-9591-41f0491218f9',
  "tolower(osPlatform) eq 'windows10' and contains(toupper(computerDnsName), 'CONTOSO')",
  "computerDnsName eq 'o''brien-laptop'",
  "((riskScore eq 'High') or (exposureLevel eq 'Low')) and machineTags/any()",
];

const VOCAB = [
  'computerDnsName',
  'ComputerDnsName',
  'lastSeen',
  'machineTags',
  'rbacGroupId',
  'isAadJoined',
  'aadDeviceId',
  'riskScore',
  'unknownProp',
  't',
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'and',
  'or',
  'not',
  'in',
  'has',
  'add',
  'EQ',
  'And',
  'true',
  'false',
  'null',
  "'x'",
  "'it''s'",
  "'",
  "''",
  '42',
  '-1.5',
  '1e5',
  '2018-08-01Z',
  '2019-11-22T00:00:00Z',
  '2019-13-45T99:00Z',
  '2019-11-22T00:00:00 02:00',
  '80fe8ff8-2624-418e-9591-41f0491218f9',
  '(',
  ')',
  ',',
  '/',
  ':',
  'startswith(',
  'endswith(',
  'contains(',
  'tolower(',
  'toupper(',
  'length(',
  'any(',
  'all(',
  '/any(t:',
  '/all(t:',
  'machineTags/any(t:',
  '=',
  '!',
  '"',
  '%',
  '$it',
  '-',
  '+',
  '*',
  '.',
  '\u0000',
  'é',
  '😀',
  '\\',
];

const JUNK = [
  '(',
  ')',
  "'",
  ',',
  ':',
  '/',
  ' ',
  '-',
  '.',
  'Z',
  'T',
  '0',
  '9',
  'e',
  'q',
  '\t',
  '\u00a0',
  '\ud800',
];

function randomTokens(): string {
  const n = 1 + int(16);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(pick(VOCAB));
  return parts.join(rand() < 0.8 ? ' ' : '');
}

function mutate(s: string): string {
  let out = s;
  const steps = 1 + int(3);
  for (let i = 0; i < steps; i++) {
    const pos = int(out.length + 1);
    switch (int(7)) {
      case 0: // delete a range
        out = out.slice(0, pos) + out.slice(pos + 1 + int(4));
        break;
      case 1: // insert junk
        out = out.slice(0, pos) + pick(JUNK) + out.slice(pos);
        break;
      case 2: // insert a vocabulary token
        out = `${out.slice(0, pos)} ${pick(VOCAB)} ${out.slice(pos)}`;
        break;
      case 3: // duplicate a substring
        out = out.slice(0, pos) + out.slice(int(out.length), int(out.length + 1) + 8) + out.slice(pos);
        break;
      case 4: // truncate
        out = out.slice(0, pos);
        break;
      case 5: // swap two characters
        if (out.length > 1) {
          const j = int(out.length);
          const a = out.split('');
          [a[pos % a.length], a[j]] = [a[j], a[pos % a.length]];
          out = a.join('');
        }
        break;
      default: // combine with another seed
        out = `${out} ${pick(['and', 'or', 'and not'])} ${pick(VALID_SEEDS)}`;
    }
  }
  return out;
}

function randomChars(): string {
  const n = int(40);
  let s = '';
  for (let i = 0; i < n; i++)
    s += rand() < 0.7 ? String.fromCharCode(32 + int(95)) : String.fromCharCode(int(0x3000));
  return s;
}

function nested(): string {
  const depth = int(160);
  const open = pick(['(', 'not ', 'not (', 'tolower(', 'machineTags/any(t: ', 'startswith(']);
  return `${open.repeat(depth)}riskScore eq 'High'${')'.repeat(int(depth + 2))}`;
}

function longInput(): string {
  const unit = pick(["riskScore eq 'High' or ", 'true eq ', '(', "'x", 'a']);
  return unit.repeat(Math.ceil((MAX_FILTER_LENGTH - 200 + int(400)) / unit.length));
}

/** Runs one filter: compile + evaluate on every item; classifies the outcome. */
function attempt(filter: string, spec: EntitySetSpec<Wire>, items: Wire[]): 'ok' | 'odata' {
  try {
    const pred = compileFilter(filter, spec);
    for (const item of items) {
      const r = pred(item);
      if (typeof r !== 'boolean') throw new Error(`predicate returned ${typeof r}`);
    }
    return 'ok';
  } catch (e) {
    if (e instanceof DefenderError && e.code === 'ODataError' && e.status === 400) return 'odata';
    throw new Error(`Unexpected ${String(e)} for filter ${JSON.stringify(filter)}`, { cause: e });
  }
}

describe('fuzz', () => {
  it('random and mutated filters either work or throw ODataError', () => {
    const outcomes = { ok: 0, odata: 0 };
    const generators = [randomTokens, () => mutate(pick(VALID_SEEDS)), randomChars, nested, longInput];
    let slowest = 0;
    for (let i = 0; i < 6000; i++) {
      const gen = i < 5 * 40 ? generators[i % 5] : generators[pick([0, 1, 1, 1, 2, 3, 4])];
      const filter = gen();
      const t0 = performance.now();
      outcomes[attempt(filter, machinesSpec, hostile)]++;
      slowest = Math.max(slowest, performance.now() - t0);
    }
    // The corpus must exercise both paths, and nothing may take long.
    expect(outcomes.ok).toBeGreaterThan(300);
    expect(outcomes.odata).toBeGreaterThan(3000);
    expect(slowest).toBeLessThan(5000); // generous: a hang, not a slow loaded machine, is the failure
  });

  it('every seed filter compiles', () => {
    for (const f of VALID_SEEDS) expect(attempt(f, machinesSpec, hostile)).toBe('ok');
  });

  it('well-typed random expressions always compile and evaluate', () => {
    const literal: Record<Exclude<ODataPropertyType, 'stringCollection'>, () => string> = {
      string: () => pick(["'High'", "'vip'", "'o''brien-laptop'", "''", "'Active'"]),
      guid: () => pick(['80fe8ff8-2624-418e-9591-41f0491218f9', "'c0ffee00-0000-4000-8000-000000000001'"]),
      number: () => pick(['0', '7', '140', '-3', '42.5']),
      datetime: () => pick(['2018-08-01Z', '2019-11-22T00:00:00.123Z', '2018-07-30T12:00:00+02:00']),
      boolean: () => pick(['true', 'false']),
    };
    const props = Object.entries(machinesSpec.filterable);
    const gen = (depth: number): string => {
      const r = int(depth > 4 ? 3 : 9);
      const [name, p] = pick(props);
      const cased = rand() < 0.3 ? name.toUpperCase() : name;
      if (p.type === 'stringCollection') {
        return `${cased}/${pick(['any', 'all'])}(x: ${pick(['x', 'tolower(x)'])} ${pick(['eq', 'ne', 'gt'])} ${literal.string()})`;
      }
      switch (r) {
        case 0:
        case 1:
        case 2: {
          const lit = rand() < 0.1 ? 'null' : literal[p.type]();
          const op = p.type === 'boolean' ? pick(['eq', 'ne']) : pick(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
          return rand() < 0.5 ? `${cased} ${op} ${lit}` : `${lit} ${op} ${cased}`;
        }
        case 3:
          if (p.type === 'string' || p.type === 'guid') {
            return `${pick(['startswith', 'endswith', 'contains'])}(${pick([cased, `tolower(${cased})`])},${literal.string()})`;
          }
          return `${cased} in (${literal[p.type]()}, ${literal[p.type]()}, null)`;
        case 4:
        case 5:
          return `(${gen(depth + 1)}) ${pick(['and', 'or'])} (${gen(depth + 1)})`;
        case 6:
          return `${gen(depth + 1)} ${pick(['and', 'or'])} ${gen(depth + 1)}`;
        case 7:
          return `not (${gen(depth + 1)})`;
        default:
          return `machineTags/any(t: ${gen(depth + 1)} and t ne ${literal.string()})`;
      }
    };
    let matched = 0;
    for (let i = 0; i < 2000; i++) {
      const filter = gen(0);
      let pred: (item: Wire) => boolean;
      try {
        pred = compileFilter(filter, machinesSpec);
      } catch (e) {
        throw new Error(`${filter}: ${String(e)}`);
      }
      matched += hostile.filter(pred).length;
    }
    expect(matched).toBeGreaterThan(0);
  });

  it('random query strings either parse and apply or throw ODataError', () => {
    const alerts = makeAlerts(40);
    const names = [
      '$filter',
      '$top',
      '$skip',
      '$orderby',
      '$select',
      '$expand',
      '$count',
      '$search',
      '$Top',
      'x',
    ];
    const values = [
      '',
      '0',
      '5',
      '-1',
      '10001',
      'true',
      'false',
      "status eq 'New'",
      'status+desc',
      'alertCreationTime desc,severity',
      'id,status',
      'evidence',
      '*',
      'lastUpdateTime+ge+2019-11-22T00:00:00Z',
      '%27',
      '(',
      'a,,b',
    ];
    let ok = 0;
    for (let i = 0; i < 3000; i++) {
      const n = int(5);
      const parts: string[] = [];
      for (let j = 0; j < n; j++) {
        const v = rand() < 0.2 ? mutate(pick(values)) : pick(values);
        parts.push(
          `${pick(names)}=${rand() < 0.5 ? encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?')) : v}`,
        );
      }
      const search = parts.join('&');
      const spec = pick([alertsSpec, actionsSpec, machinesSpec]);
      const items = spec === alertsSpec ? alerts : spec === actionsSpec ? actions : hostile;
      try {
        const pageUrl = new URL(`https://h/api/x?${search}`);
        const query = parseQuery(pageUrl.searchParams, spec);
        const page = applyQuery(items, query, spec, { pageUrl, pageSize: 7 });
        expect(Array.isArray(page.value)).toBe(true);
        if (page.nextLink) expect(() => parseQuery(new URL(page.nextLink!).searchParams, spec)).not.toThrow();
        ok++;
      } catch (e) {
        if (!(e instanceof DefenderError && e.code === 'ODataError')) {
          throw new Error(`Unexpected ${String(e)} for ${search}`, { cause: e });
        }
      }
    }
    expect(ok).toBeGreaterThan(100);
  });
});

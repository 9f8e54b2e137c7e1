import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

/** Deterministic PRNG so a failure reproduces. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILTER_PARTS = [
  "healthStatus eq 'Active'",
  'lastSeen gt 2024-01-01Z',
  'and',
  'or',
  'not',
  '(',
  ')',
  "'",
  'eq',
  'in',
  "('a','b')",
  'machineTags/any(t: t eq',
  'startswith(computerDnsName,',
  '$',
  '%',
  '\u0000',
  'rbacGroupId ge 3',
  '2024-13-45T99:99:99Z',
  'null',
  '9'.repeat(40),
];
const KQL_PARTS = [
  'DeviceInfo',
  '|',
  'where',
  'project',
  'summarize count() by',
  'DeviceName',
  '==',
  "'x'",
  'take 5',
  'join kind=leftouter (',
  ')',
  'ago(1d)',
  'Timestamp >',
  'bin(Timestamp, 1h)',
  '"',
  'let x = 1;',
  'extend y = strcat(',
  'mv-expand',
  '\\',
  'order by DeviceId desc',
  'has',
  'in~ (',
  '..',
];

function mutate(parts: string[], next: () => number): string {
  const n = 1 + Math.floor(next() * 8);
  return Array.from({ length: n }, () => parts[Math.floor(next() * parts.length)]).join(
    next() < 0.8 ? ' ' : '',
  );
}

describe('the emulator never crashes on hostile input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ devices: 30, rateLimits: 'off' });
  });
  afterAll(() => h.close());

  it('answers every random $filter with 200 or 400 ODataError', async () => {
    const next = rng(42);
    for (let i = 0; i < 300; i++) {
      const filter = mutate(FILTER_PARTS, next);
      const res = await h.call(`/api/machines?$filter=${encodeURIComponent(filter)}`);
      expect([200, 400], filter).toContain(res.status);
      if (res.status === 400) expect(res.body.error.code, filter).toBe('ODataError');
    }
  });

  it('answers every random KQL query with 200 or 400 BadRequest', async () => {
    const next = rng(7);
    for (let i = 0; i < 150; i++) {
      const query = mutate(KQL_PARTS, next);
      const res = await h.call('/api/advancedqueries/run', { method: 'POST', json: { Query: query } });
      expect([200, 400], query).toContain(res.status);
      if (res.status === 400) expect(res.body.error.code, query).toBe('BadRequest');
    }
  });

  it('answers odd paths, methods and bodies with Defender errors, never a 500', async () => {
    const next = rng(3);
    const paths = [
      '/api/machines/%ZZ',
      '/api/machines/x/isolate',
      '/api/alerts/%00',
      '/API/V1.0/Alerts',
      '/api/machineactions/()',
      '/api//machines',
      '/_emulator/../api/machines',
    ];
    const bodies = [
      '',
      '{',
      'null',
      '[]',
      '"x"',
      '{"Comment":5}',
      '{"Comment":"x","IsolationType":null}',
      'x'.repeat(5000),
    ];
    for (let i = 0; i < 120; i++) {
      const path = paths[Math.floor(next() * paths.length)];
      const method = ['GET', 'POST', 'PATCH', 'DELETE'][Math.floor(next() * 4)];
      const body = method === 'GET' ? undefined : bodies[Math.floor(next() * bodies.length)];
      const res = await h.call(path, { method, body, headers: { 'Content-Type': 'application/json' } });
      expect(res.status, `${method} ${path} ${body}`).toBeLessThan(500);
    }
    expect((await h.call('/api/machines?$top=1')).status).toBe(200);
  });
});

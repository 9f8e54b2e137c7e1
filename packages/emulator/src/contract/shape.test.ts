import { describe, expect, it } from 'vitest';
import { shapeDifferences } from './shape.js';

describe('shapeDifferences (the comparison the contract tests rely on)', () => {
  const sample = { value: [{ id: 'a', tags: [], vm: null, ips: [{ ip: 'x', mac: null }] }] };

  it('accepts the same key set, values behind empty arrays or nulls, and nulls for values', () => {
    const ok = { value: [{ id: 'b', tags: ['t'], vm: { id: 1 }, ips: [{ ip: null, mac: 'M' }] }] };
    expect(shapeDifferences(ok, sample)).toEqual([]);
  });

  it('reports a missing key, an extra key and a changed type', () => {
    const bad = { value: [{ id: 1, tags: [], vm: null, ips: [{ ip: 'x' }], extra: true }] };
    expect(shapeDifferences(bad, sample).sort()).toEqual(
      [
        'extra value[].extra',
        'missing value[].ips[].mac',
        'value[].id: integer where the sample has string',
      ].sort(),
    );
  });
});
